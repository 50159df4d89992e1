"""Regions that are pictures: whatever stands out from the page's dominant colour once the
text is taken away (icons, photos, diagrams, framed boxes), joined with its near parts. Rules
and hairlines are too thin to count; a region covering most of the page is its background."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import cv2
import numpy as np

from jaryo_shared.ocr_result import BBox, Line, Page
from ocr_service.layout.geometry import Box
from ocr_service.layout.style import at_most

DIFFERENT = 48  # summed RGB difference from the page colour that makes a pixel stand out
JOIN = 0.015  # of the image's longer side: parts closer than this are one figure
MIN_AREA = 0.004  # of the image: smaller regions are specks
MAX_AREA = 0.6  # larger regions are the page itself (a framed page, a banner behind all)
MIN_SIDE = 0.025  # of the image's side: thinner regions are rules and borders
MOST = 12  # figures kept per image, the largest first
SEEN_SIDE = 1600
# A figure's text is its print when its median confidence is under SURE_TEXT or its median
# size under SMALL_PRINT of the text outside figures; any line in a figure under UNSURE_TEXT is.
SURE_TEXT = 85.0
SMALL_PRINT = 0.4
UNSURE_TEXT = 70.0


def page_colour(pixels: np.ndarray) -> np.ndarray:
    """The most common colour, in steps of 16 per channel (noise and JPEG ripple fall in one)."""
    steps = (pixels // 16).reshape(-1, 3).astype(np.int32)
    codes = steps[:, 0] * 256 + steps[:, 1] * 16 + steps[:, 2]
    code = int(np.bincount(codes).argmax())
    return np.array([code // 256, (code // 16) % 16, code % 16]) * 16 + 8


def figures(pixels: np.ndarray, text: np.ndarray) -> list[Box]:
    """Boxes of the picture regions of an RGB image whose text strokes are `text` (uint8).
    Found on a copy at most SEEN_SIDE px wide or high: bounded memory, the same regions."""
    pixels, text, scale = at_most(pixels, text, SEEN_SIDE)
    return [_scaled(box, 1 / scale) for box in _regions(pixels, text)]


def _scaled(box: Box, factor: float) -> Box:
    return (
        round(box[0] * factor),
        round(box[1] * factor),
        round(box[2] * factor),
        round(box[3] * factor),
    )


def _regions(pixels: np.ndarray, text: np.ndarray) -> list[Box]:
    height, width = pixels.shape[:2]
    page = np.full_like(pixels, page_colour(pixels).astype(np.uint8))
    distance = cv2.absdiff(pixels, page).sum(axis=2, dtype=np.uint16)
    standing_out = ((distance > DIFFERENT) & (text == 0)).astype(np.uint8)
    reach = 2 * round(JOIN * max(width, height) / 2) + 1  # odd: the kernel is centred
    joined = cv2.morphologyEx(standing_out, cv2.MORPH_CLOSE, np.ones((reach, reach), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found: list[tuple[int, Box]] = []
    for x, y, w, h, _area in stats[1:count]:
        share = (w * h) / (width * height)
        thin = w < MIN_SIDE * width or h < MIN_SIDE * height
        if MIN_AREA <= share <= MAX_AREA and not thin:
            found.append((int(w * h), (int(x), int(y), int(x + w), int(y + h))))
    found.sort(reverse=True)
    kept: list[Box] = []
    for _, box in found:
        if not any(_inside(box, bigger) for bigger in kept):  # an icon on a card goes with it
            kept.append(box)
    return kept[:MOST]


def _inside(box: Box, other: Box) -> bool:
    return box[0] >= other[0] and box[1] >= other[1] and box[2] <= other[2] and box[3] <= other[3]


def mark_figure_text(page: Page, found: Sequence[BBox]) -> Page:
    """The page with the print of its pictures marked `in_picture` (kept in the text: it is
    still what the image says). A figure's lines are its print when they are, by their median,
    read unsurely or set small against the text outside figures (a screenshot's menus, a
    chart's ticks); a table's or a card's text, read surely at the page's sizes, stays text.
    Any line in a figure read very unsurely (labels at odd angles in a diagram) is print."""
    lines = [line for block in page.blocks for line in block.lines]
    outside = [
        line.style.size
        for line in lines
        if line.style and not any(_within(line.bbox, figure) for figure in found)
    ]
    page_size = statistics.median(outside) if outside else None
    print_of = {id(line) for figure in found for line in _print(figure, lines, page_size)}

    def in_picture(line: Line) -> bool:
        unsure = line.confidence < UNSURE_TEXT and any(_within(line.bbox, f) for f in found)
        return id(line) in print_of or unsure

    if not any(in_picture(line) for line in lines):
        return page
    blocks = [
        block.model_copy(
            update={
                "lines": [
                    line.model_copy(update={"in_picture": True}) if in_picture(line) else line
                    for line in block.lines
                ]
            }
        )
        for block in page.blocks
    ]
    return page.model_copy(update={"blocks": blocks})


def _print(figure: BBox, lines: list[Line], page_size: float | None) -> list[Line]:
    """The figure's lines if, taken together, they are the figure's print; else none."""
    inside = [line for line in lines if _within(line.bbox, figure)]
    if not inside:
        return []
    sizes = [line.style.size for line in inside if line.style]
    small = bool(page_size and sizes and statistics.median(sizes) < SMALL_PRINT * page_size)
    unsure = statistics.median(line.confidence for line in inside) < SURE_TEXT
    return inside if small or unsure else []


def _within(box: BBox, figure: BBox) -> bool:
    x0, y0, x1, y1 = box
    return x0 >= figure[0] and y0 >= figure[1] and x1 <= figure[2] and y1 <= figure[3]
