"""Decoding untrusted images (jaryo_shared.images) as the storage service keeps them and the OCR
service reads them, on images made in the test."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from jaryo_shared.images import UnusableImage
from ocr_service.images import load
from storage_service.normalise import normalise
from tests.image_mutants import good_images, malformed_exif_png, mutants

LIMITS = {"max_pixels": 10_000_000, "thumbnail_size": 512}
READ = {"max_pixels": 10_000_000, "read_pixels": 1_000_000}


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
    with pytest.raises(UnusableImage, match="could not be decoded: the file is damaged"):
        normalise(out.getvalue()[: len(out.getvalue()) // 2], **LIMITS)


def test_too_many_pixels_is_rejected_before_decoding_with_the_limit():
    out = io.BytesIO()
    Image.new("1", (4000, 3000)).save(out, "PNG")
    with pytest.raises(UnusableImage, match="4000x3000 pixels, more than the 10,000,000"):
        normalise(out.getvalue(), **LIMITS)


@pytest.mark.parametrize("data", [b"", b"hello, this is text", b"\x89PNG\r\n\x1a\n"])
def test_non_images_are_rejected(data):
    with pytest.raises(UnusableImage):
        normalise(data, **LIMITS)


def test_a_format_the_door_does_not_accept_is_not_even_tried():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PCX")
    with pytest.raises(UnusableImage, match="not an image in a format we accept"):
        normalise(out.getvalue(), **LIMITS)


def test_malformed_exif_keeps_the_picture_unrotated_in_storage_and_ocr_alike():
    raw = malformed_exif_png()
    with pytest.raises(SyntaxError):  # what made both services raise before
        Image.open(io.BytesIO(raw)).getexif()

    stored = normalise(raw, **LIMITS)
    read = load(raw, **READ)
    assert (stored.width, stored.height) == (read.width, read.height) == (64, 48)


def test_a_sixteen_bit_scan_keeps_its_tones_instead_of_turning_white():
    scan = Image.new("I;16", (64, 48))
    scan.putdata([(x * 1000) % 65536 for x in range(64 * 48)])
    out = io.BytesIO()
    scan.save(out, "PNG")

    stored = Image.open(io.BytesIO(normalise(out.getvalue(), **LIMITS).data))
    read = load(out.getvalue(), **READ).image
    for image in (stored, read):
        low, high = image.convert("L").getextrema()
        assert low == 0 and high >= 250  # with Pillow's own conversion: everything above 0 is 255
        assert len(set(image.convert("L").get_flattened_data())) > 200


def test_ocr_reads_a_large_image_scaled_down_with_its_resolution():
    out = io.BytesIO()
    Image.new("RGB", (4000, 1000), "white").save(out, "JPEG", dpi=(600, 600))

    read = load(out.getvalue(), **READ)

    assert read.width * read.height <= 1_000_000 and read.width == 4 * read.height
    assert read.dpi == round(600 * read.width / 4000)
    assert normalise(out.getvalue(), **LIMITS).width == 4000  # storage keeps every pixel


def test_a_cmyk_profile_is_not_attached_to_the_rgb_copy():
    out = io.BytesIO()
    Image.new("CMYK", (32, 32)).save(out, "JPEG", icc_profile=b"cmyk profile")
    stored = Image.open(io.BytesIO(normalise(out.getvalue(), **LIMITS).data))
    assert stored.mode == "RGB" and "icc_profile" not in stored.info


@pytest.mark.parametrize("image", good_images() + mutants(), ids=lambda m: m.name)
def test_any_file_is_kept_or_rejected_with_a_reason_never_an_error(image):
    """The fuzz set of the integration test, without the servers: nothing but UnusableImage."""
    for attempt in (
        lambda: normalise(image.data, **LIMITS),
        lambda: load(image.data, **READ),
    ):
        try:
            attempt()
        except UnusableImage as exc:
            assert exc.reason and "tesseract" not in exc.reason.lower()


@pytest.mark.parametrize("fmt", ["HEIF", "JPEG", "PNG"])
def test_ocr_gets_an_image_detached_from_its_file(fmt):
    """tesserocr re-encodes an image in its `format`: Tesseract cannot read HEIF."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, fmt)
    assert load(out.getvalue(), **READ).image.format is None
