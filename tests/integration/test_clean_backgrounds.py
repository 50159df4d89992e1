"""An image's clean copy (the photo with its text removed) over the real servers: the API links
and serves it once the image's OCR result says it was kept, refuses with its own code before,
and a deck's `variant: clean` picture embeds it (the original where there is none). The copy and
its OCR result are written here as the OCR service would, so these tests do not wait on it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from jaryo_shared.keys import clean_background_key
from tests.helpers import png_bytes, wait_until

pytestmark = pytest.mark.integration

ORANGE, BLUE = (255, 165, 0), (0, 0, 255)


def _stored_upload(client, user, count: int) -> tuple[str, list[str]]:
    """An upload of `count` orange images, once storage has stored them all (nothing reads
    them: no OCR worker runs here)."""
    files = {
        f"image{n}": (io.BytesIO(png_bytes(160, 90, "orange")), f"{n}.png") for n in range(count)
    }
    upload_id = client.post(
        "/v1/uploads", data=files, headers=user.auth, content_type="multipart/form-data"
    ).get_json()["upload_id"]

    def stored() -> list[str] | None:
        images = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()["images"]
        done = all(image["storage"]["status"] == "stored" for image in images)
        return [image["image_id"] for image in images] if done else None

    return upload_id, wait_until(stored, timeout=60)


def _read(db, store, settings, user, upload_id: str, image_id: str, copy: bytes | None) -> None:
    """The image's OCR result as the OCR service writes it, and its clean copy if given."""
    if copy is not None:
        key = clean_background_key(user.user_id, upload_id, image_id)
        store.put_bytes(settings.bucket_images, key, copy, "image/png")
    db.ocr_results.insert_one(
        {
            "_id": image_id,
            "upload_id": upload_id,
            "user_id": user.user_id,
            "status": "done",
            "attempts": 1,
            "engine": "tesseract",
            "text": "",
            "blocks": [],
            "figures": [{"bbox": [0.1, 0.2, 0.5, 0.6]}],
            "clean_background": copy is not None,
        }
    )


def _image(client, user, upload_id: str) -> dict:
    return client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()["images"][0]


def _background_url(upload_id: str, image_id: str) -> str:
    return f"/v1/uploads/{upload_id}/images/{image_id}/background"


def test_a_clean_copy_is_linked_and_served_once_the_result_says_it_was_kept(
    client, make_user, storage_worker, db, store, settings
):
    user = make_user()
    upload_id, [image_id] = _stored_upload(client, user, 1)
    url = _background_url(upload_id, image_id)

    before = client.get(url, headers=user.auth)
    assert (before.status_code, before.mimetype) == (404, "application/problem+json")
    assert before.get_json()["code"] == "no-clean-background"
    unread = _image(client, user, upload_id)
    assert "background" not in unread["links"] and "clean_background" not in unread["ocr"]

    copy = png_bytes(160, 90, "blue")
    _read(db, store, settings, user, upload_id, image_id, copy)

    image = _image(client, user, upload_id)
    assert image["ocr"]["clean_background"] is True
    assert image["ocr"]["figures"] == [{"bbox": [0.1, 0.2, 0.5, 0.6]}]
    assert image["links"]["background"] == f"{url}?v=0"  # its first reading's copy
    served = client.get(url, headers=user.auth)
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", copy)
    stranger = client.get(url, headers=make_user().auth)
    assert (stranger.status_code, stranger.get_json()["code"]) == (404, "not-found")


def test_an_image_read_without_a_clean_copy_has_no_background(
    client, make_user, storage_worker, db, store, settings
):
    user = make_user()
    upload_id, [image_id] = _stored_upload(client, user, 1)
    _read(db, store, settings, user, upload_id, image_id, copy=None)

    image = _image(client, user, upload_id)
    refused = client.get(_background_url(upload_id, image_id), headers=user.auth)

    assert image["ocr"]["clean_background"] is False and "background" not in image["links"]
    assert (refused.status_code, refused.get_json()["code"]) == (404, "no-clean-background")


def test_a_deck_places_the_clean_copy_where_asked_and_the_original_where_there_is_none(
    client, make_user, storage_worker, run_worker, db, store, settings
):
    user = make_user()
    upload_id, [cleaned, plain] = _stored_upload(client, user, 2)
    _read(db, store, settings, user, upload_id, cleaned, png_bytes(160, 90, "blue"))
    _read(db, store, settings, user, upload_id, plain, copy=None)
    run_worker(
        "deck", deck_handlers(deck_bootstrap(DeckSettings(**settings.model_dump(), previews=False)))
    )

    def slide(image_id: str, variant: str) -> dict:
        picture = {"type": "image", "image_id": image_id, "variant": variant}
        return {"elements": [{**picture, "x": 0, "y": 0, "w": 1, "h": 1}]}

    spec = {
        "template_id": "clean",
        "title": "clean backgrounds",
        "slides": [slide(cleaned, "clean"), slide(cleaned, "original"), slide(plain, "clean")],
    }
    location = client.post("/v1/decks", json=spec, headers=user.auth).headers["Location"]
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    pptx = Presentation(io.BytesIO(client.get(deck["links"]["file"], headers=user.auth).data))

    colours = [
        Image.open(io.BytesIO(s.shapes[0].image.blob)).convert("RGB").getpixel((1, 1))
        for s in pptx.slides
    ]
    assert colours == [BLUE, ORANGE, ORANGE]
    stored = client.get(f"{location}/spec", headers=user.auth).get_json()
    assert [s["elements"][0]["variant"] for s in stored["slides"]] == ["clean", "original", "clean"]
