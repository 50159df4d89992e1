"""How a line looks, measured from its pixels: the ink (text strokes) told from the background,
their colours, a bold guess from the strokes' width, and the font size at which the drafts' font
fills the same width as the ink.

The ink is whichever of the two Otsu classes the crop's border does not belong to, so light text
on a dark slide is found as well as dark text on paper.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFont

from jaryo_shared.ocr_result import LineStyle
from ocr_service.layout.geometry import Box

BOLD_STROKE = 0.105  # stroke width / em: Noto Sans CJK regular is about 0.08, bold about 0.14
FIT_SIZE = 100  # the font is measured at this size in pixels
SIZE_SANITY = (0.6, 2.2)  # em / ink height outside this means the text was misread: no fit
HEIGHT_TO_EM = 1.1  # fallback: an em is about this many times the ink height of mixed text
LETTER_GAP = 0.2  # of the line's ink height: a blank this wide or wider ends a word


@dataclass(frozen=True)
class Ink:
    """The strokes of one line: a mask over its crop, where the crop sits, and the colours."""

    mask: np.ndarray  # bool, the crop's shape
    origin: tuple[int, int]  # the crop's top-left corner in the image
    color: tuple[int, int, int]
    background: tuple[int, int, int]

    @property
    def box(self) -> Box:
        """The tight box of the strokes, in image pixels."""
        ys, xs = np.nonzero(self.mask)
        x, y = self.origin
        return (x + int(xs.min()), y + int(ys.min()), x + int(xs.max()) + 1, y + int(ys.max()) + 1)


def ink_of(image: np.ndarray, box: Box, pad: int) -> Ink | None:
    """The ink of the line in `box` (RGB array of the whole image); None if it has none."""
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    x1, y1 = min(image.shape[1], box[2] + pad), min(image.shape[0], box[3] + pad)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    _, thresholded = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    dark: np.ndarray = thresholded == 1
    border = np.concatenate([dark[0], dark[-1], dark[:, 0], dark[:, -1]])
    mask: np.ndarray = np.logical_not(dark) if border.mean() > 0.5 else dark
    # The padding only shows the background around the line (the border's class); strokes in
    # it above or below the line are the neighbouring lines', not this one's.
    mask[: box[1] - y0] = False
    mask[box[3] - y0 :] = False
    if mask.sum() < 4 or mask.all():
        return None
    around = np.logical_not(mask)
    return Ink(mask, (x0, y0), _median_colour(crop, _core(mask)), _median_colour(crop, around))


def _core(mask: np.ndarray) -> np.ndarray:
    """The mask without its anti-aliased rim, when strokes are thick enough to have a core."""
    eroded = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return eroded if eroded.sum() >= 0.2 * mask.sum() else mask


def _median_colour(crop: np.ndarray, where: np.ndarray) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in np.median(crop[where], axis=0))
    return (r, g, b)


def snapped(ink: Ink, boxes: list[Box]) -> list[Box]:
    """Word boxes (image pixels, left to right) grown to the ink they cut: Tesseract's boxes
    for a line read alone often end a letter early. A box grows right over ink separated by
    at most a letter gap, never into the next word, and takes the line's ink height."""
    columns = [bool(value) for value in np.any(ink.mask, axis=0)]
    x, _ = ink.origin
    top, bottom = ink.box[1], ink.box[3]
    gap = max(2, round(LETTER_GAP * (bottom - top)))
    grown: list[Box] = []
    for index, (x0, _, x1, _) in enumerate(boxes):
        stop = boxes[index + 1][0] - x if index + 1 < len(boxes) else len(columns)
        end, blank = x1 - x, 0
        for column in range(max(0, x1 - x), max(0, min(stop, len(columns)))):
            blank = 0 if columns[column] else blank + 1
            if blank > gap:
                break
            if columns[column]:
                end = column + 1
        grown.append((x0, top, max(x1, x + end), bottom))
    return grown


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width in pixels: ink area over half its outline's length."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(contour, True) for contour in contours)
    return float(2 * mask.sum() / outline) if outline else 0.0


@dataclass(frozen=True)
class FontFiles:
    """The drafts' font (jaryo_shared.ocr_result.MEASURED_FONT), regular and bold."""

    regular: Path
    bold: Path
    family: str

    @functools.cache  # noqa: B019 - two fonts per process, kept for its life
    def font(self, bold: bool) -> ImageFont.FreeTypeFont:
        return _face(self.bold if bold else self.regular, self.family)


def _face(path: Path, family: str) -> ImageFont.FreeTypeFont:
    """The face of `family` in a font file or collection (.ttc). Basic layout: widths need no
    shaping, and raqm fails on some misread strings."""
    for index in range(64):
        try:
            face = ImageFont.truetype(
                str(path), FIT_SIZE, index=index, layout_engine=ImageFont.Layout.BASIC
            )
        except OSError:
            break
        if face.getname()[0] == family:
            return face
    raise LookupError(f"{family!r} is not in {path}")


def fitted_em(text: str, ink: Box, font: ImageFont.FreeTypeFont) -> float:
    """The font size (pixels per em) at which `text` in `font` is as wide as the ink."""
    left, _, right, _ = font.getbbox(text)
    ink_height = ink[3] - ink[1]
    if right <= left or not text.strip():
        return HEIGHT_TO_EM * ink_height
    em = FIT_SIZE * (ink[2] - ink[0]) / (right - left)
    low, high = SIZE_SANITY
    return em if low * ink_height <= em <= high * ink_height else HEIGHT_TO_EM * ink_height


def line_style(ink: Ink, text: str, fonts: FontFiles, image_height: int) -> LineStyle:
    """Colour, weight and fitted size of one line whose text was read as `text`."""
    em = fitted_em(text, ink.box, fonts.font(False))
    bold = stroke_width(ink.mask) > BOLD_STROKE * em
    if bold:
        em = fitted_em(text, ink.box, fonts.font(True))
    return LineStyle(
        color=hex_colour(ink.color),
        background=hex_colour(ink.background),
        bold=bold,
        size=round(min(2.0, em / image_height), 5),
    )


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def at_most(
    pixels: np.ndarray, mask: np.ndarray, side: int
) -> tuple[np.ndarray, np.ndarray, float]:
    """An image and its mask scaled down to at most `side` px wide or high, and the scale."""
    height, width = pixels.shape[:2]
    scale = min(1.0, side / max(width, height))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
    return pixels, mask, scale


def at_most_side(image: Image.Image, side: int) -> Image.Image:
    """The image scaled down to at most `side` px wide or high (itself if it is not larger)."""
    scale = side / max(image.size)
    if scale >= 1.0:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def as_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))
