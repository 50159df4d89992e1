"""How a line looks, measured from its pixels (ocr_service.layout.style): text and background
colours, the bold guess and the fitted font size, on lines drawn with Pillow in the drafts' own
font files (Noto Sans CJK KR, from OcrSettings), at known colours, weights and sizes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from jaryo_shared.ocr_result import MEASURED_FONT, LineStyle
from ocr_service.layout.geometry import Box
from ocr_service.layout.style import FontFiles, as_array, ink_of, line_style
from ocr_service.settings import OcrSettings

SETTINGS = OcrSettings()
FONTS = FontFiles(SETTINGS.font_regular, SETTINGS.font_bold, MEASURED_FONT)
KR_FACE = 1  # Noto Sans CJK KR's index in the .ttc collections
IMAGE_HEIGHT = 200

LATIN = "Quarterly results 2026"
HANGUL = "데이터를 읽기 문서 로드"
MIXED = "DB 로드 (Load)"

COLOUR_TOLERANCE = 16  # per channel, out of 255: anti-aliasing shifts small text's median


def hex_of(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def close(colour: str, rgb: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= COLOUR_TOLERANCE for a, b in zip(channels(colour), rgb, strict=True))


def face(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path: Path = SETTINGS.font_bold if bold else SETTINGS.font_regular
    font = ImageFont.truetype(str(path), size, index=KR_FACE)
    assert font.getname() == (MEASURED_FONT, "Bold" if bold else "Regular")
    return font


def drawn_line(
    text: str,
    size: int,
    *,
    bold: bool = False,
    colour: tuple[int, int, int] = (30, 40, 90),
    background: tuple[int, int, int] = (240, 235, 220),
) -> tuple[Image.Image, Box]:
    """A slide strip with one line of `text` on it, and the line's box as the detector gives it
    (the text's box, which the engine pads before measuring)."""
    image = Image.new("RGB", (1000, IMAGE_HEIGHT), background)
    draw = ImageDraw.Draw(image)
    font = face(size, bold=bold)
    draw.text((40, 60), text, font=font, fill=colour)
    return image, draw.textbbox((40, 60), text, font=font)


def style_of(image: Image.Image, box: Box, text: str) -> LineStyle:
    pad = max(2, round(0.15 * (box[3] - box[1])))  # as the region engine pads a line
    ink = ink_of(as_array(image), box, pad)
    assert ink is not None
    return line_style(ink, text, FONTS, image.height)


def photographed(image: Image.Image) -> Image.Image:
    """The strip as a camera gives it: slightly soft and JPEG-compressed."""
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(1)).save(out, "JPEG", quality=80)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


# Colours


@pytest.mark.parametrize("size", [24, 48])
@pytest.mark.parametrize(
    ("colour", "background"),
    [
        pytest.param((30, 40, 90), (240, 235, 220), id="dark-on-light"),
        pytest.param((250, 240, 200), (20, 30, 60), id="light-on-dark"),
        pytest.param((200, 30, 30), (255, 255, 255), id="red-on-white"),
        pytest.param((255, 255, 255), (40, 90, 200), id="white-on-blue"),
    ],
)
def test_a_lines_text_and_background_colours_are_the_drawn_ones(colour, background, size):
    image, box = drawn_line(HANGUL, size, colour=colour, background=background)

    style = style_of(image, box, HANGUL)

    assert close(style.color, colour), f"text {style.color}, drawn {hex_of(colour)}"
    assert close(style.background, background), (
        f"background {style.background}, drawn {hex_of(background)}"
    )


# Weight


@pytest.mark.parametrize("size", [24, 32, 48, 64])
@pytest.mark.parametrize("text", [LATIN, HANGUL], ids=["latin", "hangul"])
def test_text_drawn_in_bold_is_judged_bold(text, size):
    image, box = drawn_line(text, size, bold=True)

    assert style_of(image, box, text).bold


@pytest.mark.parametrize("size", [24, 32, 48, 64])
@pytest.mark.parametrize("text", [LATIN, HANGUL], ids=["latin", "hangul"])
def test_text_drawn_in_regular_is_not_judged_bold(text, size):
    image, box = drawn_line(text, size)

    assert not style_of(image, box, text).bold


SOFT_BOLD_BUG = pytest.mark.xfail(
    strict=True,
    reason="BUG style.BOLD_STROKE: a fixed stroke/em ratio; a photo's soft edges widen the "
    "Otsu mask by about a pixel whatever the size, so small regular text passes as bold",
)


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(24, marks=SOFT_BOLD_BUG),
        pytest.param(32, marks=SOFT_BOLD_BUG),
        48,
    ],
)
@pytest.mark.parametrize("text", [LATIN, HANGUL], ids=["latin", "hangul"])
def test_regular_text_in_a_photo_is_not_judged_bold(text, size):
    image, box = drawn_line(text, size)

    assert not style_of(photographed(image), box, text).bold


@pytest.mark.parametrize("size", [24, 48])
def test_bold_text_in_a_photo_is_judged_bold(size):
    image, box = drawn_line(HANGUL, size, bold=True)

    assert style_of(photographed(image), box, HANGUL).bold


# Size


@pytest.mark.parametrize("size", [24, 64])
@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
@pytest.mark.parametrize("text", [LATIN, HANGUL, MIXED], ids=["latin", "hangul", "mixed"])
def test_the_fitted_size_is_the_size_the_line_was_drawn_at(text, bold, size):
    image, box = drawn_line(text, size, bold=bold)

    fitted = style_of(image, box, text).size * IMAGE_HEIGHT

    assert fitted == pytest.approx(size, rel=0.10)


@pytest.mark.parametrize("size", [24, 64])
@pytest.mark.parametrize(
    "misread",
    [
        pytest.param(lambda text: text[:3], id="much-shorter"),
        pytest.param(lambda text: text * 3, id="much-longer"),
    ],
)
@pytest.mark.parametrize("text", [LATIN, HANGUL], ids=["latin", "hangul"])
def test_a_misread_line_gets_a_size_from_its_height_not_an_absurd_one(text, misread, size):
    image, box = drawn_line(text, size)

    fitted = style_of(image, box, misread(text)).size * IMAGE_HEIGHT

    # The height-based size is rougher than a fit, but of the same order as the drawn one.
    assert 0.75 * size <= fitted <= 1.3 * size


def test_word_boxes_cut_short_grow_to_their_ink_but_not_into_the_next_word():
    import numpy as np

    from ocr_service.layout.style import Ink, snapped

    mask = np.zeros((20, 100), bool)
    mask[4:16, 10:38] = True  # "word": letters 2 px apart
    mask[4:16, 30:32] = False
    mask[4:16, 50:80] = True  # "next"
    ink = Ink(mask, (100, 200), (0, 0, 0), (255, 255, 255))

    grown = snapped(ink, [(110, 205, 125, 215), (150, 205, 170, 215)])

    assert grown == [(110, 204, 138, 216), (150, 204, 180, 216)]
