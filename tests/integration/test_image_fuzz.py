"""Damaged and unusual images (tests/image_mutants.py: bit flips, truncation, bad EXIF / ICC /
XMP chunks, wrong CRCs, bogus dimensions, HEIC and TIFF edge cases), each uploaded beside a good
image through the gateway, with the storage and OCR workers running: every image ends in a
clear answer on its first delivery and nothing is stuck, lost or dead-lettered."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from tests.helpers import wait_until
from tests.image_mutants import Mutant, good_images, mutants
from tests.integration.worker_checks import trouble

pytestmark = [pytest.mark.integration, pytest.mark.alone]

SETTLE_SECONDS = 30
IN_FLIGHT = 6
UPLOAD_COMPLETED = "jaryo.upload.completed.v1"


def _post(client, user, files: list[Mutant]):
    data = {f"image{n}": (io.BytesIO(m.data), m.filename) for n, m in enumerate(files)}
    return client.post(
        "/v1/uploads",
        data={**data, "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )


def _check_kept(client, user, image: dict) -> None:
    """Stored and read, and both stored files open at the size the API states."""
    assert image["status"] == "done", image
    assert image["storage"]["status"] == "stored" and image["ocr"]["status"] == "done"
    original = client.get(image["links"]["original"], headers=user.auth)
    assert original.status_code == 200
    assert Image.open(io.BytesIO(original.data)).size == (image["width"], image["height"])
    thumbnail = client.get(image["links"]["thumbnail"], headers=user.auth)
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/webp"


def _check_failed(image: dict) -> None:
    """Failed with a reason that blames the file, never the OCR engine or a crash."""
    assert image["status"] == "failed", image
    reason = image["reason"]
    assert reason and not any(word in reason for word in ("engine", "crash", "Tesseract"))
    # A code that says the file is to blame, never the catch-all or the engine's.
    assert image["code"].startswith("image-"), image
    assert "links" not in image or image["storage"]["status"] == "stored"


def test_every_damaged_image_ends_kept_or_failed_with_a_reason_and_nothing_is_stuck(
    client, make_user, settings, workers, probe
):
    storage_worker, ocr_worker = workers
    before = trouble(settings)
    user = make_user()
    goods = good_images()
    started = time.monotonic()

    posted: dict[str, tuple[Mutant, float]] = {}  # upload id → its damaged image, when posted
    completions: dict[str, list[float]] = {}  # upload id → when each upload.completed came
    events_by_upload: dict[str, list[str]] = {}
    refused: list[Mutant] = []

    def collect() -> None:
        for envelope, payload in probe.drain():
            upload_id = getattr(payload, "upload_id", None)
            if upload_id in posted:
                events_by_upload[upload_id].append(envelope.type)
                if envelope.type == UPLOAD_COMPLETED:
                    completions[upload_id].append(time.monotonic())

    def unsettled() -> int:
        collect()
        return sum(1 for times in completions.values() if not times)

    for n, mutant in enumerate(mutants()):
        # As a busy client would: a few uploads in flight at a time, so each one's time to
        # settle is its own and not the length of a queue this test filled.
        wait_until(lambda: unsettled() < IN_FLIGHT, timeout=SETTLE_SECONDS, interval=0.05)
        response = _post(client, user, [mutant, goods[n % len(goods)]])
        if response.status_code == 202:
            upload_id = response.get_json()["upload_id"]
            posted[upload_id] = (mutant, time.monotonic())
            completions[upload_id], events_by_upload[upload_id] = [], []
        else:  # the door refused the request: a clear answer too, and no upload made
            assert 400 <= response.status_code < 500, (mutant.name, response.get_json())
            assert response.mimetype == "application/problem+json"
            refused.append(mutant)
    assert len(posted) >= 40, f"only {len(posted)} damaged images got past the door"

    wait_until(lambda: unsettled() == 0, timeout=SETTLE_SECONDS, interval=0.1)
    slowest = max(completions[u][0] - at for u, (_, at) in posted.items())
    assert slowest <= SETTLE_SECONDS, f"an upload took {slowest:.1f} s to settle"

    outcomes = {"kept": 0, "failed": 0}
    for upload_id, (mutant, _) in posted.items():
        detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
        damaged, good = detail["images"]
        _check_kept(client, user, good)
        if damaged["status"] == "done":
            _check_kept(client, user, damaged)
            outcomes["kept"] += 1
            assert detail["status"] == "completed", mutant.name
        else:
            _check_failed(damaged)
            outcomes["failed"] += 1
            assert detail["status"] == "partial", mutant.name
            failure = {key: damaged[key] for key in ("image_id", "reason", "code")}
            assert detail["failures"] == [failure], mutant.name

    # Each upload settled once, each image was finished once by each service.
    time.sleep(0.5)  # a duplicate would arrive right behind the first
    collect()
    for upload_id, seen in events_by_upload.items():
        assert seen.count(UPLOAD_COMPLETED) == 1, posted[upload_id][0].name
        finished = seen.count("jaryo.image.stored.v1") + seen.count("jaryo.image.rejected.v1")
        assert finished == 2 and seen.count("jaryo.ocr.completed.v1") == 2, seen
    # First deliveries only: no handler failed (which would have meant a retry), nothing was
    # dead-lettered, and each worker acknowledged exactly one message per image and the
    # upload's own (which it passes over): three an upload.
    assert trouble(settings) == before
    messages = 3 * len(posted)
    wait_until(lambda: storage_worker.handled == ocr_worker.handled == messages, timeout=10)
    print(
        f"\n{len(posted)} uploads of a damaged and a good image, {IN_FLIGHT} at a time, settled "
        f"in {time.monotonic() - started:.1f} s (slowest {slowest:.1f} s after its POST); "
        f"damaged images kept {outcomes['kept']}, failed {outcomes['failed']}; "
        f"{len(refused)} refused at the door"
    )
