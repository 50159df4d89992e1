"""Uncurling: a page that bends (a book near its gutter, a curled receipt) bends its lines of
text; each line's centre is traced and fitted with a parabola, and the photo's columns are
shifted up or down so every line runs straight, the shift between lines interpolated.

Only vertical shifts: nothing is cropped and nothing moves sideways, so it is safe on a photo
where no document was found. Skipped when fewer than MIN_LINES long lines are traced (a
texture, a gradient, a sparse card) or when they are already straight.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800  # px: a line of body text is a few pixels high, lines a few apart
LINE_WIDTH = 0.3  # of the work copy's width: shorter ink runs are words, or lines too short
# for their letters' ups and downs not to pass for a bend
MAX_HEIGHT = 0.03  # of the work copy's height: thicker runs are a picture or merged lines
JOIN = 9  # px (work copy): letters and words closer than this are joined into a line
CUT = 3  # px (work copy): ascenders and descenders thinner than this are cut off
MIN_LINES = 6
MIN_STRAY = 0.002  # of the work copy's long side: if the typical line strays less from level
# over its length, the page is left alone
MAX_STRAY = 0.06  # of the work copy's height: a fit bending more than this is not a line
BIN = 8  # px: a line's centre is measured every this many columns
GRID = 16  # px (work copy): the shift is computed on this grid and scaled up


def uncurl(pixels: np.ndarray) -> np.ndarray | None:
    """`pixels` with its text lines straightened, or None when there is nothing to do."""
    height, width = pixels.shape[:2]
    scale = min(1.0, WORK_SIDE / max(height, width))
    # Lines are traced in the brightest channel, where only dark (black, grey) print shows:
    # a notebook's blue or red rules are as bright there as the paper, and are not text.
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if small.ndim == 3:
        small = small.max(axis=2)
    lines = _traced_lines(small)
    if len(lines) < MIN_LINES:
        return None
    shift = _shift_field(lines, small.shape)
    if shift is None:
        return None
    return _shifted(pixels, cv2.resize((shift / scale).astype(np.float32), (width, height)))


def _shifted(pixels: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Each pixel taken from `shift` rows below it (sub-pixel, linear). Float maps go to
    remap as they are: converting them to fixed point first costs more than the remap."""
    height, width = pixels.shape[:2]
    map_x = np.empty((height, width), np.float32)
    map_x[:] = np.arange(width, dtype=np.float32)[None, :]
    map_y = np.arange(height, dtype=np.float32)[:, None] + shift
    return cv2.remap(pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _traced_lines(grey: np.ndarray) -> list[tuple[np.ndarray, float, float]]:
    """Each long line of ink as (its parabola's coefficients, first x, last x)."""
    height, width = grey.shape
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    # Letters into words into lines: close the gaps between letters, then cut the ascenders
    # and descenders that touch the next line.
    merged = cv2.dilate(ink, np.ones((1, JOIN), np.uint8))
    merged = cv2.erode(merged, np.ones((CUT, 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
    lines = []
    for index in range(1, count):
        x, y, w, h, pixels_in = stats[index]
        thickness = pixels_in / w  # a slanted or bent line's box is tall, its stroke is not
        if w < LINE_WIDTH * width or thickness > MAX_HEIGHT * height or w < 8 * thickness:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == index)
        bins = xs // BIN
        sums = np.bincount(bins, weights=ys)
        counts = np.bincount(bins)
        present = counts > 0
        centres_x = (np.flatnonzero(present) * BIN + BIN / 2 + x).astype(np.float64)
        centres_y = sums[present] / counts[present] + y
        if len(centres_x) < 6:
            continue
        coefficients = np.polyfit(centres_x, centres_y, 2)
        residual = centres_y - np.polyval(coefficients, centres_x)
        if np.abs(residual).mean() > thickness / 3:
            continue  # not one line: a word run into a neighbour
        lines.append((coefficients, float(x), float(x + w)))
    return lines


def _shift_field(
    lines: list[tuple[np.ndarray, float, float]], shape: tuple[int, ...]
) -> np.ndarray | None:
    """The vertical shift (work copy pixels) on the work copy's grid that brings each line to
    the height it has at its middle, interpolated between lines and held beyond them."""
    height, width = shape[:2]
    columns = np.arange(0, width + GRID, GRID, dtype=np.float64)
    # How far each line strays from level over its length, bent or tilted: a page counts as
    # curled when the typical line does, not when a few misread ones do.
    strays = [
        float(np.ptp(np.polyval(coefficients, np.linspace(first, last, 16))))
        for coefficients, first, last in lines
    ]
    if np.median(strays) < MIN_STRAY * max(height, width):
        return None
    references, offsets = [], []
    for coefficients, first, last in lines:
        middle = (first + last) / 2
        reference = float(np.polyval(coefficients, middle))
        # Held flat beyond the line's ends: a parabola is no guide past its data.
        offset = np.polyval(coefficients, np.clip(columns, first, last)) - reference
        if np.abs(offset).max() > MAX_STRAY * height:
            continue
        references.append(reference)
        offsets.append(offset)
    if len(references) < MIN_LINES:
        return None
    order = np.argsort(references)
    references_sorted = np.array(references)[order]
    offsets_sorted = np.array(offsets)[order]
    rows = np.arange(0, height + GRID, GRID, dtype=np.float64)
    grid = np.empty((len(rows), len(columns)), np.float32)
    for column in range(len(columns)):
        grid[:, column] = np.interp(rows, references_sorted, offsets_sorted[:, column])
    smooth = cv2.GaussianBlur(grid, (0, 0), 1.0)
    return cv2.resize(smooth, (width, height), interpolation=cv2.INTER_LINEAR)
