"""A storage worker killed in the middle of an upload loses nothing: on restart every image
ends stored, once."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

import pytest
from PIL import Image

from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from tests.helpers import wait_until
from tests.integration.processes import service_env

pytestmark = pytest.mark.integration


def _noisy_png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 40 + seed).convert("RGB").save(out, "PNG")
    return out.getvalue()


def _start_worker(settings) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storage_service"],
        env=service_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killed_storage_worker_resumes_and_stores_every_image_once(
    client, make_user, settings, db, store, probe, purge_queues, run_worker
):
    purge_queues()
    # OCR runs beside storage as in production; on pure noise it would take ~20 s an image, so
    # it gives up after a second here (those images end failed: storage is what is under test).
    ocr = ocr_bootstrap(OcrSettings(**{**settings.model_dump(), "ocr_timeout_seconds": 1}))
    run_worker("ocr", ocr_handlers(ocr))
    user = make_user()
    files = {f"image{n}": (io.BytesIO(_noisy_png(n)), f"page{n}.png") for n in range(6)}
    response = client.post(
        "/v1/uploads", data=files, headers=user.auth, content_type="multipart/form-data"
    )
    assert response.status_code == 202
    upload_id = response.get_json()["upload_id"]

    def stored() -> int:
        return db.images.count_documents({"upload_id": upload_id, "storage.status": "stored"})

    worker = _start_worker(settings)
    try:
        wait_until(lambda: stored() >= 1, timeout=60, interval=0.02)
        worker.send_signal(signal.SIGKILL)  # no chance to finish or ack
        worker.wait(timeout=10)
        assert stored() < 6, "the worker finished before it could be killed"
        worker = _start_worker(settings)
        wait_until(
            lambda: db.uploads.find_one({"_id": upload_id})["status"] != "processing", timeout=90
        )
    finally:
        worker.kill()
        worker.wait(timeout=10)

    assert stored() == 6
    prefix = f"{user.user_id}/upload{upload_id}/images/"
    assert len(list(store.keys(settings.bucket_images, prefix))) == 6
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert [e.type for e, _ in seen].count("jaryo.upload.completed.v1") == 1
    stored_ids = {p.image_id for e, p in seen if e.type == "jaryo.image.stored.v1"}
    assert len(stored_ids) == 6
