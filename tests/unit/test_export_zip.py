"""The export zip's assembly (gateway.account.export) over the fake object store: entries in
order, each object streamed a chunk at a time, export.json last with a manifest that matches
what the zip holds; an object gone is named, not fatal; any other failure is logged and breaks
the stream."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from datetime import UTC, datetime

import pytest

from gateway.account.export import (
    EXPORT_JSON,
    SignedOutMidway,
    about,
    json_entry,
    logged,
    object_entry,
    text_entry,
    while_signed_in,
    zip_chunks,
)
from tests.unit.fakes import FakeObjectStore

BUCKET = "images"
USER = {"_id": "u1", "username": "민지", "created_at": datetime(2026, 11, 1, tzinfo=UTC)}
HEAD = about(USER, datetime(2026, 12, 2, 3, 0, tzinfo=UTC))


def _zip(chunks) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def _manifest(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read(EXPORT_JSON))


def test_entries_come_in_order_and_export_json_last_with_each_files_size_and_sha256():
    store = FakeObjectStore()
    original = bytes(range(256)) * 4000
    store.put_bytes(BUCKET, "u1/upload1/images/scan.png", original)
    entries = [
        json_entry("uploads/2026-12-01-1/upload.json", {"upload_id": "1", "name": "스캔"}),
        object_entry(
            store, BUCKET, "u1/upload1/images/scan.png", "uploads/x/originals/000-스캔.png"
        ),
        text_entry("uploads/x/ocr/000.txt", "안녕하세요\nhello"),
    ]

    archive = _zip(zip_chunks(entries, HEAD))

    names = archive.namelist()
    assert names == [
        "uploads/2026-12-01-1/upload.json",
        "uploads/x/originals/000-스캔.png",  # a Korean name survives the zip
        "uploads/x/ocr/000.txt",
        EXPORT_JSON,
    ]
    assert archive.testzip() is None
    assert archive.read("uploads/x/originals/000-스캔.png") == original
    assert archive.read("uploads/x/ocr/000.txt").decode() == "안녕하세요\nhello"
    manifest = _manifest(archive)
    assert manifest["account"] == {
        "user_id": "u1",
        "username": "민지",
        "created_at": "2026-11-01T00:00:00+00:00",
    }
    assert manifest["exported_at"] == "2026-12-02T03:00:00+00:00"
    assert [f["path"] for f in manifest["files"]] == names[:-1]
    for described in manifest["files"]:
        data = archive.read(described["path"])
        assert described["size"] == len(data)
        assert described["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["missing"] == [] and manifest["expired"] == []


def test_an_object_gone_when_its_turn_comes_is_left_out_and_named():
    store = FakeObjectStore()
    store.put_bytes(BUCKET, "kept", b"kept")
    store.put_bytes(BUCKET, "purged", b"purged")

    def entries():
        yield object_entry(store, BUCKET, "kept", "a/kept.bin")
        store.delete(BUCKET, "purged")  # the janitor, while the export runs
        yield object_entry(store, BUCKET, "purged", "a/purged.bin")
        yield object_entry(store, BUCKET, "staged", "a/sent/photo.jpg", kept_for_a_while=True)
        yield text_entry("a/after.txt", "after")

    archive = _zip(zip_chunks(entries(), HEAD))

    assert archive.namelist() == ["a/kept.bin", "a/after.txt", EXPORT_JSON]
    manifest = _manifest(archive)
    assert manifest["missing"] == ["a/purged.bin"]
    assert manifest["expired"] == ["a/sent/photo.jpg"]  # kept a day only: expected, not lost


def test_a_large_object_is_passed_on_a_chunk_at_a_time():
    store = FakeObjectStore()
    big = bytes(range(251)) * 40_000  # 10 MB
    store.put_bytes(BUCKET, "big", big)

    chunks = list(zip_chunks([object_entry(store, BUCKET, "big", "big.bin")], HEAD))

    assert max(len(chunk) for chunk in chunks) <= 256 * 1024
    assert _zip(chunks).read("big.bin") == big


def test_the_same_path_twice_is_kept_under_two_names():
    entries = [text_entry("t/Deck.txt", "one"), text_entry("t/deck.txt", "two")]

    archive = _zip(zip_chunks(entries, HEAD))

    assert archive.namelist()[:2] == ["t/Deck.txt", "t/deck-2.txt"]
    assert archive.read("t/deck-2.txt") == b"two"


def test_a_failure_mid_stream_is_logged_with_its_correlation_id_and_breaks_the_stream(caplog):
    store = FakeObjectStore()
    store.put_bytes(BUCKET, "first", b"x" * 1000)
    store.put_bytes(BUCKET, "second", b"y" * 1000)

    def entries():
        yield object_entry(store, BUCKET, "first", "first.bin")
        store.fail_with = ConnectionError("S3 went away")
        yield object_entry(store, BUCKET, "second", "second.bin")

    received = []
    with caplog.at_level(logging.ERROR), pytest.raises(ConnectionError):
        for chunk in logged(zip_chunks(entries(), HEAD), "u1", "cid-42"):
            received.append(chunk)

    assert received  # the first file was sent before the failure
    [record] = [r for r in caplog.records if r.exc_info]
    assert "cid-42" in record.getMessage() and "u1" in record.getMessage()
    with pytest.raises(zipfile.BadZipFile):  # what the client holds is not a whole zip
        _zip(received)


def test_a_sign_out_midway_breaks_the_zip_off_before_the_next_file_and_is_logged(caplog):
    answers = iter([True, False])  # signed in for the first file, out by the second
    entries = [text_entry("a.txt", "first"), text_entry("b.txt", "second")]
    chunks = logged(zip_chunks(while_signed_in(entries, lambda: next(answers)), HEAD), "u1", "c1")
    received = []

    with caplog.at_level(logging.INFO), pytest.raises(SignedOutMidway):
        for chunk in chunks:
            received.append(chunk)

    assert b"a.txt" in b"".join(received) and b"b.txt" not in b"".join(received)
    with pytest.raises(zipfile.BadZipFile):  # no central directory: no tool takes it for whole
        _zip(received)
    assert "signed out" in caplog.text and "c1" in caplog.text
