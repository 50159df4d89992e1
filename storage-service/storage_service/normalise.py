"""Turning untrusted image bytes into an upright, metadata-free image and its thumbnail, or a
PDF's page into a PNG of it and its thumbnail. Any failure on the way is the image's own
(`UnusableImage`, with a reason for the person)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image

from jaryo_shared import pdf
from jaryo_shared.failures import FailureCode
from jaryo_shared.images import Decoded, decode, failing_as

# What each decoded format is stored as: lossy sources stay JPEG, the rest become lossless PNG.
STORED_FORMAT = {"JPEG": "JPEG", "HEIF": "JPEG", "MPO": "JPEG"}
DEFAULT_STORED_FORMAT = "PNG"
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
NOT_STORABLE = "the image could not be converted for storage; export it again as JPEG or PNG"


@dataclass(frozen=True)
class NormalisedImage:
    data: bytes
    media_type: str
    width: int
    height: int
    sha256: str
    thumbnail: bytes


def normalise(raw: bytes, *, max_pixels: int, thumbnail_size: int) -> NormalisedImage:
    """Raises UnusableImage. Keeps the full resolution; one decoded copy of the pixels is alive
    at a time (the thumbnail is made from it in place, after it was encoded)."""
    decoded = decode(raw, max_pixels=max_pixels)
    stored_format = STORED_FORMAT.get(decoded.format, DEFAULT_STORED_FORMAT)
    width, height = decoded.image.size
    with failing_as(NOT_STORABLE, FailureCode.IMAGE_NOT_STORABLE):
        data = _encode(decoded, stored_format)
        thumbnail = _thumbnail(decoded.image, thumbnail_size)
    return NormalisedImage(
        data=data,
        media_type=MEDIA_TYPES[stored_format],
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=thumbnail,
    )


def normalise_pdf_page(
    raw: bytes, page: int, *, max_pixels: int, thumbnail_size: int
) -> NormalisedImage:
    """Page `page` (from 1) of the PDF `raw`, rendered as OCR reads it (jaryo_shared.pdf), kept
    as PNG. Raises UnusableImage."""
    image = pdf.rendered_page(raw, page, max_pixels=min(max_pixels, pdf.MAX_PAGE_PIXELS))
    width, height = image.size
    with failing_as(NOT_STORABLE, FailureCode.IMAGE_NOT_STORABLE):
        data = _encode(Decoded(image, "PDF", scale=1.0, dpi=None, icc_profile=None), "PNG")
        thumbnail = _thumbnail(image, thumbnail_size)
    return NormalisedImage(
        data=data,
        media_type=MEDIA_TYPES["PNG"],
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=thumbnail,
    )


def _encode(decoded: Decoded, stored_format: str) -> bytes:
    """EXIF (and with it any GPS position) is not carried over; the colour profile is."""
    out = io.BytesIO()
    image = decoded.image  # L, LA, RGB or RGBA: PNG takes each as it is
    if stored_format == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    params: dict[str, object] = {"quality": 92} if stored_format == "JPEG" else {}
    if decoded.icc_profile:
        params["icc_profile"] = decoded.icc_profile
    image.save(out, stored_format, **params)
    return out.getvalue()


def _thumbnail(image: Image.Image, size: int) -> bytes:
    """Shrinks `image` itself: it is not needed at full size any more."""
    image.thumbnail((size, size))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80)
    return out.getvalue()
