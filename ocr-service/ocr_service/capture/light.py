"""Evening the light: each channel divided by an estimate of the paper's own brightness there,
so a shadow band, a vignette or a warm lamp's cast leaves the paper evenly white and the ink as
dark against it as where the light was good; then stretched so the darkest ink is black.

The paper's brightness is the photo with its print closed over (a grey-level dilation wider
than a stroke keeps the brightest nearby pixel, the paper's), smoothed, on a small copy:
the light varies slowly, and the small copy keeps the step fast on 12 MP.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 480  # px: the light changes over tens of these; a stroke is a few at most
STROKE_REACH = 0.025  # of the work copy's long side: the dilation, wider than bold print
INK_PERCENTILE = 0.5  # this share of the darkest pixels becomes black
DARK = 110  # grey level: a document whose median is darker is light print on a dark ground


def background(pixels: np.ndarray) -> np.ndarray:
    """The estimated paper brightness, per channel, at the work copy's size (uint8)."""
    scale = min(1.0, WORK_SIDE / max(pixels.shape[:2]))
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    reach = max(3, round(STROKE_REACH * max(small.shape[:2])) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach))
    paper = cv2.dilate(small, kernel)
    paper = cv2.medianBlur(paper, reach)
    return cv2.GaussianBlur(paper, (0, 0), reach / 2)


def even_light(pixels: np.ndarray) -> np.ndarray:
    """`pixels` (uint8, grey or RGB) with the light evened, same shape."""
    height, width = pixels.shape[:2]
    # at least 1, so a black background stays black instead of dividing by 0
    paper = np.maximum(background(pixels), 1)
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)
    evened = cv2.divide(pixels, paper, scale=255)
    grey = evened if evened.ndim == 2 else cv2.cvtColor(evened, cv2.COLOR_RGB2GRAY)
    step = max(1, int(np.sqrt(grey.size / 250_000)))  # a sample is enough for a percentile
    dark = float(np.percentile(grey[::step, ::step], INK_PERCENTILE))
    if dark >= 250:
        return evened  # nothing dark to stretch: a blank page
    lut = np.clip((np.arange(256) - dark) * 255.0 / (255.0 - dark), 0, 255).astype(np.uint8)
    return cv2.LUT(evened, lut)


def light_on_dark(pixels: np.ndarray) -> bool:
    """Whether the print is lighter than what it is on (a road sign, a blackboard, a screen in
    dark mode): there the dilation would take the print for paper, so the light is left."""
    scale = min(1.0, WORK_SIDE / max(pixels.shape[:2]))
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    return float(np.median(grey)) < DARK


def spread(pixels: np.ndarray) -> float:
    """How uneven the light is: the spread (95th minus 5th percentile) of the paper's
    estimated brightness over the photo, in grey levels."""
    paper = background(pixels)
    grey = paper if paper.ndim == 2 else cv2.cvtColor(paper, cv2.COLOR_RGB2GRAY)
    low, high = np.percentile(grey, [5, 95])
    return float(high - low)
