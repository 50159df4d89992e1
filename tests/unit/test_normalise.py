"""The storage service's image normalisation, on images made in the test."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from storage_service.normalise import ImageRejected, normalise

LIMITS = {"max_pixels": 10_000_000, "thumbnail_size": 512}


def _jpeg_rotated_by_exif(width: int, height: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0)}  # a GPS position that must not survive
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_exif_rotation_is_applied_and_metadata_dropped():
    result = normalise(_jpeg_rotated_by_exif(300, 100), **LIMITS)
    assert (result.width, result.height) == (100, 300)
    stored = Image.open(io.BytesIO(result.data))
    assert stored.size == (100, 300)
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert result.media_type == "image/jpeg"


def test_thumbnail_is_webp_within_512px():
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), "blue").save(out, "PNG")
    result = normalise(out.getvalue(), **LIMITS)
    thumb = Image.open(io.BytesIO(result.thumbnail))
    assert thumb.format == "WEBP" and thumb.size == (512, 256)


def test_truncated_file_is_rejected_with_a_reason():
    out = io.BytesIO()
    Image.effect_noise((400, 400), 50).convert("RGB").save(out, "JPEG")
    with pytest.raises(ImageRejected, match="could not be decoded"):
        normalise(out.getvalue()[: len(out.getvalue()) // 2], **LIMITS)


def test_too_many_pixels_is_rejected_before_decoding():
    out = io.BytesIO()
    Image.new("1", (4000, 3000)).save(out, "PNG")
    with pytest.raises(ImageRejected, match="pixels"):
        normalise(out.getvalue(), **LIMITS)


@pytest.mark.parametrize("data", [b"", b"hello, this is text", b"\x89PNG\r\n\x1a\n"])
def test_non_images_are_rejected(data):
    with pytest.raises(ImageRejected):
        normalise(data, **LIMITS)
