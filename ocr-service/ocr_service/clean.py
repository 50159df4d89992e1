"""The image with its text removed: each read line's strokes are filled from the pixels around
them (OpenCV's Telea inpainting), so shapes, figures and colours stay and a draft's editable
text is not drawn twice. Stored as PNG beside the upload (keys.clean_background_key)."""

from __future__ import annotations

import cv2
import numpy as np

from jaryo_shared.ocr_result import Page
from ocr_service.layout.style import ink_of

GROW = 0.12  # of the line's height: the strokes' mask grows by this, to take their soft edges
RADIUS = 5  # pixels around each filled pixel that inpainting draws from
MAX_SIDE = 2560  # the clean copy's longest side, at most


def text_mask(pixels: np.ndarray, page: Page) -> np.ndarray:
    """Where the page's text strokes are (uint8, 255 = text)."""
    height, width = pixels.shape[:2]
    mask = np.zeros((height, width), np.uint8)
    for block in page.blocks:
        for line in block.lines:
            if line.in_picture:  # a figure's print stays in the figure
                continue
            x0, y0, x1, y1 = line.bbox
            box = (round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height))
            tall = max(1, box[3] - box[1])
            pad = max(2, round(0.15 * tall))
            ink = ink_of(pixels, box, pad)
            if ink is None:
                continue
            grow = max(1, round(GROW * tall))
            kernel = np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)
            strokes = cv2.dilate(ink.mask.astype(np.uint8) * 255, kernel)
            x, y = ink.origin
            region = mask[y : y + strokes.shape[0], x : x + strokes.shape[1]]
            np.maximum(region, strokes, out=region)
    return mask


def without_text(pixels: np.ndarray, mask: np.ndarray) -> bytes:
    """PNG bytes of the RGB image `pixels` with the text strokes in `mask` inpainted away. The
    reader hands it the image at most MAX_SIDE px wide or high: it is a slide's background, and
    a photo's full resolution would make every deck and every inpainting many times bigger for
    nothing seen."""
    cleaned = cv2.inpaint(pixels, mask, RADIUS, cv2.INPAINT_TELEA) if mask.any() else pixels
    return png(cleaned)


def png(pixels: np.ndarray) -> bytes:
    """PNG bytes of the RGB image `pixels`."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR))
    if not ok:
        raise RuntimeError("OpenCV could not encode the clean background as PNG")
    return encoded.tobytes()
