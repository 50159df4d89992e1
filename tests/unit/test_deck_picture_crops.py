"""A picture with a `crop` (a figure cut out of a photo) shows only that part of its image,
stretched to the element's box: the .pptx keeps the whole image and PowerPoint's crop of it.
Over the fakes of test_deck_handlers (its `Decks`); tests/integration/test_picture_crops.py
renders such a deck with LibreOffice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.helpers import png_bytes
from tests.unit.handler_builders import Decision
from tests.unit.test_deck_clean_backgrounds import _with_clean_copy
from tests.unit.test_deck_handlers import Decks, _deck_id

BOX = {"x": 0.1, "y": 0.2, "w": 0.4, "h": 0.3}


def _picture(image_id: str, crop: dict[str, float] | None, **fields: Any) -> dict[str, Any]:
    """As the gateway stores a picture: a crop that is None is left out."""
    picture = {"type": "image", "image_id": image_id, **BOX, **fields}
    return picture if crop is None else {**picture, "crop": crop}


def _placed(decks: Decks, *elements: dict[str, Any]) -> Any:
    """The built deck's one slide, and its shapes."""
    envelope = decks.request(list(elements))
    assert decks.deliver(envelope) == Decision("ack")
    [slide] = decks.file(_deck_id(envelope)).slides
    return slide, list(slide.shapes)


def _cuts(picture: Any) -> tuple[float, ...]:
    return (picture.crop_left, picture.crop_top, picture.crop_right, picture.crop_bottom)


def test_a_cropped_picture_cuts_the_rest_of_its_image_away() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(200, 100))
    crop = {"x": 0.5, "y": 0.25, "w": 0.3, "h": 0.6}

    _, [picture] = _placed(decks, _picture(image_id, crop))

    assert _cuts(picture) == pytest.approx((0.5, 0.25, 0.2, 0.15), abs=1e-5)


def test_a_cropped_picture_still_fills_the_elements_box_on_the_slide() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(200, 100))
    crop = {"x": 0.5, "y": 0, "w": 0.5, "h": 1}

    slide, [picture] = _placed(decks, _picture(image_id, crop))

    presentation = slide.part.package.presentation_part.presentation
    width, height = presentation.slide_width, presentation.slide_height
    placed = (picture.left, picture.top, picture.width, picture.height)
    assert placed == (
        round(BOX["x"] * width),
        round(BOX["y"] * height),
        round(BOX["w"] * width),
        round(BOX["h"] * height),
    )


def test_a_picture_without_a_crop_shows_its_whole_image() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(200, 100))

    _, [picture] = _placed(decks, _picture(image_id, None))

    assert _cuts(picture) == (0, 0, 0, 0)


def test_a_crop_reaching_a_rounding_hair_past_the_edge_cuts_nothing_there() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(200, 100))
    crop = {"x": 0.6, "y": 0.7, "w": 0.40005, "h": 0.30005}  # the spec allows 1e-4 over

    _, [picture] = _placed(decks, _picture(image_id, crop))

    assert _cuts(picture) == pytest.approx((0.6, 0.7, 0, 0), abs=1e-5)
    assert picture.crop_right >= 0 and picture.crop_bottom >= 0


def test_a_cropped_clean_picture_crops_the_images_copy_without_text() -> None:
    decks = Decks()
    image_id = decks.stored_image(png_bytes(200, 100, "orange"))
    _with_clean_copy(decks, image_id, png_bytes(200, 100, "blue"))
    crop = {"x": 0.25, "y": 0.25, "w": 0.5, "h": 0.5}

    _, [picture] = _placed(decks, _picture(image_id, crop, variant="clean"))

    assert Image.open(io.BytesIO(picture.image.blob)).convert("RGB").getpixel((1, 1)) == (0, 0, 255)
    assert _cuts(picture) == pytest.approx((0.25, 0.25, 0.25, 0.25), abs=1e-5)
