"""When a PDF page's text layer is trusted (ocr_service.engines.pdf_text.PdfTextLayer.usable),
on characters as pdfium gives them: a symbol font's bullets are not garbage, unmapped glyphs
are, and a scan's page number does not pass for its text."""

from __future__ import annotations

from ocr_service.engines.pdf_text import PdfTextLayer, _bulleted, _Char
from ocr_service.layout.style import FontFiles
from ocr_service.settings import OcrSettings

WINGDINGS_BULLET = "\uf0a7"


def _layer() -> PdfTextLayer:
    settings = OcrSettings()
    return PdfTextLayer(FontFiles(settings.font_regular, settings.font_bold, "Noto Sans CJK KR"))


def _chars(text: str, *, unmapped: bool = False) -> list[_Char]:
    return [
        _Char(c, (10.0 * n, 0.0, 10.0 * n + 9, 12.0), False, "F1", 12.0, unmapped)
        for n, c in enumerate(text)
    ]


def test_a_slide_of_symbol_font_bullets_keeps_its_text_layer():
    lines = [f"{WINGDINGS_BULLET} point {n}" for n in range(5)]  # 5 of 40 visible: 12 %
    chars = [c for line in lines for c in _chars(line)]

    assert _layer().usable(chars, picture_cover=0.0)
    assert _bulleted(lines[0]) == "• point 0"


def test_glyphs_without_characters_make_the_layer_untrusted():
    chars = _chars("Budget review") + _chars("\x01\x02", unmapped=True)

    assert not _layer().usable(chars, picture_cover=0.0)


def test_private_use_characters_that_are_not_a_symbol_fonts_count_as_garbage():
    assert not _layer().usable(_chars("Budget\ue001\ue002\ue003 review"), picture_cover=0.0)


def test_a_few_characters_over_a_page_sized_picture_are_a_scans_page_number():
    assert not _layer().usable(_chars("Page 3"), picture_cover=0.95)
    assert _layer().usable(_chars("Page 3"), picture_cover=0.1)
