"""Straightening: the small rotation left in a page (a quad found a degree off, a photo of a
page that filled the frame) found from its text lines and undone.

The angle is the one at which the ink's rows are most sharply separated: the ink's points are
projected onto the vertical at each angle tried and the histogram whose squares sum highest
wins (a projection profile; cheap on a few thousand points).
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 1000  # px: text lines stay a few pixels apart
MAX_ANGLE = 5.0  # degrees either way; more is not a small rotation and is left alone
STEP = 0.25  # degrees
MIN_ANGLE = 0.3  # degrees: below this the rotation's blur costs more than it gains
MIN_GAIN = 1.05  # the best angle's sharpness over the unrotated one's to be believed
MAX_POINTS = 40_000


def skew(pixels: np.ndarray) -> float:
    """The text's rotation in degrees (positive: the lines rise to the right), 0.0 if there is
    none to trust."""
    grey = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, WORK_SIDE / max(grey.shape))
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    ys, xs = np.nonzero(ink)
    if len(xs) < 200:
        return 0.0
    if len(xs) > MAX_POINTS:
        keep = np.random.default_rng(0).choice(len(xs), MAX_POINTS, replace=False)
        xs, ys = xs[keep], ys[keep]
    angles = np.arange(-MAX_ANGLE, MAX_ANGLE + STEP / 2, STEP)
    sharpness = np.array([_sharpness(xs, ys, angle) for angle in angles])
    best = float(angles[int(np.argmax(sharpness))])
    level = sharpness[int(np.argmin(np.abs(angles)))]
    if abs(best) < MIN_ANGLE or sharpness.max() < MIN_GAIN * level:
        return 0.0
    return best


def _sharpness(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    radians = np.radians(angle)
    rows = ys * np.cos(radians) + xs * np.sin(radians)
    histogram = np.bincount(np.rint(rows - rows.min()).astype(int))
    return float(np.square(histogram.astype(np.float64)).sum())


def rotate(pixels: np.ndarray, angle: float) -> np.ndarray:
    """`pixels` turned `angle` degrees counter-clockwise (so `rotate(p, -skew(p))` levels the
    lines), on a canvas grown to keep every corner, the new edges filled from the old ones."""
    height, width = pixels.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    size = (round(width * cos + height * sin), round(width * sin + height * cos))
    turn[0, 2] += size[0] / 2 - width / 2
    turn[1, 2] += size[1] / 2 - height / 2
    return cv2.warpAffine(
        pixels, turn, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
