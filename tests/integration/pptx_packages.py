"""Hostile and broken .pptx packages for the template and deck tests, made from the clean
built-in template by editing its zip: what an attacker or a careless tool would send."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable

from jaryo_shared.templates import BUILTIN

MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
MACRO_MAIN = b"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
SLIDESHOW_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml"
CONTENT_TYPES = "[Content_Types].xml"
PRESENTATION_RELS = "ppt/_rels/presentation.xml.rels"
SLIDE_RELS = "ppt/slides/_rels/slide1.xml.rels"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

Change = Callable[[str, bytes], bytes]


def clean() -> bytes:
    return BUILTIN["clean"].pptx_path.read_bytes()


def rezip(
    change: Change | None = None,
    extra: tuple[tuple[str, bytes], ...] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(clean()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(item.filename, data) if change else data)
        for name, data in extra:
            target.writestr(name, data)
    return out.getvalue()


def _in(part: str, old: bytes, new: bytes) -> Change:
    def change(name: str, data: bytes) -> bytes:
        return data.replace(old, new) if name == part else data

    return change


def _both(*changes: Change) -> Change:
    def change(name: str, data: bytes) -> bytes:
        for one in changes:
            data = one(name, data)
        return data

    return change


def _relationship(part: str, rel_id: str, kind: str, target: str) -> Change:
    rel = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"/>'.encode()
    return _in(part, b"</Relationships>", rel + b"</Relationships>")


def _content_type(entry: bytes) -> Change:
    return _in(CONTENT_TYPES, b"</Types>", entry + b"</Types>")


def macro_enabled_main() -> bytes:
    """A .pptm: the main part typed macro-enabled, with its VBA project."""
    return rezip(
        _both(
            _in(CONTENT_TYPES, MAIN, MACRO_MAIN),
            _relationship(PRESENTATION_RELS, "rId90", VBA_REL, "vbaProject.bin"),
            _content_type(
                b'<Override PartName="/ppt/vbaProject.bin" '
                b'ContentType="application/vnd.ms-office.vbaProject"/>'
            ),
        ),
        extra=(("ppt/vbaProject.bin", b"\x00" * 64),),
    )


def slideshow_with_dummy_override() -> bytes:
    """A slide show (.ppsx) whose [Content_Types].xml also names the pptx main type, for a part
    that does not exist: the string is there, the main part is not a presentation."""
    return rezip(
        _both(
            _in(CONTENT_TYPES, MAIN, SLIDESHOW_MAIN),
            _content_type(b'<Override PartName="/ppt/dummy.xml" ContentType="' + MAIN + b'"/>'),
        )
    )


def macro_main_with_dummy_override() -> bytes:
    """A .pptm without its VBA part, whose [Content_Types].xml also names the pptx main type for
    a part that does not exist: a substring test for that type passes it."""
    return rezip(
        _both(
            _in(CONTENT_TYPES, MAIN, MACRO_MAIN),
            _content_type(b'<Override PartName="/ppt/dummy.xml" ContentType="' + MAIN + b'"/>'),
        )
    )


def vba_renamed_as_media() -> bytes:
    """A VBA project under an innocent name, typed by extension as plain bytes; only its
    relationship says what it is."""
    return rezip(
        _relationship(PRESENTATION_RELS, "rId90", VBA_REL, "media/img9.bin"),
        extra=(("ppt/media/img9.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60),),
    )


def activex_control() -> bytes:
    return rezip(
        _both(
            _relationship(SLIDE_RELS, "rId90", OFFICE_REL + "control", "../activeX/activeX1.xml"),
            _content_type(
                b'<Override PartName="/ppt/activeX/activeX1.xml" '
                b'ContentType="application/vnd.ms-office.activeX+xml"/>'
            ),
        ),
        extra=(("ppt/activeX/activeX1.xml", b"<ax:ocx xmlns:ax='urn:x'/>"),),
    )


def ole_object() -> bytes:
    """An OLE object dressed as a picture: only its relationship type gives it away."""
    return rezip(
        _both(
            _relationship(SLIDE_RELS, "rId90", OFFICE_REL + "oleObject", "../embeddings/a.png"),
            _content_type(b'<Override PartName="/ppt/embeddings/a.png" ContentType="image/png"/>'),
        ),
        extra=(("ppt/embeddings/a.png", b"\xd0\xcf\x11\xe0" + b"\x00" * 60),),
    )


def slide_bomb(megabytes: int = 35) -> bytes:
    """A slide part that unpacks to `megabytes` MB of XML, zipped to ~100 KB: millions of
    tiny elements, which a parser holds as millions of nodes."""
    count = megabytes * 1000 * 1000 // 6
    padding = b'<x:y xmlns:x="urn:x">' + b"<x:z/>" * count + b"</x:y>"
    return rezip(_in("ppt/slides/slide1.xml", b"</p:sld>", padding + b"</p:sld>"))


def many_parts(count: int = 100_000) -> bytes:
    """More parts than any template needs, each nearly empty."""
    return rezip(extra=tuple((f"ppt/junk/{n}.xml", b"") for n in range(count)))


def big_media(size: int = 19 * 1000 * 1000) -> bytes:
    """A legitimate large template: an incompressible picture of `size` bytes beside the
    slides."""
    return rezip(
        _content_type(b'<Override PartName="/ppt/media/photo.png" ContentType="image/png"/>'),
        extra=(("ppt/media/photo.png", os.urandom(size)),),
        compression=zipfile.ZIP_STORED,
    )


def bad_crc(part: str = PRESENTATION_RELS) -> bytes:
    """A part's CRC in both zip headers no longer matches its bytes."""
    data = bytearray(rezip())
    for signature, offset, name_at in ((b"PK\x03\x04", 14, 30), (b"PK\x01\x02", 16, 46)):
        at = data.find(signature)
        while at >= 0:
            length_at = name_at - (4 if signature == b"PK\x03\x04" else 18)
            length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
            if bytes(data[at + name_at : at + name_at + length]) == part.encode():
                data[at + offset] ^= 0xFF
            at = data.find(signature, at + 1)
    return bytes(data)


def unknown_compression(part: str = PRESENTATION_RELS) -> bytes:
    """A part claims compression method 99, which no .pptx reader knows."""
    data = bytearray(rezip())
    for signature, method_at, name_at in ((b"PK\x03\x04", 8, 30), (b"PK\x01\x02", 10, 46)):
        at = data.find(signature)
        while at >= 0:
            length_at = name_at - (4 if signature == b"PK\x03\x04" else 18)
            length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
            if bytes(data[at + name_at : at + name_at + length]) == part.encode():
                data[at + method_at : at + method_at + 2] = (99).to_bytes(2, "little")
            at = data.find(signature, at + 1)
    return bytes(data)


def unknown_placeholder_type() -> bytes:
    """Layouts whose placeholders have a type python-pptx has no mapping for. It opens the file
    and lists the layouts (so the upload check passes) but cannot add a slide on them."""

    def change(name: str, data: bytes) -> bytes:
        if name.startswith("ppt/slideLayouts/slideLayout") and name.endswith(".xml"):
            return data.replace(b'type="dt"', b'type="watermark"')
        return data

    return rezip(change)
