"""A cropped picture, as LibreOffice renders the built deck: the element's box shows the cropped
part of the image, stretched to fill it, and nothing of the rest. The image has four coloured
quarters, so every pixel of the render says which part of the image it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from deck_service import render
from deck_service.build import build_pptx
from jaryo_shared.deck_spec import DeckSpec, ImageElement
from jaryo_shared.templates import BUILTIN
from tests.quarters import BLUE, GREEN, YELLOW, Box, colours_in, halves, quartered_png

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not render.available(), reason="LibreOffice or pdftoppm is not installed"),
]

BLUE_QUARTER: Box = (0.05, 0.1, 0.4, 0.5)
RIGHT_HALF: Box = (0.55, 0.1, 0.4, 0.8)


def _picture(box: Box, crop: Box) -> dict[str, object]:
    x, y, w, h = box
    crop_x, crop_y, crop_w, crop_h = crop
    return {
        "type": "image",
        "image_id": "quarters",
        **{"x": x, "y": y, "w": w, "h": h},
        "crop": {"x": crop_x, "y": crop_y, "w": crop_w, "h": crop_h},
    }


def _rendered(tmp_path: Path) -> Image.Image:
    elements = [
        _picture(BLUE_QUARTER, (0, 0.5, 0.5, 0.5)),
        _picture(RIGHT_HALF, (0.5, 0, 0.5, 1)),
    ]
    spec = DeckSpec.model_validate(
        {"template_id": "clean", "title": "Crops", "slides": [{"elements": elements}]}
    )
    template = BUILTIN["clean"]
    image = quartered_png()

    def image_bytes(element: ImageElement) -> bytes:
        return image

    deck = tmp_path / "crops.pptx"
    deck.write_bytes(build_pptx(spec, template.pptx_path, template.font, image_bytes))
    [png] = render.to_pngs(deck, tmp_path, dpi=48, first_only=True)
    return Image.open(png)


def test_a_cropped_picture_renders_only_its_part_of_the_image_stretched_to_its_box(tmp_path):
    rendered = _rendered(tmp_path)

    assert colours_in(rendered, BLUE_QUARTER) == {BLUE}
    # The right half of the image (green over yellow), stretched to a box twice as tall.
    top, bottom = halves(RIGHT_HALF)
    assert colours_in(rendered, top) == {GREEN}
    assert colours_in(rendered, bottom) == {YELLOW}
