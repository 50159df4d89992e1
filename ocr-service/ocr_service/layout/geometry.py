"""Pixel-box geometry of the layout: joining a line the detector split, grouping lines into
blocks, ordering blocks as a person reads them, and a block's alignment.

A box is (x0, y0, x1, y1) in pixels of the upright image. Lines are grouped only with their
neighbours above and below, so table cells and columns, which the detector already separates by
their gaps, never merge.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Box = tuple[int, int, int, int]

ROW_OVERLAP = 0.6  # of the lower box's height: two pieces are on one row
WORD_GAP = 0.6  # of the row's height: pieces closer than this are one line (a wide word gap)
SIZE_RATIO = 1.5  # lines whose heights differ more are never one line or one block
BLOCK_SIZE_RATIO = 1.9  # a block's highest line against its lowest (looser: ascenders vary)
LINE_GAP = 0.9  # of the smaller height: lines further apart vertically start a new block
ALIGN_TOLERANCE = 0.5  # of the median height: edges within this are aligned


def height(box: Box) -> int:
    return box[3] - box[1]


def union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _similar_height(a: Box, b: Box) -> bool:
    low, high = sorted((height(a), height(b)))
    return high <= SIZE_RATIO * max(low, 1)


def _same_line(a: Box, b: Box) -> bool:
    """`b` continues `a` on its right, on the same row."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    low = min(height(a), height(b))
    # A small piece within the other's height (a bullet, a comma) joins whatever its size.
    within = overlap >= low
    row = max(height(a), height(b)) if within else low  # the gap a word space makes in it
    close = b[0] - a[2] < WORD_GAP * row
    return overlap > ROW_OVERLAP * low and close and (within or _similar_height(a, b))


def join_rows(pieces: Sequence[Box]) -> list[Box]:
    """Pieces of one line that the detector split at a wide word gap, joined; pieces separated
    by more (a column gutter, a table rule) stay apart."""
    lines: list[Box] = []
    for piece in sorted(pieces, key=lambda box: box[0]):
        for index, line in enumerate(lines):
            if _same_line(line, piece):
                lines[index] = union((line, piece))
                break
        else:
            lines.append(piece)
    return lines


def _continues(upper: Box, lower: Box) -> bool:
    """`lower` is the next line of `upper`'s paragraph."""
    if not upper[1] < lower[1] or not _similar_height(upper, lower):
        return False
    low = min(height(upper), height(lower))
    gap = lower[1] - upper[3]
    if gap > LINE_GAP * low or gap < -0.5 * low:
        return False
    overlaps = min(upper[2], lower[2]) - max(upper[0], lower[0]) > 0
    return overlaps or abs(upper[0] - lower[0]) <= height(upper)


def group_blocks(lines: Sequence[Box]) -> list[list[Box]]:
    """Lines grouped into blocks (each top to bottom): connected by `_continues`."""
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Each group's lowest and highest line, so lines of intermediate height never chain a
    # title and body text into one block.
    span = {i: (height(line), height(line)) for i, line in enumerate(lines)}
    for i, upper in enumerate(lines):
        for j, lower in enumerate(lines):
            if i == j or not _continues(upper, lower) or root(i) == root(j):
                continue
            (low_a, high_a), (low_b, high_b) = span[root(i)], span[root(j)]
            low, high = min(low_a, low_b), max(high_a, high_b)
            if high <= BLOCK_SIZE_RATIO * max(low, 1):
                parent[root(i)] = root(j)
                span[root(j)] = (low, high)
    groups: dict[int, list[Box]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(root(i), []).append(line)
    return [sorted(group, key=lambda box: (box[1], box[0])) for group in groups.values()]


@dataclass(frozen=True)
class _Cut:
    gap: int
    axis: int  # 1: a horizontal cut (rows), 0: a vertical one (columns)
    at: float


def _widest_cut(boxes: Sequence[Box]) -> _Cut | None:
    best: _Cut | None = None
    for axis in (1, 0):  # rows first: on a tie, a horizontal cut
        spans = sorted((box[axis], box[axis + 2]) for box in boxes)
        end = spans[0][1]
        for start, stop in spans[1:]:
            if start > end and (best is None or start - end > best.gap):
                best = _Cut(start - end, axis, (start + end) / 2)
            end = max(end, stop)
    return best


def reading_order(boxes: Sequence[Box]) -> list[int]:
    """Indexes of `boxes` in reading order, by recursive XY-cut: split at the widest empty
    horizontal or vertical band, read the top (or left) part first. Boxes that no band
    separates are read by their vertical centres."""
    return _order(list(range(len(boxes))), boxes)


def _order(indexes: list[int], boxes: Sequence[Box]) -> list[int]:
    if len(indexes) <= 1:
        return indexes
    cut = _widest_cut([boxes[i] for i in indexes])
    if cut is None:
        return sorted(indexes, key=lambda i: (boxes[i][1] + boxes[i][3]) / 2)
    first = [i for i in indexes if boxes[i][cut.axis + 2] <= cut.at]
    rest = [i for i in indexes if boxes[i][cut.axis + 2] > cut.at]
    return _order(first, boxes) + _order(rest, boxes)


def alignment(lines: Sequence[Box]) -> Literal["left", "center", "right"] | None:
    """How a block's lines line up; None for one line (nothing to compare) or ragged lines."""
    if len(lines) < 2:
        return None
    tolerance = ALIGN_TOLERANCE * statistics.median(height(line) for line in lines)

    def aligned(values: list[float]) -> bool:
        return max(values) - min(values) <= tolerance

    if aligned([line[0] for line in lines]):
        return "left"
    if aligned([(line[0] + line[2]) / 2 for line in lines]):
        return "center"
    if aligned([line[2] for line in lines]):
        return "right"
    return None
