"""Turning staged bytes into the upright image OCR reads: decoded as the storage service decodes
them (jaryo_shared.images), so boxes computed here line up with the stored image, then reduced
to a size the engine reads in bounded memory and flattened onto white."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from jaryo_shared.failures import FailureCode
from jaryo_shared.images import decode, failing_as

MIN_DPI = 70  # below this (or when unknown) Tesseract guesses; 70 is what it would assume


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


def load(raw: bytes, *, max_pixels: int, read_pixels: int) -> UprightImage:
    """Raises jaryo_shared.images.UnusableImage. An image of more than `read_pixels` is read
    scaled down to about that many: boxes are fractions of the image, so they still fit the
    stored one, and the stated resolution is scaled with it."""
    decoded = decode(raw, max_pixels=max_pixels, reduce_to=read_pixels)
    unprepared = "the image could not be prepared for reading; export it again as JPEG or PNG"
    with failing_as(unprepared, FailureCode.IMAGE_NOT_READABLE):
        image = _flatten(decoded.image)
    dpi = round(decoded.dpi) if decoded.dpi and decoded.dpi >= MIN_DPI else MIN_DPI
    return UprightImage(image=image, dpi=dpi)


def _flatten(image: Image.Image) -> Image.Image:
    """Transparency onto white (the decoder gives L, LA, RGB or RGBA), always as a new image:
    tesserocr hands Tesseract the image re-encoded in its own `format`, and one still tied to
    its file says HEIF (which Tesseract cannot read) or JPEG (lossy again)."""
    if image.mode in ("RGBA", "LA"):
        background = Image.new(image.mode[:-1], image.size, "white")  # RGB or L
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.copy() if image.format else image
