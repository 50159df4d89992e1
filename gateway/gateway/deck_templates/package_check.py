"""`python -m gateway.deck_templates.package_check FILE LIMITS`: check one uploaded template in a
process of its own, under an address-space limit, and print the verdict as one JSON line.

A template is a zip, and a small zip can unpack to far more than it declares: every part is
streamed and its decompressed bytes counted (the sizes the zip declares prove nothing), then
python-pptx opens it. Both happen here, so a bomb costs this child its memory limit and the
gateway nothing (gateway/deck_templates/checks.py runs it)."""

from __future__ import annotations

import json
import resource
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jaryo_shared.templates.package import CONTENT_TYPES_PART, UnsafePackage, check_package

CHUNK = 64 * 1024
# A stored .pptx names a few hundred parts; the end-of-central-directory record says how many
# before zipfile builds an object per entry.
EOCD = b"PK\x05\x06"


def inspect(path: Path, limits: dict[str, int]) -> dict[str, Any]:
    _count_entries(path, limits["max_parts"])
    try:
        with zipfile.ZipFile(path) as package:
            kept = _unpack_counted(package, limits)
            check_package(package, kept.__getitem__)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnsafePackage(f"the file is not a readable .pptx: {exc}") from None
    return _open(path)


def _count_entries(path: Path, max_parts: int) -> None:
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - 65_557))  # the record (22 bytes) plus the longest zip comment
        tail = f.read()
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) < at + 22:
        raise UnsafePackage("the file is not a .pptx (not a zip package)")
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    if entries > max_parts:  # 0xFFFF (zip64) is more than any limit we set
        raise UnsafePackage(f"the package has more than {max_parts} parts")


def _unpack_counted(package: zipfile.ZipFile, limits: dict[str, int]) -> dict[str, bytes]:
    """Stream every part once, counting what it really unpacks to (and checking its CRC); keep
    the content types and relationships, which the package check reads."""
    names = [info.filename for info in package.infolist()]
    if len(names) != len(set(names)):
        raise UnsafePackage("the package names a part twice; it is malformed")
    unpacked, kept = _Unpacked(limits), {}
    for info in package.infolist():
        if not info.is_dir():
            data = _read_part(package, info, unpacked)
            if _is_kept(info.filename):
                kept[info.filename] = data
    if CONTENT_TYPES_PART not in kept:
        raise UnsafePackage("the file is not a .pptx: it has no [Content_Types].xml")
    return kept


def _is_kept(name: str) -> bool:
    return name.endswith(".rels") or name == CONTENT_TYPES_PART


@dataclass
class _Unpacked:
    """What the parts read so far unpack to, held to the package-wide limits."""

    limits: dict[str, int]
    total: int = 0
    markup: int = 0

    def count(self, size: int, markup: bool) -> None:
        if markup:
            self.markup += size
            if self.markup > self.limits["max_xml_bytes"]:
                raise UnsafePackage(
                    f"the package holds more than {self.limits['max_xml_bytes']} bytes of XML"
                )
        self.total += size
        if self.total > self.limits["max_unpacked_bytes"]:
            raise UnsafePackage(
                f"the package unpacks to more than {self.limits['max_unpacked_bytes']} bytes"
            )


def _read_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: _Unpacked) -> bytes:
    """One part, streamed and counted; its bytes if the package check reads it, else b""."""
    name = info.filename
    markup = name.endswith((".xml", ".rels")) or name == CONTENT_TYPES_PART
    cap = unpacked.limits["max_xml_part_bytes"] if markup else unpacked.limits["max_part_bytes"]
    size, chunks = 0, []
    try:
        with package.open(info) as part:
            while chunk := part.read(CHUNK):
                size += len(chunk)
                if size > cap:
                    raise UnsafePackage(f"the part {name} unpacks to more than {cap} bytes")
                unpacked.count(len(chunk), markup)
                if _is_kept(name):
                    chunks.append(chunk)
    except NotImplementedError:
        raise UnsafePackage(
            f"the part {name} uses a compression method a .pptx does not (only stored and "
            "deflate are allowed)"
        ) from None
    except RuntimeError as exc:  # encrypted parts
        raise UnsafePackage(f"the part {name} cannot be read: {exc}") from None
    return b"".join(chunks)


def _open(path: Path) -> dict[str, Any]:
    from pptx import Presentation  # here: only this child ever holds python-pptx's objects

    try:
        presentation = Presentation(str(path))
        layouts = [layout.name for layout in presentation.slide_layouts]
        width, height = int(presentation.slide_width or 0), int(presentation.slide_height or 0)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-pptx raises many kinds for broken files
        raise UnsafePackage(f"the presentation could not be opened: {exc}") from None
    if not layouts:
        raise UnsafePackage("the presentation has no slide layouts")
    return {"layouts": layouts, "slide_width": width, "slide_height": height}


def main(argv: list[str]) -> int:
    path, limits = Path(argv[0]), json.loads(argv[1])
    memory = limits["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        verdict: dict[str, Any] = {"ok": True, **inspect(path, limits)}
    except UnsafePackage as exc:
        verdict = {"ok": False, "reason": str(exc)}
    except MemoryError:
        verdict = {"ok": False, "reason": "the presentation needs more memory than a template may"}
    print(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
