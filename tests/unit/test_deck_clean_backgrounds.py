"""A deck placing an image's clean copy (`variant: clean`, the photo with its text removed, kept
by the OCR service): the deck service embeds that copy, and the original where none was kept.
Over the fakes of test_deck_handlers (its `Decks`)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from jaryo_shared.keys import clean_background_key
from tests.helpers import png_bytes
from tests.unit.handler_builders import USER, Decision
from tests.unit.test_deck_handlers import Decks, _deck_id, _failed


def _picture(image_id: str, variant: str) -> dict[str, Any]:
    return {
        "type": "image",
        "image_id": image_id,
        "variant": variant,
        **{"x": 0, "y": 0, "w": 1, "h": 1},
    }


def _with_clean_copy(decks: Decks, image_id: str, raw: bytes) -> None:
    [image] = decks.db.images.find({"_id": image_id})
    key = clean_background_key(USER, image["upload_id"], image_id)
    decks.store.put_bytes(decks.settings.bucket_images, key, raw, "image/png")


def _placed_colours(decks: Decks, deck_id: str) -> list[tuple[int, ...]]:
    """The colour of each slide's picture, as the .pptx embeds it."""
    return [
        Image.open(io.BytesIO(slide.shapes[0].image.blob)).convert("RGB").getpixel((1, 1))
        for slide in decks.file(deck_id).slides
    ]


def test_a_clean_picture_is_the_images_copy_without_text_and_an_original_the_photo() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(80, 60, "orange"))
    _with_clean_copy(decks, image_id, png_bytes(80, 60, "blue"))
    envelope = decks.request([_picture(image_id, "clean")], [_picture(image_id, "original")])

    assert decks.deliver(envelope) == Decision("ack")

    assert _placed_colours(decks, _deck_id(envelope)) == [(0, 0, 255), (255, 165, 0)]


def test_a_clean_picture_of_an_image_without_a_clean_copy_places_the_original() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(80, 60, "orange"))
    envelope = decks.request([_picture(image_id, "clean")])

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.build(_deck_id(envelope))["status"] == "completed"
    assert _placed_colours(decks, _deck_id(envelope)) == [(255, 165, 0)]


def test_a_clean_picture_of_a_purged_image_fails_as_any_gone_image_does() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes())
    _with_clean_copy(decks, image_id, png_bytes(color="blue"))
    decks.db.images.delete_one({"_id": image_id})
    envelope = decks.request([_picture(image_id, "clean")])

    assert decks.deliver(envelope) == Decision("ack")

    reason = f"the image {image_id} is no longer available; remove it from the deck"
    assert _failed(decks, envelope) == reason
