"""The editor draws a `variant: clean` picture from the image's clean copy (the photo with its
text removed), not from the photo: what the deck service will embed. The copy and the image's
OCR result are written here as the OCR service would keep them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from jaryo_shared.keys import clean_background_key
from tests.e2e.editor_support import open_editor, registered, stored_image
from tests.helpers import png_bytes, wait_until

pytestmark = pytest.mark.integration

ORANGE, BLUE = (255, 165, 0), (0, 0, 255)


def _canvas_centre(page) -> tuple[int, ...]:
    shot = page.locator(".slide-canvas canvas").first.screenshot()
    picture = Image.open(io.BytesIO(shot)).convert("RGB")
    return picture.getpixel((picture.width // 2, picture.height // 2))


def test_a_clean_picture_is_drawn_from_the_images_copy_without_text(
    browser, served, storage_worker, db, store, settings
):
    person = registered(served)
    upload_id, image_id = stored_image(person, png_bytes(320, 180, "orange"))
    user_id = db.images.find_one({"_id": image_id})["user_id"]
    key = clean_background_key(user_id, upload_id, image_id)
    store.put_bytes(settings.bucket_images, key, png_bytes(320, 180, "blue"), "image/png")
    db.ocr_results.insert_one(
        {
            "_id": image_id,
            "upload_id": upload_id,
            "user_id": user_id,
            "status": "done",
            "text": "",
            "blocks": [],
            "clean_background": True,
        }
    )
    picture = {"type": "image", "image_id": image_id, "variant": "clean"}
    slide = {"layout": "blank", "elements": [{**picture, "x": 0, "y": 0, "w": 1, "h": 1}]}
    deck_id = person.new_deck({"template_id": "clean", "title": "Clean", "slides": [slide]})
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})

    open_editor(page, person, deck_id)

    # The pictures arrive after the canvas is drawn: the placeholder is grey until then.
    assert wait_until(lambda: _canvas_centre(page) == BLUE, timeout=20)
    page.close()
