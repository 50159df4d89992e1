"""Reading PDF pages from their text layer (ocr_service.engines.pdf_text) through the OCR service's
reader, on PDFs made the ways people make them: LibreOffice slides (turned too), Quartz-style
text scaled by its matrix, emoji, a scan with an invisible OCR layer, fonts without maps. No
servers: the reader alone, with its real engines and LibreOffice."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from jaryo_shared import pdf
from ocr_service.bootstrap import build_reader
from ocr_service.reader import Reader
from ocr_service.settings import OcrSettings
from tests import pdfs
from tests.helpers import cer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def reader() -> Reader:
    return build_reader(OcrSettings())


def _lines(result) -> list[str]:
    return [line.text for block in result.blocks for line in block.lines]


def _ink_share(image: Image.Image, bbox: tuple[float, float, float, float]) -> float:
    """The share of dark pixels inside a fractional box of the image."""
    width, height = image.size
    x0, y0, x1, y1 = bbox
    crop = np.asarray(image.convert("L").crop((x0 * width, y0 * height, x1 * width, y1 * height)))
    return float((crop < 128).mean()) if crop.size else 0.0


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_a_page_stored_turned_is_read_upright_every_word_on_its_print(reader, degrees):
    """Scanners store pages sideways and set /Rotate to show them upright: the page is
    rendered as shown, and each word's box must land on its ink there."""
    lines = ["Quarterly results are in", "Costs fell by 7 percent"]
    data = pdfs.matrix_scaled(lines, rotate=degrees)

    result = reader.read(data, "eng-printed", page=1).result

    assert result.engine == "pdf-text"
    assert _lines(result) == lines
    page = pdf.rendered_page(data, 1)
    assert page.width < page.height  # shown upright: a portrait page
    words = [word for block in result.blocks for line in block.lines for word in line.words]
    assert words and all(_ink_share(page, word.bbox) > 0.05 for word in words), [
        (word.text, round(_ink_share(page, word.bbox), 3)) for word in words
    ]


def test_text_scaled_by_its_matrix_keeps_its_words_and_lines(reader):
    """Quartz sets `1 Tf` and the size in the text matrix; read by `Tf` alone, every letter
    would be a cell of its own."""
    lines = ["Quarterly results are in", "Costs fell by 7 percent"]

    result = reader.read(pdfs.matrix_scaled(lines), "eng-printed", page=1).result

    assert result.engine == "pdf-text"
    assert _lines(result) == lines


def test_emoji_are_read_whole(reader):
    lines = ("Great work 👍 today", "감사합니다 🙏")

    result = reader.read(pdfs.exported_slides((lines,)), "mixed-printed", page=1).result

    assert result.engine == "pdf-text"
    assert _lines(result) == list(lines)
    result.model_dump_json()  # no lone surrogate: it would not encode


def test_a_scans_invisible_ocr_layer_is_used_and_its_print_is_cleaned_from_the_picture(reader):
    lines = ["Quarterly results are in", "Costs fell by 7 percent"]

    reading = reader.read(pdfs.scan_with_ocr_layer(lines), "eng-printed", page=1, clean=True)

    assert reading.result.engine == "pdf-text"
    assert _lines(reading.result) == lines
    # The print is in the picture, not in the text objects: it is inpainted, not left in.
    clean = Image.open(io.BytesIO(reading.clean_background))
    for block in reading.result.blocks:
        for line in block.lines:
            assert _ink_share(clean, line.bbox) < 0.01, line.text


def test_a_born_digital_pages_clean_copy_is_the_page_without_its_text(reader):
    reading = reader.read(pdfs.exported_slides(), "mixed-printed", page=1, clean=True)

    clean = np.asarray(Image.open(io.BytesIO(reading.clean_background)).convert("L"))
    assert (clean < 250).mean() == 0.0  # white slides: nothing is left


def test_a_layer_whose_fonts_lost_their_maps_is_read_by_ocr(reader):
    garbled = pdfs.without_unicode_maps(pdfs.exported_slides((("Budget review 2026",),)))

    result = reader.read(garbled, "eng-printed", page=1).result

    assert result.engine == "tesseract"
    assert cer(result.text, "Budget review 2026") <= 0.1, result.text


def test_a_scan_with_only_a_page_number_in_its_layer_is_read_by_ocr(reader):
    """A picture over the whole page and a few characters of text: the text is in the picture."""
    result = reader.read(pdfs.scan_with_ocr_layer(["Page 3"]), "eng-printed", page=1).result

    assert result.engine == "tesseract"
