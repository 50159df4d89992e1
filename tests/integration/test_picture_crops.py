"""A cropped picture, as LibreOffice renders the built deck: the element's box shows the cropped
part of the image, stretched to fill it, and nothing of the rest. The image has four coloured
quarters, so every pixel of the render says which part of the image it came from."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from deck_service import render
from deck_service.build import build_pptx
from jaryo_shared.deck_spec import DeckSpec, ImageElement
from jaryo_shared.templates import BUILTIN

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not render.available(), reason="LibreOffice or pdftoppm is not installed"),
]

RED, GREEN, BLUE, YELLOW = (230, 0, 0), (0, 160, 0), (0, 0, 230), (240, 220, 0)
QUARTERS = [[RED, GREEN], [BLUE, YELLOW]]  # rows top to bottom, columns left to right
Box = tuple[float, float, float, float]  # x, y, w, h as fractions of the slide
BLUE_QUARTER: Box = (0.05, 0.1, 0.4, 0.5)
RIGHT_HALF: Box = (0.55, 0.1, 0.4, 0.8)


def _quartered_image() -> bytes:
    image = Image.new("RGB", (400, 200))
    for row, colours in enumerate(QUARTERS):
        for column, colour in enumerate(colours):
            image.paste(colour, (column * 200, row * 100, column * 200 + 200, row * 100 + 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


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
    image = _quartered_image()

    def image_bytes(element: ImageElement) -> bytes:
        return image

    deck = tmp_path / "crops.pptx"
    deck.write_bytes(build_pptx(spec, template.pptx_path, template.font, image_bytes))
    [png] = render.to_pngs(deck, tmp_path, dpi=48, first_only=True)
    return Image.open(png).convert("RGB")


def _colours(picture: Image.Image, box: Box) -> set[tuple[int, ...]]:
    """The colours (each of the four) seen inside the box, a few pixels in from its edges where
    anti-aliasing blends the picture with the slide."""
    x, y, w, h = box
    left, top = round(x * picture.width) + 3, round(y * picture.height) + 3
    right, bottom = round((x + w) * picture.width) - 3, round((y + h) * picture.height) - 3
    seen = set()
    for pixel in picture.crop((left, top, right, bottom)).get_flattened_data():
        nearest = min(QUARTERS[0] + QUARTERS[1], key=lambda c: _distance(c, pixel))
        if _distance(nearest, pixel) <= 60:
            seen.add(nearest)
    return seen


def _distance(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return max(abs(p - q) for p, q in zip(a, b, strict=True))


def _half(box: Box, which: str) -> Box:
    x, y, w, h = box
    return (x, y, w, h / 2) if which == "top" else (x, y + h / 2, w, h / 2)


def test_a_cropped_picture_renders_only_its_part_of_the_image_stretched_to_its_box(tmp_path):
    rendered = _rendered(tmp_path)
    rendered.save(tmp_path / "render.png")

    assert _colours(rendered, BLUE_QUARTER) == {BLUE}
    # The right half of the image (green over yellow), stretched to a box twice as tall.
    assert _colours(rendered, _half(RIGHT_HALF, "top")) == {GREEN}
    assert _colours(rendered, _half(RIGHT_HALF, "bottom")) == {YELLOW}
