"""Turning staged bytes into the upright image OCR reads: the same orientation the storage
service keeps, so boxes computed here line up with the stored image."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

MIN_DPI = 70  # below this (or when unknown) Tesseract guesses; 70 is what it would assume


class UnreadableImage(ValueError):
    """The bytes do not decode to an image; the message says why, for the person."""


@dataclass(frozen=True)
class UprightImage:
    image: Image.Image
    dpi: int

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def load(raw: bytes, *, max_pixels: int) -> UprightImage:
    try:
        image = Image.open(io.BytesIO(raw))
        width, height = image.size
        if width * height > max_pixels:
            raise UnreadableImage(f"{width}x{height} pixels is more than the {max_pixels} allowed")
        image.seek(0)
        image.load()
    except UnreadableImage:
        raise
    except Exception as exc:  # Pillow raises many types for bad input
        raise UnreadableImage(f"the image could not be decoded: {exc}") from exc
    dpi = _dpi(image)
    upright = ImageOps.exif_transpose(image)
    return UprightImage(image=_flatten(upright), dpi=dpi)


def _dpi(image: Image.Image) -> int:
    """The file's resolution if it states a plausible one: it guides Tesseract's layout analysis."""
    try:
        dpi = round(float(image.info["dpi"][0]))
    except (KeyError, TypeError, ValueError, IndexError):
        return MIN_DPI
    return dpi if dpi >= MIN_DPI else MIN_DPI


def _flatten(image: Image.Image) -> Image.Image:
    """Transparency onto white, and anything exotic to RGB."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode not in ("RGB", "L", "1"):
        return image.convert("RGB")
    return image
