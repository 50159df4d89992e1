"""The capture step as one call: find the document, flatten it, uncurl and straighten its
lines, even its light (unless its print is light on a dark ground). A quad with print
outside it (a picture in a slide, not a page on a desk) is no document. When no document is
found the photo is never cropped: only its text lines, if it has them and they bend, are
straightened (pixels move up or down, nothing is cut); a photo with no document and straight
or no lines is kept exactly as it is. Corners given by the person (a fix of the ones found) are
taken as the document's, whatever the search would say."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ocr_service.capture.curl import uncurl
from ocr_service.capture.document import find_document
from ocr_service.capture.flatten import flatten
from ocr_service.capture.light import even_light, light_on_dark
from ocr_service.capture.print_outside import cuts_print_away
from ocr_service.capture.straighten import rotate, skew

log = logging.getLogger(__name__)

MIN_SIDE = 32  # px: a narrower image (a one-row strip) has no page in it, and its copies would
# shrink to nothing

Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Capture:
    image: Image.Image  # what OCR reads: the flattened page, or the photo itself
    corners: (
        Corners | None
    )  # fractions of the photo: top-left, top-right, bottom-right, bottom-left
    confidence: float | None  # how surely the corners are the document's (document.Found)
    steps: tuple[str, ...]  # what was done, in order, for logs and the eval's table


def capture(photo: Image.Image, corners: Corners | None = None) -> Capture:
    """`photo` upright (EXIF orientation applied), RGB or L. `corners`, fractions of the photo
    (top-left, top-right, bottom-right, bottom-left), are the document's instead of a search."""
    if min(photo.size) < MIN_SIDE:
        if corners is not None:
            log.info("capture: corners given for a %dx%d image ignored", *photo.size)
        return Capture(photo, None, None, ())  # a strip or a speck: no page to find or flatten
    pixels = np.asarray(photo.convert("RGB") if photo.mode not in ("RGB", "L") else photo)
    height, width = pixels.shape[:2]
    if corners is not None:
        given = np.array(corners, np.float64) * [width - 1, height - 1]
        return _flattened(pixels, given.astype(np.float32), confidence=None)
    found = find_document(pixels)
    if found is not None and cuts_print_away(pixels, found.corners):
        found = None  # a picture in a slide or a screenshot, not a page on a desk
    if found is None:
        uncurled = uncurl(pixels)
        if uncurled is None:
            return Capture(photo, None, None, ())
        return Capture(Image.fromarray(uncurled), None, None, ("uncurled",))
    # A corner just past the frame (a page cut by it) is taken at the frame: the corners are
    # fractions of the photo for the person to move, and nothing past the frame can be shown.
    quad = np.clip(found.corners, 0, [width - 1, height - 1]).astype(np.float32)
    return _flattened(pixels, quad, confidence=found.confidence)


def _flattened(pixels: np.ndarray, quad: np.ndarray, *, confidence: float | None) -> Capture:
    """The document at `quad` (pixels of the photo) flattened, uncurled, straightened, lit."""
    height, width = pixels.shape[:2]
    tl, tr, br, bl = (
        (round(float(x) / (width - 1), 4), round(float(y) / (height - 1), 4)) for x, y in quad
    )
    corners: Corners = (tl, tr, br, bl)
    steps = ["flattened"]
    page = flatten(pixels, quad)
    uncurled = uncurl(page)
    if uncurled is not None:
        page = uncurled
        steps.append("uncurled")
    angle = skew(page)
    if angle:
        page = rotate(page, -angle)
        steps.append(f"straightened {angle:+.2f}°")
    if not light_on_dark(page):
        page = even_light(page)
        steps.append("evened light")
    return Capture(Image.fromarray(page), corners, confidence, tuple(steps))
