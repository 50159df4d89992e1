"""Regions that are pictures: whatever stands out from the page's dominant colour once the
text is taken away (icons, photos, diagrams, framed boxes), joined with its near parts. Rules
and hairlines are too thin to count; a region covering most of the page is its background."""

from __future__ import annotations

import cv2
import numpy as np

from ocr_service.layout.geometry import Box

DIFFERENT = 48  # summed RGB difference from the page colour that makes a pixel stand out
JOIN = 0.015  # of the image's longer side: parts closer than this are one figure
MIN_AREA = 0.004  # of the image: smaller regions are specks
MAX_AREA = 0.6  # larger regions are the page itself (a framed page, a banner behind all)
MIN_SIDE = 0.025  # of the image's side: thinner regions are rules and borders
MOST = 12  # figures kept per image, the largest first


def page_colour(pixels: np.ndarray) -> np.ndarray:
    """The most common colour, in steps of 16 per channel (noise and JPEG ripple fall in one)."""
    steps = (pixels // 16).reshape(-1, 3).astype(np.int32)
    codes = steps[:, 0] * 256 + steps[:, 1] * 16 + steps[:, 2]
    code = int(np.bincount(codes).argmax())
    return np.array([code // 256, (code // 16) % 16, code % 16]) * 16 + 8


def figures(pixels: np.ndarray, text: np.ndarray) -> list[Box]:
    """Boxes of the picture regions of an RGB image whose text strokes are `text` (uint8)."""
    height, width = pixels.shape[:2]
    distance = np.abs(pixels.astype(np.int32) - page_colour(pixels)).sum(axis=2)
    standing_out = ((distance > DIFFERENT) & (text == 0)).astype(np.uint8)
    reach = max(1, round(JOIN * max(width, height)))
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
