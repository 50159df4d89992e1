"""Whether a document found in a photo would cut print away: a photo of a page on a desk has
desk around the page, but a slide or a screenshot with a picture in it has the picture's
outline all round and its own text beside it (a dark slide's title and list round a white
screenshot). Cropping to such a quad would lose that text, so the caller keeps the photo.

Print is measured as character-sized strokes, dark on light or light on dark (a black-hat
filter each way, kept where its connected parts have a glyph's size and are not solid), on a
copy of at most WORK_SIDE px, outside the quad grown by a margin. Measured on the sample sets
(the share of the area outside the quad in such strokes): the dark slide round a white
screenshot 9.4 %, the road sign's street scene 3.6 % (foliage and the sign's post), the
business card's wooden desk 0.11 %, the synthetic desks of the tests 0.05-0.09 %, the thesis
page's dark desk none. The limit, 1 %, is a factor of about nine from the slide and from the
card. The road sign is then kept as it is (it read better flattened, 0.636 -> 0.545, and
reads as it did before the step); cropping away a slide's title costs far more.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr_service.capture.geometry import Quad

WORK_SIDE = 640  # px, as document.py's copy
STROKE_KERNEL = 15  # px: strokes thinner than this stand out of the black-hat
MIN_CONTRAST = 40  # grey levels a stroke stands out by
GLYPH_HEIGHT = (3, 40)  # px of the work copy
GLYPH_MAX_WIDTH = 60  # px: wider is a rule or an edge, not a character
SOLID = 0.9  # a part filling this much of its box is a blob, not a glyph
MARGIN = 9  # px: print on the quad's edge is the document's
MAX_PRINT_OUTSIDE = 0.01  # of the area outside: more is text the crop would cut away


def print_outside(pixels: np.ndarray, quad: Quad) -> float:
    """The share of the photo outside `quad` (pixels of `pixels`) covered by print."""
    height, width = pixels.shape[:2]
    scale = min(1.0, WORK_SIDE / max(height, width))
    small = cv2.resize(
        pixels, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY) if small.ndim == 3 else small
    strokes = _glyph_strokes(grey)
    inside = np.zeros(grey.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(np.asarray(quad) * scale).astype(np.int32), 1)
    outside = cv2.dilate(inside, np.ones((MARGIN, MARGIN), np.uint8)) == 0
    return float((strokes & outside).sum()) / max(1, int(outside.sum()))


def cuts_print_away(pixels: np.ndarray, quad: Quad) -> bool:
    return print_outside(pixels, quad) > MAX_PRINT_OUTSIDE


def _glyph_strokes(grey: np.ndarray) -> np.ndarray:
    """Each polarity apart: on a dark slide, the dark gaps between light letters stand out of
    the dark-on-light filter too, and joined to the letters they would make one large part."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (STROKE_KERNEL, STROKE_KERNEL))
    strokes = np.zeros(grey.shape, bool)
    for image in (grey, 255 - grey):  # dark print on light, then light print on dark
        hat = cv2.morphologyEx(image, cv2.MORPH_BLACKHAT, kernel)
        strokes |= _glyphs((hat >= MIN_CONTRAST).astype(np.uint8))
    return strokes


def _glyphs(mask: np.ndarray) -> np.ndarray:
    """The connected parts of `mask` of a glyph's size that are not solid."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    _, _, widths, heights, areas = stats.T
    glyph = (
        (heights >= GLYPH_HEIGHT[0])
        & (heights <= GLYPH_HEIGHT[1])
        & (widths <= GLYPH_MAX_WIDTH)
        & (areas < SOLID * widths * heights)
    )
    glyph[0] = False  # the background
    return glyph[labels]
