"""Decoding untrusted image bytes into one upright, 8-bit image, the same way in the storage and
OCR services (so OCR boxes line up with the stored image), with every way a file can be bad
turned into `UnusableImage`: that image's failure, with a reason a person can act on.

Pixels are bounded before any is decoded: the header's size is checked against a limit, and a
caller that needs less (OCR) has JPEGs decoded at a reduced scale and anything else reduced right
after decoding, so one image costs a predictable amount of memory.
"""

from __future__ import annotations

import io
import logging
import math
import struct
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pillow_heif
from PIL import ExifTags, Image, UnidentifiedImageError

from jaryo_shared.failures import FailureCode

pillow_heif.register_heif_opener()

log = logging.getLogger(__name__)

# What the gateway accepts at the door; nothing else is even tried here (Pillow can open
# dozens of formats, some through outside programs). MPO (multi-picture JPEG) is opened by the
# JPEG opener.
ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", "HEIF")
_OPENERS = tuple(fmt for fmt in ACCEPTED_FORMATS if fmt != "MPO")

# What Pillow and its plugins raise for bytes they cannot make sense of.
BAD_DATA: tuple[type[Exception], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    ArithmeticError,
)

_AGAIN = "export it again as JPEG or PNG"
NOT_DECODABLE = (
    "the image could not be decoded: the file is damaged or cut short, or uses an encoding "
    f"we cannot read; {_AGAIN}"
)

# EXIF orientation → the transposition that makes the image upright (values 2–8; 1 is upright).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Colour spaces converted to RGB: a profile made for them would misdescribe the result.
FOREIGN_COLOUR_SPACES = ("CMYK", "LAB", "HSV", "YCbCr")


class UnusableImage(ValueError):
    """This image cannot be used. `reason` is for the person, `code` for programs (the app, the
    events' consumers), `detail` for the log."""

    def __init__(self, reason: str, detail: str = "", *, code: FailureCode) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # upright, first frame, mode L, LA, RGB or RGBA
    format: str  # as the bytes say: JPEG, PNG, HEIF, ...
    scale: float  # decoded width over the file's (below 1 when reduced)
    dpi: float | None  # the file's stated resolution, times `scale`; None if absent or absurd
    icc_profile: bytes | None  # the colour profile, if it still describes `image`


@contextmanager
def failing_as(reason: str, code: FailureCode) -> Iterator[None]:
    """Any error inside is this image's failure with `reason` and `code`. Bad data is expected
    of untrusted files; anything else is logged with its traceback, since it may be a defect of
    ours."""
    try:
        yield
    except UnusableImage:
        raise
    except BAD_DATA as exc:
        raise UnusableImage(reason, f"{type(exc).__name__}: {exc}", code=code) from exc
    except Exception as exc:
        log.warning("unexpected error on an image, failed as %r", reason, exc_info=True)
        raise UnusableImage(reason, f"{type(exc).__name__}: {exc}", code=code) from exc


def decode(raw: bytes, *, max_pixels: int, reduce_to: int | None = None) -> Decoded:
    """The upright first frame of `raw`. Refused if its header states more than `max_pixels`;
    if it has more than `reduce_to`, it is decoded (JPEG) or scaled down to about that many."""
    image = _open(raw)
    width, height = image.size
    _check_size(width, height, max_pixels)
    with failing_as(NOT_DECODABLE, FailureCode.IMAGE_DAMAGED):
        if reduce_to and width * height > reduce_to:
            # JPEG decodes at 1/2, 1/4 or 1/8 scale directly; other formats ignore this.
            image.draft(image.mode, _target(width, height, reduce_to))
        image.seek(0)  # animated GIF/WebP, multi-page TIFF: the first frame
        image.load()  # decodes every byte: a truncated file fails here
    fmt, info, mode = image.format or "", dict(image.info), image.mode
    orientation = _orientation(image)
    with failing_as(NOT_DECODABLE, FailureCode.IMAGE_DAMAGED):
        if reduce_to and image.width * image.height > reduce_to:
            image = _shrink(image, _target(image.width, image.height, reduce_to))
        if orientation in UPRIGHT:
            image = image.transpose(UPRIGHT[orientation])
    unconvertible = f"the image's colour format ({mode}) cannot be converted; {_AGAIN}"
    with failing_as(unconvertible, FailureCode.IMAGE_COLOUR_FORMAT):
        image = _eight_bit(image)
    scale = max(image.size) / max(width, height)
    return Decoded(
        image=image,
        format=fmt,
        scale=scale,
        dpi=_dpi(info, scale),
        icc_profile=None if mode in FOREIGN_COLOUR_SPACES else _bytes(info.get("icc_profile")),
    )


def _open(raw: bytes) -> Image.Image:
    """Reads the header only: no pixel is decoded yet."""
    if not raw:
        raise UnusableImage("the file is empty", code=FailureCode.IMAGE_EMPTY)
    damaged = f"the image could not be decoded: its header is damaged; {_AGAIN}"
    with failing_as(damaged, FailureCode.IMAGE_DAMAGED):
        try:
            return Image.open(io.BytesIO(raw), formats=_OPENERS)
        except UnidentifiedImageError as exc:
            raise UnusableImage(
                "the file is not an image in a format we accept "
                "(JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC)",
                str(exc),
                code=FailureCode.IMAGE_FORMAT_NOT_ACCEPTED,
            ) from exc
        except Image.DecompressionBombError as exc:
            raise UnusableImage(
                "the image has far more pixels than we can decode safely; "
                "scale it down and upload it again",
                str(exc),
                code=FailureCode.IMAGE_TOO_LARGE,
            ) from exc


def _check_size(width: int, height: int, max_pixels: int) -> None:
    if width < 1 or height < 1:
        raise UnusableImage(
            f"the image could not be decoded: its header gives it no size; {_AGAIN}",
            f"{width}x{height}",
            code=FailureCode.IMAGE_DAMAGED,
        )
    if width * height > max_pixels:
        raise UnusableImage(
            f"the image is {width}x{height} pixels, more than the {max_pixels:,} pixels "
            "allowed; scale it down and upload it again",
            code=FailureCode.IMAGE_TOO_LARGE,
        )


def _target(width: int, height: int, pixels: int) -> tuple[int, int]:
    """The size with about `pixels` pixels and the same shape."""
    factor = math.sqrt(pixels / (width * height))
    return max(1, math.floor(width * factor)), max(1, math.floor(height * factor))


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Box-reduced by a whole factor in one pass first (a plain resample would hold a
    full-height intermediate as large as the result again), then resampled the rest of the way.
    16-bit greys cannot be box-reduced and take the plain resample."""
    gap = None if image.mode.startswith("I;16") else 1.0
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=gap)


def _orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation, or 1 when there is none or it cannot be read. A malformed
    metadata block is not a reason to lose the picture: it is kept as the pixels are stored,
    which is also how any viewer that ignores the metadata shows it."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except BAD_DATA as exc:
        log.info("orientation data is malformed, keeping the image as stored: %s", exc)
        return 1
    except Exception:
        log.warning("unexpected error reading the orientation, kept as stored", exc_info=True)
        return 1
    return value if isinstance(value, int) and value in UPRIGHT else 1


def _eight_bit(image: Image.Image) -> Image.Image:
    """One of L, LA, RGB or RGBA, with deep greys (16-bit scans, float TIFFs) scaled down
    rather than clipped: Pillow's own conversion turns every value above 255 white."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if mode.startswith("I") or mode == "F":
        return _deep_grey(image)
    if mode in ("P", "PA"):
        transparent = mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if transparent else "RGB")
    if mode in ("1", "La"):
        return image.convert("L" if mode == "1" else "LA")
    if mode in ("RGBa", "RGBX"):
        return image.convert("RGBA" if mode == "RGBa" else "RGB")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV


def _deep_grey(image: Image.Image) -> Image.Image:
    if image.mode != "F":
        image = image.convert("I")
    high = float(image.getextrema()[1])  # type: ignore[arg-type]
    if image.mode == "I" and high <= 65535:  # 8- or 16-bit values: one table, no float copy
        shift = 8 if high > 255 else 0
        return image.point([min(value >> shift, 255) for value in range(65536)], "L")
    factor = 255.0 if high <= 1 else 255 / high  # floats as fractions of white, or 32-bit ints
    return image.point(lambda value: value * factor).convert("L")


def _dpi(info: Mapping[Any, object], scale: float) -> float | None:
    stated = info.get("dpi")
    try:
        dpi = float(stated[0]) * scale  # type: ignore[index]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return dpi if math.isfinite(dpi) and 0 < dpi < 100_000 else None


def _bytes(value: object) -> bytes | None:
    return value if isinstance(value, bytes) and value else None
