"""Reading a PDF page from its own text layer instead of its pixels: the exact characters and
their positions, in milliseconds. Lines and blocks are then laid out, and each line's style
measured from the rendered page, as for an image read by OCR, so drafts treat both alike.

When the layer is not used (the page is read by OCR instead), decided in `usable`:
- it has fewer than `min_characters` visible characters: a scan, perhaps with a page number;
- more than `max_unmapped_share` of them are not text: pdfium could not map the glyph to a
  character (the font has no ToUnicode map), or the character is U+FFFD, a control character
  or a private-use code point (what an unmapped glyph usually comes out as);
- a picture covers most of the page and the layer has fewer than `scan_caption_characters`: a
  scanned page with a stamped header or page number, whose real text is in the picture.

Spaces: pdfium adds a space wherever glyphs leave a gap; between two fonts (a Korean font and
the Latin fallback LibreOffice uses for punctuation and digits) that gap is often just the
fonts' spacing, so there an added space is kept only if the gap is wide (`font_switch_space`).
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from jaryo_shared.ocr_result import Block, Line, Page, Word, fraction_box
from jaryo_shared.pdf import RenderedPage
from ocr_service.layout import geometry
from ocr_service.layout.geometry import Box
from ocr_service.layout.style import FontFiles, as_array, ink_of, line_style

NAME = "pdf-text"
_LINE_BREAKS = "\r\n"
_SPACES = " \t\u00a0\u3000"
_BULLET = "• "


@dataclass(frozen=True)
class TextLayerTuning:
    min_characters: int = 3
    max_unmapped_share: float = 0.05
    scan_caption_characters: int = 40
    scan_cover: float = 0.5  # of the page's area, a picture this big makes it a scan
    font_switch_space: float = 0.6  # em: a wider gap between two fonts is a word space
    cell_gap: float = 1.5  # em: a wider gap within a line parts it (table cells, columns)


@dataclass(frozen=True)
class _Char:
    text: str
    box: tuple[float, float, float, float]  # pixels of the rendered page
    generated: bool  # added by pdfium (a space or line break it inferred)
    font: str
    size: float  # pixels
    unmapped: bool


@dataclass
class _Piece:
    """Characters of one line, left to right, not parted by a wide gap."""

    chars: list[_Char] = field(default_factory=list)


class PdfTextLayer:
    name = NAME

    def __init__(self, fonts: FontFiles, tuning: TextLayerTuning | None = None) -> None:
        self._fonts = fonts
        self._tuning = tuning or TextLayerTuning()

    def read(self, page: pdfium.PdfPage, rendered: RenderedPage) -> Page | None:
        """The page's text as laid out on `rendered` (call with pdfium's lock held, inside
        jaryo_shared.pdf.opened_page), or None if the layer is not to be trusted."""
        textpage = page.get_textpage()
        try:
            chars = list(_chars(textpage, rendered))
        finally:
            textpage.close()
        if not self.usable(chars, _picture_cover(page)):
            return None
        return self._page(chars, rendered)

    def usable(self, chars: list[_Char], picture_cover: float) -> bool:
        tuning = self._tuning
        visible = [c for c in chars if not c.generated and not c.text.isspace()]
        if len(visible) < tuning.min_characters:
            return False
        unmapped = sum(
            1 for c in visible if c.unmapped or not (_is_text(c.text) or _is_symbol(c.text))
        )
        if unmapped > tuning.max_unmapped_share * len(visible):
            return False
        scanned = picture_cover >= tuning.scan_cover
        return not (scanned and len(visible) < tuning.scan_caption_characters)

    def _page(self, chars: list[_Char], rendered: RenderedPage) -> Page:
        image = rendered.image
        pixels = as_array(image)
        lines: list[tuple[Box, Line]] = []
        for piece in self._pieces(chars):
            made = self._line(piece, pixels, image.width, image.height)
            if made is not None:
                lines.append(made)
        by_box: dict[Box, list[Line]] = {}
        for box, line in lines:
            by_box.setdefault(box, []).append(line)
        groups = geometry.group_blocks([box for box, _ in lines])
        blocks: list[Block] = []
        for index in geometry.reading_order([geometry.union(group) for group in groups]):
            members = [(box, by_box[box].pop(0)) for box in groups[index]]  # top to bottom
            blocks.append(
                Block(
                    bbox=fraction_box(
                        geometry.union([b for b, _ in members]), image.width, image.height
                    ),
                    lines=[line for _, line in members],
                    align=geometry.alignment([b for b, _ in members]),
                )
            )
        text = "\n\n".join("\n".join(line.text for line in block.lines) for block in blocks)
        return Page(text=text, blocks=blocks)

    def _pieces(self, chars: list[_Char]) -> Iterator[_Piece]:
        """Lines as pdfium breaks them, each parted at gaps wider than `cell_gap`."""
        piece = _Piece()
        for char in chars:
            if char.text in _LINE_BREAKS:
                if piece.chars:
                    yield piece
                piece = _Piece()
                continue
            last = _last_ink(piece)
            if (
                last is not None
                and not _is_space(char)
                and _gap(last, char) > (self._tuning.cell_gap * max(last.size, char.size))
            ):
                yield piece
                piece = _Piece()
            piece.chars.append(char)
        if piece.chars:
            yield piece

    def _line(
        self, piece: _Piece, pixels: object, width: int, height: int
    ) -> tuple[Box, Line] | None:
        words = list(self._words(piece.chars))
        if not words:
            return None
        word_boxes = [_round(_union([c.box for c in chars])) for chars in words]
        texts = ["".join(c.text for c in chars) for chars in words]
        box = geometry.union(word_boxes)
        text = _bulleted(" ".join(texts))
        pad = max(2, round(0.15 * geometry.height(box)))
        ink = ink_of(pixels, box, pad)  # type: ignore[arg-type]
        style = line_style(ink, text, self._fonts, height) if ink is not None else None
        line = Line(
            bbox=fraction_box(box, width, height),
            text=text,
            confidence=100.0,
            words=[
                Word(
                    bbox=fraction_box(word_box, width, height),
                    text=word_text,
                    confidence=100.0,
                    low_confidence=False,
                )
                for word_box, word_text in zip(word_boxes, texts, strict=True)
            ],
            style=style,
        )
        return box, line

    def _words(self, chars: list[_Char]) -> Iterator[list[_Char]]:
        """Visible characters in words: parted at the file's spaces, and at spaces pdfium added
        unless they only part two fonts set close."""
        following = _next_ink(chars)
        word: list[_Char] = []
        previous: _Char | None = None
        for index, char in enumerate(chars):
            if _is_space(char):
                if word and self._is_word_space(char, previous, following[index]):
                    yield word
                    word = []
                continue
            word.append(char)
            previous = char
        if word:
            yield word

    def _is_word_space(self, space: _Char, before: _Char | None, after: _Char | None) -> bool:
        if not space.generated or before is None or after is None or before.font == after.font:
            return True
        return _gap(before, after) >= self._tuning.font_switch_space * max(before.size, after.size)


def _chars(textpage: pdfium.PdfTextPage, rendered: RenderedPage) -> Iterator[_Char]:
    """Each character with its box on the rendered page. Its size is its loose box's height
    (the font's ascent to descent, as drawn): the font size pdfium reports is the `Tf` operand,
    which many makers set to 1 and scale by the text matrix. A character beyond the Basic
    Multilingual Plane (an emoji) comes as two UTF-16 halves, joined here."""
    font_name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    count = textpage.count_chars()
    index = 0
    while index < count:
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        left, bottom, right, top = textpage.get_charbox(index)
        halves = 1
        if 0xD800 <= code < 0xDC00 and index + 1 < count:
            low = pdfium_c.FPDFText_GetUnicode(textpage, index + 1)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                l2, b2, r2, t2 = textpage.get_charbox(index + 1)
                left, bottom, right, top = (
                    min(left, l2),
                    min(bottom, b2),
                    max(right, r2),
                    max(top, t2),
                )
                halves = 2
        text = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
        _, loose_bottom, _, loose_top = textpage.get_charbox(index, loose=True)
        pdfium_c.FPDFText_GetFontInfo(textpage, index, font_name, len(font_name), flags)
        yield _Char(
            text=text,
            box=_on_page(rendered, (left, bottom, right, top)),
            generated=pdfium_c.FPDFText_IsGenerated(textpage, index) == 1,
            font=font_name.value.decode("latin-1"),
            size=_span(rendered, loose_bottom, loose_top),
            unmapped=pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) == 1,
        )
        index += halves


def _on_page(
    rendered: RenderedPage, box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """A box in page points (left, bottom, right, top) → pixels (x0, y0, x1, y1)."""
    left, bottom, right, top = box
    x0, y0 = rendered.to_pixels(left, top)
    x1, y1 = rendered.to_pixels(right, bottom)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _span(rendered: RenderedPage, bottom: float, top: float) -> float:
    """How many pixels a vertical extent of the page takes (a turned page turns it)."""
    x0, y0 = rendered.to_pixels(0.0, bottom)
    x1, y1 = rendered.to_pixels(0.0, top)
    return max(abs(x1 - x0), abs(y1 - y0))


def _picture_cover(page: pdfium.PdfPage) -> float:
    """The share of the page the largest picture on it covers (0 to 1)."""
    width, height = page.get_size()
    largest = 0.0
    # Top-level pictures only: one inside a form object has its bounds in the form's frame.
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=0):
        left, bottom, right, top = picture.get_bounds()
        largest = max(largest, max(0.0, right - left) * max(0.0, top - bottom))
    return min(1.0, largest / (width * height)) if width * height else 0.0


def _is_text(char: str) -> bool:
    """Not U+FFFD, a control or a private-use code point (an unmapped glyph's usual forms).
    A symbol font's character (U+F020–F0FF: Wingdings' and Symbol's bullets) is not text
    either, but it is not garbage (`_is_symbol`)."""
    if char == "\ufffd":
        return False
    return unicodedata.category(char) not in ("Co", "Cc", "Cs", "Cn")


def _is_symbol(char: str) -> bool:
    """A character of a symbol font, as Word and PowerPoint map their bullets."""
    return "\uf020" <= char <= "\uf0ff"


def _is_space(char: _Char) -> bool:
    return char.text in _SPACES


def _next_ink(chars: list[_Char]) -> list[_Char | None]:
    """For each position, the first character after it that is not a space."""
    following: list[_Char | None] = [None] * len(chars)
    upcoming: _Char | None = None
    for index in range(len(chars) - 1, -1, -1):
        following[index] = upcoming
        if not _is_space(chars[index]):
            upcoming = chars[index]
    return following


def _last_ink(piece: _Piece) -> _Char | None:
    return next((c for c in reversed(piece.chars) if not _is_space(c)), None)


def _gap(before: _Char, after: _Char) -> float:
    return after.box[0] - before.box[2]


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _round(box: tuple[float, float, float, float]) -> Box:
    return (int(box[0]), int(box[1]), int(box[2] + 0.999), int(box[3] + 0.999))


def _bulleted(text: str) -> str:
    """A list item whose bullet is a symbol font's character as the bullet it is."""
    head, _, rest = text.partition(" ")
    if rest and len(head) == 1 and _is_symbol(head):
        return _BULLET + rest
    return text
