"""A phone photo of a page read through the capture step, over the real servers: the page on a
desk, at an angle and in a shadow, is found, flattened and read, and the upload settles once."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from tests.unit.test_capture import LINES, photo_of_page

pytestmark = pytest.mark.integration


def test_photo_of_a_page_on_a_desk_is_read_through_the_capture_step(
    client, make_user, settings, db, storage_worker, run_worker, probe
):
    ocr = ocr_bootstrap(OcrSettings(**{**settings.model_dump(), "ocr_capture": True}))
    run_worker("ocr", ocr_handlers(ocr))
    photo = io.BytesIO()
    Image.fromarray(photo_of_page(np.random.default_rng(5))).save(photo, "JPEG", quality=90)
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(photo.getvalue()), "desk.jpg"), "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    upload_id = response.get_json()["upload_id"]

    detail = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()

    assert detail["status"] == "completed"
    (image,) = detail["images"]
    text = image["ocr"]["text"]
    # Read without the step, the slanted lines come out as 7 of the 9 and some garbage.
    assert text.split() == "Quarterly figures 2026".split() * LINES, text
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    assert [e.type for e, _ in seen].count("jaryo.upload.completed.v1") == 1
