"""Damaged and unusual image files for the fuzz tests, made deterministically from a seed: bit
flips, truncation, bad EXIF / ICC / XMP chunks, wrong CRCs, bogus dimensions in headers, and
HEIC and TIFF edge cases. Each is small (64x48 before damage), so reading it is quick."""

from __future__ import annotations

import io
import random
import struct
import zlib
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

WIDTH, HEIGHT = 64, 48


@dataclass(frozen=True)
class Mutant:
    name: str
    data: bytes
    filename: str


def picture(mode: str = "RGB", size: tuple[int, int] = (WIDTH, HEIGHT)) -> Image.Image:
    """A small picture with some structure (a bar and a box), so codecs have something to
    compress and a damaged byte lands in real data."""
    image = Image.new("RGB", size, "white")
    if size[0] >= WIDTH and size[1] >= HEIGHT:
        draw = ImageDraw.Draw(image)
        draw.rectangle((4, 4, size[0] - 5, 12), fill="navy")
        draw.rectangle((8, 20, size[0] // 2, size[1] - 6), outline="darkred", width=3)
    return image.convert(mode)


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def good_images() -> list[Mutant]:
    """Ordinary, valid files of every accepted format."""
    return [
        Mutant("good-png", encode(picture(), "PNG"), "good.png"),
        Mutant("good-jpeg", encode(picture(), "JPEG", quality=90), "good.jpg"),
        Mutant("good-webp", encode(picture(), "WEBP"), "good.webp"),
        Mutant("good-heic", encode(picture(), "HEIF"), "good.heic"),
        Mutant("good-tiff", encode(picture(), "TIFF"), "good.tif"),
        Mutant("good-gif", encode(picture("P"), "GIF"), "good.gif"),
        Mutant("good-bmp", encode(picture(), "BMP"), "good.bmp"),
    ]


# PNG chunks, built with a correct CRC unless told otherwise.


def png_chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_with_chunk(kind: bytes, data: bytes, base: bytes | None = None) -> bytes:
    """A valid PNG with one extra chunk just before its image data."""
    raw = base or encode(picture(), "PNG")
    at = raw.index(b"IDAT") - 4
    return raw[:at] + png_chunk(kind, data) + raw[at:]


def malformed_exif_png() -> bytes:
    """The file of issue 12, finding 2: an eXIf chunk whose content is not a TIFF header.
    Pillow decodes the pixels and raises SyntaxError from `getexif()`."""
    return png_with_chunk(b"eXIf", b"garbage!!")


def _png_with_ihdr(width: int, height: int, crc: int | None = None) -> bytes:
    raw = encode(picture(), "PNG")
    ihdr = bytearray(raw[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    return raw[:8] + png_chunk(b"IHDR", bytes(ihdr), crc) + raw[33:]


def _exif(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """A little-endian TIFF header and one IFD: (tag, type, count, 4-byte value) each."""
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0")
    return b"II*\x00\x08\x00\x00\x00" + ifd + b"\0\0\0\0"


def _orientation(value: int) -> bytes:
    return _exif([(0x0112, 3, 1, struct.pack("<H", value))])


def _jpeg_with_app(marker: int, payload: bytes) -> bytes:
    raw = encode(picture(), "JPEG", quality=90)
    segment = struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    return raw[:2] + segment + raw[2:]


def _jpeg_with_sof_size(width: int, height: int) -> bytes:
    raw = bytearray(encode(picture(), "JPEG", quality=90))
    at = raw.index(b"\xff\xc0") + 5  # SOF0: length (2), precision (1), height (2), width (2)
    raw[at : at + 4] = struct.pack(">HH", height, width)
    return bytes(raw)


def _bmp_with_size(width: int, height: int) -> bytes:
    raw = bytearray(encode(picture(), "BMP"))
    raw[18:26] = struct.pack("<ii", width, height)
    return bytes(raw)


def _gif_with_size(width: int, height: int) -> bytes:
    raw = bytearray(encode(picture("P"), "GIF"))
    raw[6:10] = struct.pack("<HH", width, height)
    return bytes(raw)


def _tiff_tag_patched(tag: int, value: int, base: bytes | None = None) -> bytes:
    """A little-endian TIFF with one SHORT/LONG tag of its first IFD set to `value`."""
    raw = bytearray(base or encode(picture(), "TIFF"))
    (ifd,) = struct.unpack_from("<I", raw, 4)
    (count,) = struct.unpack_from("<H", raw, ifd)
    for n in range(count):
        at = ifd + 2 + 12 * n
        entry_tag, kind = struct.unpack_from("<HH", raw, at)
        if entry_tag == tag:
            packed = struct.pack("<H", value) if kind == 3 else struct.pack("<I", value)
            raw[at + 8 : at + 8 + len(packed)] = packed
            return bytes(raw)
    raise ValueError(f"no tag {tag}")


def _heic_with_exif(exif: bytes) -> bytes:
    return encode(picture(), "HEIF", exif=exif)


def _sixteen_bit_heic() -> bytes:
    heif = pillow_heif.from_bytes(
        mode="RGB;16",
        size=(WIDTH, HEIGHT),
        data=bytes(range(256)) * (WIDTH * HEIGHT * 6 // 256),
    )
    out = io.BytesIO()
    heif.save(out, quality=-1)
    return out.getvalue()


def _animated(fmt: str) -> bytes:
    frames = [picture(), picture().rotate(90), picture().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=50)


def _structural() -> list[tuple[str, bytes, str]]:
    """Files damaged in a known place, or valid but unusual."""
    png = encode(picture(), "PNG")
    xmp = b"XML:com.adobe.xmp\0\0\0\0\0"
    return [
        ("png-exif-garbage", malformed_exif_png(), "png"),
        ("png-exif-empty", png_with_chunk(b"eXIf", b""), "png"),
        ("png-exif-ifd-beyond-end", png_with_chunk(b"eXIf", b"II*\0\xff\xff\xff\x00"), "png"),
        ("png-exif-orientation-9", png_with_chunk(b"eXIf", _orientation(9)), "png"),
        ("png-exif-orientation-6", png_with_chunk(b"eXIf", _orientation(6)), "png"),
        (
            "png-exif-orientation-ascii",
            png_with_chunk(b"eXIf", _exif([(0x0112, 2, 9, b"\xff\xff\xff\x0f")])),
            "png",
        ),
        (
            "png-exif-count-huge",
            png_with_chunk(b"eXIf", _exif([(0x0110, 2, 0x0FFFFFFF, b"\x10\0\0\0")])),
            "png",
        ),
        (
            "png-exif-gps-garbage",
            png_with_chunk(b"eXIf", _exif([(0x8825, 4, 1, b"\xf0\xff\xff\x00")])),
            "png",
        ),
        (
            "png-iccp-garbage",
            png_with_chunk(b"iCCP", b"icc\0\0" + zlib.compress(b"not a profile")),
            "png",
        ),
        ("png-iccp-not-zlib", png_with_chunk(b"iCCP", b"icc\0\0not zlib at all"), "png"),
        (
            "png-xmp-orientation-7",
            png_with_chunk(b"iTXt", xmp + b'<x tiff:Orientation="7"/>'),
            "png",
        ),
        (
            "png-xmp-orientation-0",
            png_with_chunk(b"iTXt", xmp + b"<tiff:Orientation>0</tiff:Orientation>"),
            "png",
        ),
        ("png-xmp-not-utf8", png_with_chunk(b"iTXt", xmp + b"\xff\xfe\xfd"), "png"),
        (
            "png-ztxt-bomb",
            png_with_chunk(b"zTXt", b"k\0\0" + zlib.compress(b"a" * 20_000_000)),
            "png",
        ),
        ("png-ihdr-bad-crc", _png_with_ihdr(WIDTH, HEIGHT, crc=0), "png"),
        ("png-idat-bad-crc", png[:-20] + b"\0\0\0\0" + png[-16:], "png"),
        ("png-ihdr-zero-width", _png_with_ihdr(0, HEIGHT), "png"),
        ("png-ihdr-taller", _png_with_ihdr(WIDTH, 4000), "png"),
        ("png-ihdr-bomb", _png_with_ihdr(60_000, 60_000), "png"),
        ("png-ihdr-one-row", _png_with_ihdr(WIDTH * HEIGHT, 1), "png"),
        ("png-no-iend", png[:-12], "png"),
        ("png-16-bit-grey", encode(picture("I;16"), "PNG"), "png"),
        ("png-palette-transparent", encode(picture("P"), "PNG", transparency=0), "png"),
        ("png-one-pixel", encode(picture(size=(1, 1)), "PNG"), "png"),
        ("png-one-by-3000", encode(picture(size=(1, 3000)), "PNG"), "png"),
        ("apng", _animated("PNG"), "png"),
        ("jpeg-exif-garbage", _jpeg_with_app(0xE1, b"Exif\0\0garbage!!"), "jpg"),
        ("jpeg-exif-orientation-6", _jpeg_with_app(0xE1, b"Exif\0\0" + _orientation(6)), "jpg"),
        (
            "jpeg-exif-orientation-65535",
            _jpeg_with_app(0xE1, b"Exif\0\0" + _orientation(65535)),
            "jpg",
        ),
        ("jpeg-icc-garbage", _jpeg_with_app(0xE2, b"ICC_PROFILE\0\x01\x01garbage"), "jpg"),
        ("jpeg-icc-chunk-3-of-2", _jpeg_with_app(0xE2, b"ICC_PROFILE\0\x03\x02garbage"), "jpg"),
        (
            "jpeg-xmp-garbage",
            _jpeg_with_app(0xE1, b"http://ns.adobe.com/xap/1.0/\0\xff\xfe<"),
            "jpg",
        ),
        ("jpeg-sof-zero-size", _jpeg_with_sof_size(0, 0), "jpg"),
        ("jpeg-sof-bomb", _jpeg_with_sof_size(65_000, 65_000), "jpg"),
        ("jpeg-sof-bigger", _jpeg_with_sof_size(640, 480), "jpg"),
        ("jpeg-cmyk", encode(picture("CMYK"), "JPEG"), "jpg"),
        ("bmp-negative-size", _bmp_with_size(-WIDTH, -HEIGHT), "bmp"),
        ("bmp-bomb", _bmp_with_size(50_000, 50_000), "bmp"),
        ("gif-screen-bigger", _gif_with_size(5000, 5000), "gif"),
        ("gif-animated", _animated("GIF"), "gif"),
        ("webp-animated", _animated("WEBP"), "webp"),
        ("webp-lossless-alpha", encode(picture("RGBA"), "WEBP", lossless=True), "webp"),
        ("tiff-16-bit-grey", encode(picture("I;16"), "TIFF"), "tif"),
        ("tiff-float", encode(picture("F"), "TIFF"), "tif"),
        ("tiff-cmyk", encode(picture("CMYK"), "TIFF"), "tif"),
        ("tiff-lab", encode(picture("LAB"), "TIFF"), "tif"),
        ("tiff-one-bit", encode(picture("1"), "TIFF"), "tif"),
        ("tiff-lzw", encode(picture(), "TIFF", compression="tiff_lzw"), "tif"),
        ("tiff-jpeg", encode(picture(), "TIFF", compression="jpeg"), "tif"),
        (
            "tiff-orientation-8",
            _tiff_tag_patched(0x0112, 8, encode(picture(), "TIFF", exif=_orientation(1))),
            "tif",
        ),
        (
            "tiff-orientation-0",
            _tiff_tag_patched(0x0112, 0, encode(picture(), "TIFF", exif=_orientation(1))),
            "tif",
        ),
        ("tiff-width-huge", _tiff_tag_patched(0x0100, 0xFFFF), "tif"),
        ("tiff-strip-offset-beyond", _tiff_tag_patched(0x0111, 0x7FFFFFF0), "tif"),
        ("tiff-bits-12", _tiff_tag_patched(0x0102, 12, encode(picture("L"), "TIFF")), "tif"),
        ("tiff-compression-unknown", _tiff_tag_patched(0x0103, 0x7777), "tif"),
        ("tiff-multipage", _animated("TIFF"), "tif"),
        ("heic-exif-garbage", _heic_with_exif(b"Exif\0\0garbage!!"), "heic"),
        ("heic-exif-orientation-6", _heic_with_exif(b"Exif\0\0" + _orientation(6)), "heic"),
        ("heic-16-bit", _sixteen_bit_heic(), "heic"),
        ("heic-alpha", encode(picture("RGBA"), "HEIF"), "heic"),
        ("heic-truncated", encode(picture(), "HEIF")[:400], "heic"),
    ]


def _flip_bits(data: bytes, rnd: random.Random, flips: int) -> bytes:
    mutable = bytearray(data)
    for _ in range(flips):
        at = rnd.randrange(len(mutable))
        mutable[at] ^= 1 << rnd.randrange(8)
    return bytes(mutable)


def _random(rnd: random.Random, count: int) -> list[tuple[str, bytes, str]]:
    """Bit flips (past the first bytes, so the format is still recognised) and truncations of
    good files of every format."""
    bases = [(good.name.removeprefix("good-"), good.data) for good in good_images()]
    extensions = {
        "png": "png",
        "jpeg": "jpg",
        "webp": "webp",
        "heic": "heic",
        "tiff": "tif",
        "gif": "gif",
        "bmp": "bmp",
    }
    made: list[tuple[str, bytes, str]] = []
    for n in range(count):
        fmt, data = bases[n % len(bases)]
        if n % 3 == 2:
            cut = rnd.randrange(len(data) // 4, len(data) - 1)
            made.append((f"{fmt}-truncated-{cut}", data[:cut], extensions[fmt]))
        else:
            flips = rnd.choice((1, 2, 8, 32))
            head, body = data[:16], data[16:]
            mutated = head + _flip_bits(body, rnd, flips)
            made.append((f"{fmt}-flipped-{flips}-{n}", mutated, extensions[fmt]))
    return made


def mutants(seed: int = 12, random_count: int = 28) -> list[Mutant]:
    """Every structural case, then `random_count` random bit flips and truncations."""
    rnd = random.Random(seed)
    cases = _structural() + _random(rnd, random_count)
    return [Mutant(name, data, f"{name}.{extension}") for name, data, extension in cases]
