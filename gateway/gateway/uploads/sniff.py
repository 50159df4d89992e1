"""What an uploaded file really is, read from its header bytes, never its name or Content-Type:
an image we accept, or a PDF (checked whole: pdf_check)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

import pillow_heif
from PIL import Image, UnidentifiedImageError

from gateway.uploads import pdf_check
from jaryo_shared import pdf

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", "HEIF"}
# What the storage service will keep each format as (it decides; this names the file to match).
STORED_EXTENSION = {"JPEG": "jpg", "MPO": "jpg", "HEIF": "jpg"}  # a PDF's pages: PNG
DEFAULT_STORED_EXTENSION = "png"


class NotAnImage(ValueError):
    pass


class TooManyPixels(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    format: str  # "PDF" for a PDF
    width: int  # 0 for a PDF: each page has its own size
    height: int
    pages: int | None = None  # a PDF's

    @property
    def is_pdf(self) -> bool:
        return self.pages is not None

    @property
    def stored_extension(self) -> str:
        return STORED_EXTENSION.get(self.format, DEFAULT_STORED_EXTENSION)


def sniff(stream: BinaryIO, max_pixels: int, max_pdf_pages: int) -> Sniffed:
    """Read the header (Pillow opens lazily: no pixel is decoded), or a PDF whole, and rewind
    the stream. Raises NotAnImage, TooManyPixels or UnacceptablePdf. An image is tried first:
    `%PDF-` may appear in an image's metadata, while no PDF opens as an image."""
    try:
        return _image(stream, max_pixels)
    except NotAnImage:
        head = stream.read(pdf.HEADER_BYTES)
        stream.seek(0)
        if not pdf.is_pdf(head):
            raise
    try:
        pages = pdf_check.pages_of(stream.read(), max_pdf_pages, max_pixels)
        return Sniffed("PDF", 0, 0, pages=pages)
    finally:
        stream.seek(0)


def _image(stream: BinaryIO, max_pixels: int) -> Sniffed:
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
