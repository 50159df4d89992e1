"""OCR under failure, over the real servers: a worker killed mid-read, an image that stalls the
engine, and an image that keeps taking its worker down."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys

import pytest

from jaryo_shared import events, messaging
from jaryo_shared.topology import Topology
from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from tests.helpers import dense_text_png, png_bytes, wait_until
from tests.integration.processes import service_env

pytestmark = pytest.mark.integration


def _start_ocr_service(settings) -> subprocess.Popen:
    """`python -m ocr_service` as operators run it: a supervisor and one worker process."""
    return subprocess.Popen(
        [sys.executable, "-m", "ocr_service"],
        env={**service_env(settings), "JARYO_OCR_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: killed whole, like a pod
    )


def _kill(service: subprocess.Popen) -> None:
    os.killpg(service.pid, signal.SIGKILL)  # no chance to finish, ack or clean up
    service.wait(timeout=10)


def _upload(client, user, files: dict[str, tuple[bytes, str]]) -> str:
    data = {field: (io.BytesIO(raw), name) for field, (raw, name) in files.items()}
    response = client.post(
        "/v1/uploads",
        data={**data, "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def _ocr(db, image_id: str) -> dict:
    return db.ocr_results.find_one({"_id": image_id}) or {"status": "queued"}


def _image_ids(db, upload_id: str) -> list[str]:
    return [i["_id"] for i in db.images.find({"upload_id": upload_id}).sort("index", 1)]


def test_ocr_worker_killed_mid_read_finishes_the_image_once_after_restart(
    client, make_user, settings, db, storage_worker, probe
):
    user = make_user()
    upload_id = _upload(client, user, {"image0": (dense_text_png(1400, 1000), "page.png")})
    (image_id,) = _image_ids(db, upload_id)

    service = _start_ocr_service(settings)
    try:
        wait_until(lambda: _ocr(db, image_id)["status"] == "processing", timeout=60)
        _kill(service)
        assert _ocr(db, image_id)["status"] == "processing", "it finished before the kill"
        service = _start_ocr_service(settings)
        wait_until(lambda: _ocr(db, image_id)["status"] == "done", timeout=120, interval=0.3)
        # The service goes on to settle the upload after the image is done: keep it alive
        # until it has, or the test itself would be killing it mid-work.
        seen = probe.until("jaryo.upload.completed.v1", timeout=60, upload_id=upload_id)
    finally:
        if service.poll() is None:
            _kill(service)

    ocr = _ocr(db, image_id)
    assert ocr["attempts"] == 2 and ocr["text"]
    types = [envelope.type for envelope, _ in seen]
    assert types.count("jaryo.ocr.completed.v1") == 1
    assert types.count("jaryo.upload.completed.v1") == 1
    assert db.uploads.find_one({"_id": upload_id})["status"] == "completed"


def test_image_that_stalls_the_engine_fails_with_a_reason_and_the_rest_completes(
    client, make_user, settings, db, storage_worker, run_worker, probe
):
    ocr = ocr_bootstrap(OcrSettings(**{**settings.model_dump(), "ocr_timeout_seconds": 3}))
    run_worker("ocr", ocr_handlers(ocr))
    user = make_user()
    upload_id = _upload(
        client,
        user,
        {
            "image0": (dense_text_png(3000, 3000), "stalls.png"),  # about a minute of work
            "image1": (png_bytes(300, 200), "fine.png"),
        },
    )

    detail = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()

    assert detail["status"] == "partial"
    stalled, fine = detail["images"]
    assert stalled["status"] == "failed" and stalled["storage"]["status"] == "stored"
    assert stalled["reason"] == "reading the text took longer than the 3 s allowed per image"
    assert stalled["code"] == stalled["ocr"]["code"] == "ocr-timed-out"
    assert fine["status"] == "done"
    assert detail["failures"] == [
        {"image_id": stalled["image_id"], "reason": stalled["reason"], "code": "ocr-timed-out"}
    ]
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    completed = [p for e, p in seen if e.type == "jaryo.upload.completed.v1"]
    assert len(completed) == 1 and completed[0].status == "partial"
    assert completed[0].read_count == 1 and completed[0].unread_count == 1


def _dead_letters(settings) -> list:
    with messaging.connect(settings) as connection:
        queue = Topology(settings).dead_letter_queue("ocr")(connection.default_channel)
        found = []
        while (message := queue.get(no_ack=True)) is not None:
            found.append(message)
        return found


def test_image_that_keeps_killing_its_worker_ends_failed_and_is_dead_lettered_with_the_reason(
    client, make_user, settings, db, storage_worker, probe
):
    _dead_letters(settings)  # start from an empty dead-letter queue
    user = make_user()
    upload_id = _upload(
        client,
        user,
        {
            "image0": (png_bytes(300, 200), "fine.png"),
            "image1": (dense_text_png(3000, 3000), "deadly.png"),
        },
    )
    fine_id, deadly_id = _image_ids(db, upload_id)

    service = _start_ocr_service(settings)
    try:
        for attempt in (1, 2):  # OcrSettings.ocr_max_attempts is 2
            wait_until(
                lambda attempt=attempt: _ocr(db, deadly_id).get("attempts") == attempt,
                timeout=60,
            )
            _kill(service)  # as if the engine crashed on this image
            service = _start_ocr_service(settings)
        wait_until(lambda: db.uploads.find_one({"_id": upload_id})["status"] != "processing", 60)
        # Dead-lettering follows the settle: the service must live until it has happened.
        dead = wait_until(lambda: _dead_letters(settings), timeout=30)
    finally:
        if service.poll() is None:
            _kill(service)

    assert _ocr(db, fine_id)["status"] == "done"
    deadly = _ocr(db, deadly_id)
    reason = (
        "reading stopped 2 times without finishing "
        "(the OCR engine crashed or its worker was killed)"
    )
    assert deadly["status"] == "failed" and deadly["reason"] == reason
    assert db.uploads.find_one({"_id": upload_id})["status"] == "partial"
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert [e.type for e, _ in seen].count("jaryo.upload.completed.v1") == 1
    assert len(dead) == 1
    _, payload = events.parse(dead[0].body)
    assert payload.upload_id == upload_id
    assert dead[0].headers["x-jaryo-reason"] == f"image {deadly_id}: {reason}"
