"""What an uploaded file really is, read from its header bytes, never its name or Content-Type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import pillow_heif
from PIL import Image, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", "HEIF"}
# What the storage service will keep each format as (it decides; this names the file to match).
STORED_EXTENSION = {"JPEG": "jpg", "MPO": "jpg", "HEIF": "jpg"}
DEFAULT_STORED_EXTENSION = "png"


class NotAnImage(ValueError):
    pass


class TooManyPixels(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    format: str
    width: int
    height: int

    @property
    def stored_extension(self) -> str:
        return STORED_EXTENSION.get(self.format, DEFAULT_STORED_EXTENSION)


def sniff(stream: BinaryIO, max_pixels: int) -> Sniffed:
    """Read the header (Pillow opens lazily: no pixel is decoded) and rewind the stream."""
    try:
        with Image.open(stream) as image:
            fmt, (width, height) = image.format or "", image.size
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise TooManyPixels(str(exc)) from exc
        raise NotAnImage(str(exc)) from exc
    finally:
        stream.seek(0)
    if fmt not in ACCEPTED_FORMATS:
        raise NotAnImage(f"{fmt or 'this'} images are not accepted")
    if width * height > max_pixels:
        raise TooManyPixels(f"{width}x{height} pixels is more than the {max_pixels} allowed")
    return Sniffed(fmt, width, height)
