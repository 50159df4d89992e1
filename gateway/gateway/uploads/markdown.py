"""An upload's text as Markdown (`GET /v1/uploads/{id}/text?format=md`): a section per image in
upload order, its blocks as paragraphs and list items, and table regions, found from the lines'
geometry, as Markdown tables. Pure functions over the image documents and their OCR results;
docs/markdown.md shows a real upload's answer and explains the table rule.

The text comes from photos, so it is escaped: a document cannot inject formatting or HTML into
whatever renders the answer."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.problems import InvalidInput
from gateway.uploads.filenames import displayable
from gateway.uploads.views import image_failure, image_status

MEDIA_TYPE = "text/markdown; charset=utf-8"
FORMATS = ("txt", "md")
BBox = tuple[float, float, float, float]

BULLET = "• "  # how the OCR service writes a list item's bullet (ocr_service.engines.regions)
ROW_OVERLAP = 0.5  # of the smaller height (the line's or its row's): overlapping so, one row
ROW_GAP = 2.5  # row heights: a table's rows are no further apart than this
MIN_ROWS, MIN_COLUMNS = 3, 2  # a header and two rows at least: a grid of cards has two
MAX_CELL_WORDS = 6  # a table's cells are short: none longer ...
MAX_MEDIAN_CELL_WORDS = 3  # ... and most of them a few words; prose lines are longer
ALIGN = 0.5  # line heights: a column's cells share a left or right edge or a centre within this
INDENT = 0.25  # line heights: a line further right than its list item's bullet continues it

# Markdown's inline syntax and HTML: escaped wherever they are (CommonMark lets any ASCII
# punctuation be escaped with a backslash) ...
_INLINE = re.compile(r"([\\`*\[\]<>|~&#$!])")
# ... but `_` only where it could open or close emphasis: between two letters or digits it
# cannot, so `notes_p3.png` stays readable.
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# What starts a block at a line's start: a list item, a setext underline, an ordered item.
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_INVISIBLE = frozenset({"Cf", "Co", "Cn", "Cs"})  # format, private, unassigned, surrogates


@dataclass(frozen=True)
class _Line:
    text: str
    bbox: BBox  # in heights of the image (x scaled by its width over its height)
    block: int  # which block of the image it came from, in reading order

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass(frozen=True)
class Table:
    rows: list[list[_Line]]  # top to bottom, each row's cells left to right

    @property
    def lines(self) -> list[_Line]:
        return [cell for row in self.rows for cell in row]


def wants_markdown(format_: str | None) -> bool:
    """`?format`: `txt` (the default) or `md`; anything else is a 422 naming it."""
    if format_ not in (None, *FORMATS):
        raise InvalidInput("format must be txt or md", pointer="/format")
    return format_ == "md"


def upload_markdown(images: Sequence[dict[str, Any]], results: dict[str, dict[str, Any]]) -> str:
    """The whole answer: one section per image, in upload order; none is left out."""
    return "\n\n".join(image_section(image, results.get(image["_id"])) for image in images) + "\n"


def image_section(image: dict[str, Any], result: dict[str, Any] | None) -> str:
    heading = f"## {escape(_image_title(image))}"
    if image_status(image, result) == "done":
        storage = image.get("storage", {})
        aspect = (storage.get("width") or 1) / (storage.get("height") or 1)
        body = blocks_markdown((result or {}).get("blocks") or [], aspect)
        return f"{heading}\n\n{body or '*No text was found in this image.*'}"
    why = image_failure(image, result).get("reason")
    note = f"Not read: {escape(why)}" if why else "Not read."
    return f"{heading}\n\n*{note}*"


def _image_title(image: dict[str, Any]) -> str:
    """A PDF's page says which page of which file it is (the file's name as it was sent)."""
    page, filename = image.get("page"), displayable(image.get("filename"))
    if page is not None and filename:
        return f"page {page} of {filename}"
    return str(image["image_name"])


def blocks_markdown(blocks: Sequence[dict[str, Any]], aspect: float = 1.0) -> str:
    """The blocks in reading order as paragraphs and lists, with each table found among their
    lines in the place of the first block it takes lines from (after that block's lines above
    it, a heading say). `aspect` is the image's width over its height (the boxes are fractions
    of each)."""
    lines = _lines(blocks, aspect)
    tables = find_tables(lines)
    in_tables = {id(line) for table in tables for line in table.lines}
    parts: list[str] = []
    for index in range(len(blocks)):
        kept = [line for line in lines if line.block == index and id(line) not in in_tables]
        for table in (t for t in tables if min(c.block for c in t.lines) == index):
            top = min(cell.bbox[1] for cell in table.rows[0])
            parts += _paragraphs([line for line in kept if line.bbox[3] <= top])
            parts.append(table_markdown(table))
            kept = [line for line in kept if line.bbox[3] > top]
        parts += _paragraphs(kept)
    return "\n\n".join(parts)


def _lines(blocks: Sequence[dict[str, Any]], aspect: float) -> list[_Line]:
    """Every line of text, in reading order, its box in heights of the image (so that a
    tolerance in line heights means the same across and down); the print of a figure (a
    screenshot's menus) is part of the picture, not of the text."""
    found = []
    for index, block in enumerate(blocks):
        for line in block.get("lines", []):
            x0, y0, x1, y1 = line["bbox"]
            if not line.get("in_picture") and not _blank(line["text"]):
                found.append(_Line(line["text"], (x0 * aspect, y0, x1 * aspect, y1), index))
    return found


def _paragraphs(lines: list[_Line]) -> list[str]:
    """A block's lines as paragraphs and lists, in order: a line that starts with a bullet is a
    list item, and the lines after it indented past its bullet continue it; other lines make a
    paragraph, a line each, which Markdown reads as one flow."""
    parts: list[_Part] = []
    for line in lines:
        for number, text in enumerate(p for p in line.text.splitlines() if not _blank(p)):
            last = parts[-1] if parts else None
            if _is_item(text):
                if last is None or not last.is_list:
                    parts.append(last := _Part(is_list=True))
                last.items.append([text[len(BULLET) :]])
                last.item_x = line.bbox[0]
            elif last is not None and (
                number > 0  # the rest of a line the reader broke
                or not last.is_list
                or line.bbox[0] > last.item_x + INDENT * line.height
            ):
                last.items[-1].append(text)
            else:
                parts.append(_Part(is_list=False, items=[[text]]))
    return [part.markdown() for part in parts]


def _is_item(text: str) -> bool:
    return text.startswith(BULLET) and not _blank(text[len(BULLET) :])


def _blank(text: str) -> bool:
    """Nothing `escape` keeps: whitespace, controls and format characters only."""
    return not escape(text)


@dataclass
class _Part:
    """A paragraph (one item: its lines) or a list (its items, each its lines)."""

    is_list: bool
    items: list[list[str]] = field(default_factory=list)
    item_x: float = 0.0  # where the list's last bullet is

    def markdown(self) -> str:
        if not self.is_list:
            return "\n".join(_escape_line(text) for text in self.items[0])
        return "\n".join("- " + "\n  ".join(map(_escape_line, item)) for item in self.items)


def find_tables(lines: Sequence[_Line]) -> list[Table]:
    """Table regions among the lines: runs of consecutive rows (lines side by side) that have
    the same number of cells, each cell under the one of its column above, and that pass
    `is_table`. Cells the layout kept apart (the OCR service reads each line on its own, so
    cells never merge) are what makes them findable; an empty cell ends a table."""
    tables = []
    run: list[list[_Line]] = []
    for row in _rows(lines):
        if run and _continues(run, row):
            run.append(row)
            continue
        if is_table(run):
            tables.append(Table(run))
        run = [row] if len(row) >= MIN_COLUMNS else []
    if is_table(run):
        tables.append(Table(run))
    return tables


def is_table(rows: Sequence[Sequence[_Line]]) -> bool:
    """Conservative, so that prose in columns stays prose: at least 3 rows of 2 cells; cells
    short (none over 6 words, the median at most 3); no cell a list item."""
    if len(rows) < MIN_ROWS or len(rows[0]) < MIN_COLUMNS:
        return False
    words = [len(cell.text.split()) for row in rows for cell in row]
    if max(words) > MAX_CELL_WORDS or statistics.median(words) > MAX_MEDIAN_CELL_WORDS:
        return False
    return not any(_is_item(cell.text) for row in rows for cell in row)


def _rows(lines: Iterable[_Line]) -> list[list[_Line]]:
    """Lines side by side, top to bottom: a line joins the row above when their vertical extents
    overlap by half the smaller height. Each row's cells left to right."""
    rows: list[list[_Line]] = []
    for line in sorted(lines, key=lambda line: (line.bbox[1] + line.bbox[3]) / 2):
        if rows and _overlap(_extent(rows[-1], 1), line.bbox[1::2]) >= ROW_OVERLAP * min(
            line.height, min(cell.height for cell in rows[-1])
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda cell: cell.bbox[0]) for row in rows]


def _continues(run: list[list[_Line]], row: list[_Line]) -> bool:
    """Whether `row` is the table's next: as many cells, each overlapping its own column (and
    no other) of the rows above and aligned with it, and not far below the last row."""
    if len(row) != len(run[0]):
        return False
    last = run[-1]
    height = max(cell.height for cell in last)
    if min(cell.bbox[1] for cell in row) - max(cell.bbox[3] for cell in last) > ROW_GAP * height:
        return False
    columns = [_extent([r[i] for r in run], 0) for i in range(len(row))]
    for i, cell in enumerate(row):
        touched = [j for j, column in enumerate(columns) if _overlap(column, cell.bbox[::2]) > 0]
        if touched != [i] or not _aligned([*(r[i] for r in run), cell]):
            return False
    return True


def _aligned(cells: Sequence[_Line]) -> bool:
    """Whether the cells share a left edge, a right edge or a centre (a column of text, of
    numbers, or centred), within ALIGN line heights."""
    tolerance = ALIGN * statistics.median(cell.height for cell in cells)
    edges = (
        [cell.bbox[0] for cell in cells],
        [cell.bbox[2] for cell in cells],
        [(cell.bbox[0] + cell.bbox[2]) / 2 for cell in cells],
    )
    return any(max(values) - min(values) <= tolerance for values in edges)


def _extent(cells: Sequence[_Line], axis: int) -> tuple[float, float]:
    """The cells' span along x (axis 0) or y (axis 1)."""
    return min(c.bbox[axis] for c in cells), max(c.bbox[axis + 2] for c in cells)


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def table_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table, its first row the header."""

    def row(cells: list[_Line]) -> str:
        return "| " + " | ".join(escape(cell.text) for cell in cells) + " |"

    header, *body = table.rows
    rule = "| " + " | ".join("---" for _ in header) + " |"
    return "\n".join([row(header), rule, *(row(cells) for cells in body)])


def escape(text: str) -> str:
    """Text as inline Markdown that renders as exactly this text, on one line: whitespace and
    control characters become one space, format characters (bidi overrides, which would
    reorder the text around them) go, and every character Markdown or HTML would read as
    syntax is escaped. Enough for a heading or a table cell, where no block can start."""
    shown = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    escaped = _INLINE.sub(r"\\\1", _SPACE.sub(" ", shown).strip())
    return _UNDERSCORE.sub(r"\\_", escaped)


def _escape_line(text: str) -> str:
    """`escape`, and what would start a block at a line's start (a list item, a setext
    underline, an ordered item) escaped too: a line of a paragraph or of a list item."""
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escape(text))
