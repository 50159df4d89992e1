"""A draft's text boxes from an image's OCR blocks: each run of lines that the deck's font can
set the same way (size, weight, colour, line pitch) becomes one editable box, placed so that
LibreOffice and PowerPoint draw its ink where the ink was on the image.

Placement constants were measured by rendering boxes with LibreOffice (Noto Sans CJK KR):
the text starts 0.1 in + about 1.8 pt right of the box's left edge (the inset and the glyphs'
side bearing), the first line's capitals and Hangul start 0.05 in + 0.17 em below its top,
and lines follow each other every 1.19 em.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Any

from jaryo_shared.deck_spec import MAX_TEXT, without_xml_forbidden
from jaryo_shared.ocr_result import MEASURED_FONT

SLIDE_W_PT, SLIDE_H_PT = 960.0, 540.0  # 13.333 x 7.5 in
INSET_X_PT, INSET_Y_PT = 7.2, 3.6  # python-pptx text boxes: 0.1 in and 0.05 in
BEARING_PT = 1.8
CAP_TOP_EM = 0.17
PITCH_EM = 1.19
PITCH_TOLERANCE = 0.2  # a block whose lines are further off the font's pitch is split
LINE_TOLERANCE = 0.35  # so is a block at the line further than this off its median pitch
SIZE_TOLERANCE = 0.15
SLACK = 0.08  # boxes are this much wider than the ink, so a slightly wider font does not wrap
TEXT_HEIGHT_OF_LINE = 0.72  # results read before styles: a font's size against its line box
MIN_SIZE, MAX_SIZE = 6.0, 200.0

Area = tuple[float, float, float, float]  # where the image sits on the slide: x, y, w, h


@dataclass(frozen=True)
class _Line:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in slide points
    size: float  # points
    bold: bool
    color: str | None


def text_boxes(block: dict[str, Any], area: Area, colour_of: Any) -> list[dict[str, Any]]:
    """The text elements of one OCR block. `colour_of(line_colour, line_background)` chooses
    the colour each box is drawn in (the background mode decides)."""
    lines = [
        _line(line, area, colour_of)
        for line in block["lines"]
        if line["text"].strip() and not line.get("in_picture")  # a figure's print stays in it
    ]
    pitches = [lower.box[1] - upper.box[1] for upper, lower in itertools.pairwise(lines)]
    pitch = statistics.median(pitches) if pitches else 0.0
    runs: list[list[_Line]] = []
    for line in lines:
        if runs and _continues(runs[-1], line, pitch):
            runs[-1].append(line)
        else:
            runs.append([line])
    align = block.get("align") or "left"
    return [_element(run, align if len(run) > 1 else "left") for run in runs]


def _line(line: dict[str, Any], area: Area, colour_of: Any) -> _Line:
    ax, ay, aw, ah = area
    x0, y0, x1, y1 = line["bbox"]
    box = (
        (ax + x0 * aw) * SLIDE_W_PT,
        (ay + y0 * ah) * SLIDE_H_PT,
        (ax + x1 * aw) * SLIDE_W_PT,
        (ay + y1 * ah) * SLIDE_H_PT,
    )
    style = line.get("style")
    if style:
        size = style["size"] * ah * SLIDE_H_PT
        colour = colour_of(style["color"], style["background"])
        bold = bool(style["bold"])
    else:  # read before styles were measured: the size from the line's height, no colour
        size = (box[3] - box[1]) * TEXT_HEIGHT_OF_LINE
        colour, bold = colour_of(None, None), False
    size = min(MAX_SIZE, max(MIN_SIZE, size))
    return _Line(without_xml_forbidden(line["text"].strip()), box, size, bold, colour)


def _continues(run: list[_Line], line: _Line, block_pitch: float) -> bool:
    """`line` joins the box of `run`: set alike, and the block's lines follow each other at
    about the font's own pitch. Ink tops move with ascenders (a line of "ocean" starts lower
    than one of "Tide"), so a line is held against the block's median pitch, loosely."""
    last = run[-1]
    pitch = line.box[1] - last.box[1]
    font_pitch = PITCH_EM * last.size
    same_size = abs(line.size - last.size) <= SIZE_TOLERANCE * last.size
    return (
        same_size
        and line.bold == last.bold
        and line.color == last.color
        and abs(block_pitch - font_pitch) <= PITCH_TOLERANCE * font_pitch
        and abs(pitch - block_pitch) <= LINE_TOLERANCE * block_pitch
    )


def _element(run: list[_Line], align: str) -> dict[str, Any]:
    size = round(statistics.median(line.size for line in run), 1)
    left = min(line.box[0] for line in run)
    right = max(line.box[2] for line in run)
    # Lines fitted larger than the box's size would set narrower; the box is sized for the
    # widest case, so no line wraps that did not wrap on the image.
    stretch = max(line.size for line in run) / size
    width = (right - left) * stretch * (1 + SLACK) + 2 * INSET_X_PT + BEARING_PT
    x = left - INSET_X_PT - BEARING_PT
    if align == "center":
        x = (left + right) / 2 - width / 2
    elif align == "right":
        x = right + INSET_X_PT + BEARING_PT - width
    y = run[0].box[1] - INSET_Y_PT - CAP_TOP_EM * size
    height = len(run) * PITCH_EM * size + 2 * INSET_Y_PT + 0.3 * size
    element: dict[str, Any] = {
        "type": "text",
        "text": "\n".join(line.text for line in run)[:MAX_TEXT],
        "font": MEASURED_FONT,
        "size": size,
        "bold": run[0].bold,
        "align": align,
        **_inside(x / SLIDE_W_PT, y / SLIDE_H_PT, width / SLIDE_W_PT, height / SLIDE_H_PT),
    }
    if run[0].color:
        element["color"] = run[0].color
    return element


def _inside(x: float, y: float, w: float, h: float) -> dict[str, float]:
    """The box cut to lie inside the slide, as the spec requires. Cut, not moved: its text
    stays where it was, and the box's slack leaves room for what is cut."""
    x, y = min(max(x, 0.0), 0.99), min(max(y, 0.0), 0.99)
    w, h = min(max(w, 0.01), 1.0 - x), min(max(h, 0.01), 1.0 - y)
    return {"x": round(x, 5), "y": round(y, 5), "w": round(w, 5), "h": round(h, 5)}
