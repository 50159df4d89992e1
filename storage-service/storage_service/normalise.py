"""Turning untrusted image bytes into an upright, metadata-free image and its thumbnail."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps

pillow_heif.register_heif_opener()

# What each decoded format is stored as: lossy sources stay JPEG, the rest become lossless PNG.
STORED_FORMAT = {"JPEG": "JPEG", "HEIF": "JPEG", "MPO": "JPEG"}
DEFAULT_STORED_FORMAT = "PNG"
MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class ImageRejected(ValueError):
    """The bytes are not an image we can keep; the message says why, for the person."""


@dataclass(frozen=True)
class NormalisedImage:
    data: bytes
    media_type: str
    width: int
    height: int
    sha256: str
    thumbnail: bytes


def normalise(raw: bytes, *, max_pixels: int, thumbnail_size: int) -> NormalisedImage:
    image = _decode(raw, max_pixels)
    upright = ImageOps.exif_transpose(image)
    stored_format = STORED_FORMAT.get(image.format or "", DEFAULT_STORED_FORMAT)
    data = _encode(upright, stored_format)
    return NormalisedImage(
        data=data,
        media_type=MEDIA_TYPES[stored_format],
        width=upright.width,
        height=upright.height,
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail=_thumbnail(upright, thumbnail_size),
    )


def _decode(raw: bytes, max_pixels: int) -> Image.Image:
    if not raw:
        raise ImageRejected("the file is empty")
    try:
        image = Image.open(io.BytesIO(raw))
        width, height = image.size
        if width * height > max_pixels:
            raise ImageRejected(f"{width}x{height} pixels is more than the {max_pixels} allowed")
        image.seek(0)  # animated GIF/WebP: the first frame
        image.load()  # decodes every byte: a truncated file fails here
    except ImageRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRejected(f"the image is too large to decode safely: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected(f"the image could not be decoded: {exc}") from exc
    return image


def _encode(image: Image.Image, stored_format: str) -> bytes:
    out = io.BytesIO()
    if stored_format == "JPEG":
        # EXIF (and with it any GPS position) is not carried over; the colour profile is.
        image.convert("RGB").save(
            out, "JPEG", quality=92, icc_profile=image.info.get("icc_profile")
        )
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        image.save(out, "PNG", icc_profile=image.info.get("icc_profile"))
    return out.getvalue()


def _thumbnail(image: Image.Image, size: int) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((size, size))
    if thumb.mode not in ("RGB", "RGBA"):
        thumb = thumb.convert("RGBA" if "A" in thumb.mode else "RGB")
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=80)
    return out.getvalue()
