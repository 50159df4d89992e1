"""The export zip as an iterator of byte chunks: each entry's bytes as they come (from the
object store, a chunk at a time), hashed on the way, then `export.json` last, with the manifest
of what was written and what was not. Nothing is held whole but the small JSON entries."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zipstream import ZIP_DEFLATED, ZIP_STORED, ZipStream

from jaryo_shared.ports import ObjectStorage

log = logging.getLogger(__name__)

FORMAT = "jaryo-export/1"
EXPORT_JSON = "export.json"
ZIP = "application/zip"


@dataclass(frozen=True)
class Entry:
    """One file of the zip: its path and how to read it (None: its stored object is gone).
    `kept_for_a_while`: an object kept only for a time (a file as sent, in staging), whose
    absence is expected after that time, not a loss."""

    path: str
    read: Callable[[], Iterable[bytes] | None]
    compress: bool = False  # JSON and text shrink; images, .pptx and PDF are packed already
    kept_for_a_while: bool = False
    # Known for bytes in hand: the entry then needs no Zip64 extra field, which zipstream
    # writes for a stream of unknown length (every unzip tool of this century reads both).
    size: int | None = None


def json_entry(path: str, value: Any) -> Entry:
    return _bytes_entry(path, json.dumps(value, ensure_ascii=False, indent=2, default=str))


def text_entry(path: str, text: str) -> Entry:
    return _bytes_entry(path, text)


def _bytes_entry(path: str, text: str) -> Entry:
    data = text.encode()
    return Entry(path, lambda: [data], compress=True, size=len(data))


def object_entry(
    store: ObjectStorage, bucket: str, key: str, path: str, *, kept_for_a_while: bool = False
) -> Entry:
    return Entry(
        path, lambda: store.stream_if_present(bucket, key), kept_for_a_while=kept_for_a_while
    )


class _Hashed:
    """The chunks passed through, counted and hashed for the manifest."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self.size = 0
        self._sha256 = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.size += len(chunk)
            self._sha256.update(chunk)
            yield chunk

    def described(self, path: str) -> dict[str, Any]:
        return {"path": path, "size": self.size, "sha256": self._sha256.hexdigest()}


def about(user: dict[str, Any], exported_at: datetime) -> dict[str, Any]:
    """The head of export.json: whose export it is and when it was made."""
    return {
        "format": FORMAT,
        "exported_at": exported_at.isoformat(),
        "account": {
            "user_id": user["_id"],
            "username": user["username"],
            "created_at": user["created_at"].isoformat() if user.get("created_at") else None,
        },
    }


class SignedOutMidway(Exception):
    """The caller's sign-in ended while their export streamed."""


def while_signed_in(entries: Iterable[Entry], signed_in: Callable[[], bool]) -> Iterator[Entry]:
    """The entries, asking before each whether the caller is still signed in: a device signed
    out (by itself, or by a sign-out of every device) gets no further file."""
    for entry in entries:
        if not signed_in():
            raise SignedOutMidway
        yield entry


def zip_chunks(entries: Iterable[Entry], head: dict[str, Any]) -> Iterator[bytes]:
    """The zip, an entry at a time in the order given, then export.json: `head`, and `files`
    (every other entry with its size and sha256), `missing` (entries whose stored object was
    gone when its turn came) and `expired` (files kept only for a while, no longer kept)."""
    archive = ZipStream(compress_type=ZIP_STORED)
    files: list[dict[str, Any]] = []
    missing: list[str] = []
    expired: list[str] = []
    seen: set[str] = {EXPORT_JSON}
    for entry in entries:
        path = _unique(entry.path, seen)
        chunks = entry.read()
        if chunks is None:
            (expired if entry.kept_for_a_while else missing).append(path)
            if not entry.kept_for_a_while:
                log.warning("export: %s is no longer stored; listed as missing", path)
            continue
        hashed = _Hashed(chunks)
        compress_type = ZIP_DEFLATED if entry.compress else None
        archive.add(hashed, path, size=entry.size, compress_type=compress_type)
        try:
            yield from archive.all_files()
        finally:
            _close(chunks)  # also when the client went away mid-file
        files.append(hashed.described(path))
    manifest = {**head, "files": files, "missing": missing, "expired": expired}
    archive.add(
        json.dumps(manifest, ensure_ascii=False, indent=2), EXPORT_JSON, compress_type=ZIP_DEFLATED
    )
    yield from archive.finalize()


def _unique(path: str, seen: set[str]) -> str:
    """The path, or `name-2.ext`, ... if the zip holds it already (case-insensitively: unzip
    tools on Windows and macOS would overwrite one with the other)."""
    stem, dot, extension = path.rpartition(".")
    if "/" in extension or not dot:
        stem, dot, extension = path, "", ""
    candidate, n = path, 1
    while candidate.casefold() in seen:
        n += 1
        candidate = f"{stem}-{n}{dot}{extension}"
    seen.add(candidate.casefold())
    return candidate


def _close(chunks: Iterable[bytes]) -> None:
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


def logged(chunks: Iterator[bytes], user_id: str, correlation_id: str) -> Iterator[bytes]:
    """The chunks; a failure after the answer has begun cannot become a problem answer, so it
    is logged with its traceback and the stream breaks off (the client sees a truncated zip). So
    does a sign-out midway, logged as such."""
    try:
        yield from chunks
    except SignedOutMidway:
        log.info(
            "the export of %s broke off: signed out (correlation id %s)", user_id, correlation_id
        )
        raise
    except Exception:
        log.exception("the export of %s broke off (correlation id %s)", user_id, correlation_id)
        raise
