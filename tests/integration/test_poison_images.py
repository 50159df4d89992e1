"""Issue 12, finding 2, over the real servers: a PNG whose EXIF block is malformed used to make
both services raise outside their guarded decode, so the message was retried until it was
dead-lettered, the upload's other images were never finished and it stayed `processing`."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.helpers import wait_until
from tests.image_mutants import encode, malformed_exif_png, picture
from tests.integration.worker_checks import trouble

pytestmark = pytest.mark.integration


def settled(client, user, upload_id: str) -> dict | None:
    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    return detail if detail["status"] != "processing" else None


def test_malformed_exif_is_kept_unrotated_and_a_broken_image_fails_at_once_beside_a_good_one(
    client, make_user, settings, workers, probe
):
    storage_worker, ocr_worker = workers
    before = trouble(settings)
    good = encode(picture(), "PNG")
    files = {
        "image0": (io.BytesIO(good), "good.png"),
        "image1": (io.BytesIO(malformed_exif_png()), "bad-exif.png"),
        "image2": (io.BytesIO(good[: len(good) // 2]), "cut-short.png"),
    }
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={**files, "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    upload_id = response.get_json()["upload_id"]

    detail = wait_until(lambda: settled(client, user, upload_id), timeout=15)

    assert detail["status"] == "partial"
    kept, bad_exif, cut_short = detail["images"]
    # The pixels of a file with a malformed EXIF block are fine: it is kept as they are stored.
    for image in (kept, bad_exif):
        assert image["status"] == "done", image
        assert (image["width"], image["height"]) == (64, 48)
        assert image["ocr"]["status"] == "done"
        original = client.get(image["links"]["original"], headers=user.auth)
        assert Image.open(io.BytesIO(original.data)).size == (64, 48)
    assert cut_short["status"] == "failed"
    assert cut_short["storage"]["status"] == "rejected"
    assert cut_short["reason"].startswith("the image could not be decoded: the file is damaged")
    assert cut_short["ocr"]["status"] == "failed"
    assert "engine" not in cut_short["ocr"]["reason"]  # the file is to blame, not the OCR
    assert cut_short["code"] == "image-damaged"
    assert detail["failures"] == [
        {"image_id": cut_short["image_id"], "reason": cut_short["reason"], "code": "image-damaged"}
    ]

    # Each service finished each message on its first delivery: no failure, retry or dead letter.
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    types = [envelope.type for envelope, _ in seen]
    assert types.count("jaryo.image.stored.v1") == 2 and types.count("jaryo.image.rejected.v1") == 1
    assert types.count("jaryo.ocr.completed.v1") == 3
    assert types.count("jaryo.upload.completed.v1") == 1
    # One message an image, and the upload's own (passed over).
    wait_until(lambda: storage_worker.handled == ocr_worker.handled == 4, timeout=10)
    assert trouble(settings) == before
