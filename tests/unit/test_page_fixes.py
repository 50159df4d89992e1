"""A fix of a photo's page corners, unit by unit over in-memory fakes: the rule corners must
meet (gateway/uploads/corners.py), the reading it opens in the settle (jaryo_shared.completion)
and the listing (jaryo_shared.upload_listings), the OCR service reading the photo again from
the corners (ocr_service.handlers), and the janitor timing a reopened upload from its reopening.
The API's whole path over the real servers is tests/integration/test_photo_capture.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.uploads import page_fixes
from gateway.uploads.schemas import PageCorners
from janitor import records
from janitor.bootstrap import Dependencies as JanitorDependencies
from janitor.policies import stuck_uploads
from janitor.settings import JanitorSettings
from jaryo_shared import events, upload_listings
from jaryo_shared.clock import FixedClock
from jaryo_shared.completion import settle_upload
from jaryo_shared.keys import page_key
from tests.helpers import png_bytes
from tests.unit.fakes import FakeDatabase, FakeObjectStore, FakePublisher
from tests.unit.handler_builders import NOW, Decision, published, seed_upload
from tests.unit.test_ocr_handlers import Ocr

SQUARE = [(0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9)]


def _corners(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"corners": [{"x": x, "y": y} for x, y in points]}


# --- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "points",
    [
        SQUARE,
        SQUARE[1:] + SQUARE[:1],  # started from the top-right: the page is turned, still a page
        [(0.2, 0.15), (0.85, 0.05), (0.95, 0.9), (0.05, 0.8)],  # seen at a slant
        [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)],  # the whole photo
    ],
)
def test_corners_round_a_convex_page_clockwise_are_taken(points):
    assert len(PageCorners.model_validate(_corners(points)).corners) == 4


@pytest.mark.parametrize(
    ("points", "why"),
    [
        (SQUARE[::-1], "clockwise"),  # mirrored: the page would be read back to front
        ([SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3]], "clockwise"),  # a bow tie
        ([(0.1, 0.1), (0.9, 0.1), (0.5, 0.3), (0.1, 0.9)], "convex"),  # a dent
        ([(0.5, 0.5), (0.55, 0.5), (0.55, 0.55), (0.5, 0.55)], "under 1%"),  # a slip
        ([(0.1, 0.1), (0.9, 0.1), (0.9, 0.1), (0.1, 0.9)], "clockwise"),  # two corners as one
        (SQUARE[:3], "at least 4"),
        ([(0.1, 0.1), (1.2, 0.1), (0.9, 0.9), (0.1, 0.9)], "less than or equal to 1"),
    ],
)
def test_corners_that_enclose_no_page_are_refused_with_the_reason(points, why):
    with pytest.raises(ValidationError) as refused:
        PageCorners.model_validate(_corners(points))
    assert why in str(refused.value)


# --- the settle -----------------------------------------------------------------------------


def _settled_upload(db: FakeDatabase, *, fix_reading: int, read_reading: int) -> None:
    db.uploads.insert_one(
        {"_id": "u1", "user_id": "alice", "status": "processing", "readings": fix_reading}
    )
    fix = {"reading": fix_reading, "corners": []} if fix_reading else None
    db.images.insert_one(
        {
            "_id": "i0",
            "upload_id": "u1",
            "user_id": "alice",
            "index": 0,
            "storage": {"status": "stored"},
            "fix": fix,
        }
    )
    db.ocr_results.insert_one(
        {"_id": "i0", "upload_id": "u1", "status": "done", "reading": read_reading}
    )


def _settle(db: FakeDatabase, publisher: FakePublisher) -> None:
    settle_upload(
        db,  # type: ignore[arg-type]
        publisher,  # type: ignore[arg-type]
        FixedClock(NOW),
        upload_id="u1",
        user_id="alice",
        image_ids=["i0"],
        source="jaryo/ocr-service",
        correlation_id=None,
    )


def test_a_fixed_image_keeps_its_upload_open_until_it_is_read_again():
    db, publisher = FakeDatabase(), FakePublisher()
    _settled_upload(db, fix_reading=1, read_reading=0)

    _settle(db, publisher)  # e.g. a redelivery of the first reading's last message

    assert publisher.published == []
    assert db.uploads.find_one({"_id": "u1"})["status"] == "processing"


def test_each_reading_is_settled_once_under_its_own_record():
    db, publisher = FakeDatabase(), FakePublisher()
    _settled_upload(db, fix_reading=2, read_reading=2)

    _settle(db, publisher)
    _settle(db, publisher)  # the other service, or a redelivery

    completed = published(publisher, events.UploadCompleted)
    assert [(c["status"], c["reading"]) for c in completed] == [("completed", 2)]
    assert db.upload_completions.find_one({"_id": "u1:2"}) is not None
    assert db.upload_completions.find_one({"_id": "u1"}) is None
    assert db.uploads.find_one({"_id": "u1"})["status"] == "completed"


# --- the listing ----------------------------------------------------------------------------


def test_a_reopened_upload_is_listed_as_processing_until_its_new_reading_is_marked():
    db = FakeDatabase()
    upload = {
        "_id": "u1",
        "user_id": "alice",
        "created_at": NOW,
        "image_type": "eng-printed",
        "image_count": 1,
        "status": "failed",
    }
    upload_listings.add(db, upload)  # type: ignore[arg-type]
    upload_listings.mark_settled(db, upload)  # type: ignore[arg-type]
    assert upload_listings.of_user(db, "alice")[1] == {"u1": "failed"}  # type: ignore[arg-type]

    upload_listings.reopen(db, "alice", "u1", 1)  # type: ignore[arg-type]
    # A listing that read the upload before it was reopened marks its old status late.
    upload_listings.mark_settled(db, upload)  # type: ignore[arg-type]
    assert upload_listings.of_user(db, "alice")[1] == {}  # type: ignore[arg-type]

    upload_listings.mark_settled(db, {**upload, "status": "completed", "readings": 1})  # type: ignore[arg-type]
    entries, statuses = upload_listings.of_user(db, "alice")  # type: ignore[arg-type]
    assert [entry["_id"] for entry in entries] == ["u1"] and statuses == {"u1": "completed"}

    upload_listings.forget(db, "alice", "u1")  # type: ignore[arg-type]
    assert db[upload_listings.collection_name("alice")].documents == {}


# --- the OCR service ------------------------------------------------------------------------


def _fixed(ocr: Ocr, upload, reading: int = 1) -> events.Envelope:
    """The gateway's part of a fix: the image records it, and its event as sent."""
    [image_id] = upload.image_ids
    corners = [{"x": x, "y": y} for x, y in SQUARE]
    ocr.db.images.update_one(
        {"_id": image_id}, {"$set": {"fix": {"reading": reading, "corners": corners}}}
    )
    fixed = events.ImageCornersFixed(
        upload_id=upload.upload_id,
        user_id="alice",
        image_id=image_id,
        image_type="eng-printed",
        corners=corners,
        reading=reading,
        upload_image_ids=[image_id],
    )
    return events.wrap(fixed, source="jaryo/gateway", subject=upload.upload_id)


@pytest.fixture
def read_once() -> tuple[Ocr, Any]:
    """An upload of one photo, stored, read and settled."""
    ocr = Ocr()
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(400, 300)], "eng-printed")
    ocr.stored(*upload.image_ids)
    assert ocr.deliver_upload(upload) == Decision("ack")
    assert len(published(ocr.publisher, events.UploadCompleted)) == 1
    return ocr, upload


def test_a_fix_reads_the_photo_again_flattened_from_its_corners(read_once):
    ocr, upload = read_once
    [image_id] = upload.image_ids

    assert ocr.deliver(_fixed(ocr, upload)) == Decision("ack")

    # The engine read the page inside the corners: 80 % of each side of the 400 x 300 photo.
    size, _, _ = ocr.engine.calls[-1]
    assert size[0] / size[1] == pytest.approx(4 / 3, rel=0.03) and size[0] < 400
    result = ocr.result(image_id)
    assert (result["status"], result["reading"]) == ("done", 1)
    assert result["page"]["source"] == "person"
    assert [(c["x"], c["y"]) for c in result["page"]["corners"]] == SQUARE
    assert ocr.store.get_bytes_if_present(
        ocr.settings.bucket_images, page_key("alice", upload.upload_id, image_id)
    ).startswith(b"\xff\xd8")  # a JPEG
    [completed] = [e for e in published(ocr.publisher, events.OcrCompleted) if e["reading"] == 1]
    assert completed["status"] == "done"
    settled = published(ocr.publisher, events.UploadCompleted)
    assert [s["reading"] for s in settled] == [0, 1]


def test_a_redelivered_fix_is_not_read_twice_and_settles_nothing_more(read_once):
    ocr, upload = read_once
    fix = _fixed(ocr, upload)
    ocr.deliver(fix)
    reads = len(ocr.engine.calls)

    assert ocr.deliver(fix) == Decision("ack")
    # The first reading's message, redelivered after the fix, does not read it either.
    assert ocr.deliver(upload.messages[0]) == Decision("ack")

    assert len(ocr.engine.calls) == reads
    assert len(published(ocr.publisher, events.UploadCompleted)) == 2


def test_a_fix_that_keeps_crashing_the_reader_fails_the_image_and_settles_the_upload(read_once):
    ocr, upload = read_once
    [image_id] = upload.image_ids
    fix = _fixed(ocr, upload)
    crashes = ocr.settings.ocr_max_attempts
    # Each of these attempts took its worker down before recording anything.
    ocr.db.ocr_results.update_one(
        {"_id": image_id}, {"$set": {"status": "processing", "reading": 1, "attempts": crashes}}
    )

    decision = ocr.deliver(fix)

    assert decision.action == "dead-letter"
    result = ocr.result(image_id)
    assert (result["status"], result["reading"], result["code"]) == ("failed", 1, "ocr-crashed")
    [settled] = [s for s in published(ocr.publisher, events.UploadCompleted) if s["reading"]]
    assert settled["status"] == "failed"


# --- the janitor ----------------------------------------------------------------------------


def test_a_reopened_upload_is_stuck_only_once_its_reopening_is_old():
    db, publisher = FakeDatabase(), FakePublisher()
    settings = JanitorSettings(stuck_minutes=60)
    clock = FixedClock(NOW)
    deps = JanitorDependencies(
        settings=settings,
        db=db,  # type: ignore[arg-type]
        store=FakeObjectStore(),  # type: ignore[arg-type]
        publisher=publisher,  # type: ignore[arg-type]
        clock=clock,
    )
    db.uploads.insert_one(
        {
            "_id": "u1",
            "user_id": "alice",
            "status": "processing",
            "created_at": NOW - timedelta(days=3),
            "reopened_at": NOW - timedelta(minutes=5),
            "deleted_at": None,
        }
    )
    assert stuck_uploads.plan(deps) == []

    clock.advance(timedelta(minutes=61))
    assert [planned.subject for planned in stuck_uploads.plan(deps)] == ["u1"]


def test_a_reading_that_keeps_crashing_is_counted_even_without_a_result_to_start_from(
    read_once,
):
    """The janitor failed the upload before the OCR service wrote anything, then the person
    fixed the corners: each crashed attempt at the new reading is still counted, so the loop
    ends failed instead of being retried for ever."""
    ocr, upload = read_once
    [image_id] = upload.image_ids
    ocr.db.ocr_results.delete_one({"_id": image_id})
    ocr.engine.fail_with = RuntimeError("the engine died")
    fix = _fixed(ocr, upload)

    decisions = [ocr.deliver(fix).action for _ in range(ocr.settings.ocr_max_attempts + 1)]

    assert decisions == ["requeue"] * ocr.settings.ocr_max_attempts + ["dead-letter"]
    assert ocr.result(image_id)["status"] == "failed"


def test_a_fix_passed_by_a_later_one_is_not_read(read_once):
    ocr, upload = read_once
    stale = _fixed(ocr, upload, reading=1)
    _fixed(ocr, upload, reading=2)  # the image now records the later fix
    reads = len(ocr.engine.calls)

    assert ocr.deliver(stale) == Decision("ack")

    assert len(ocr.engine.calls) == reads
    assert [s["reading"] for s in published(ocr.publisher, events.UploadCompleted)] == [0]


def test_a_late_repeat_of_an_earlier_readings_settle_leaves_a_reopened_upload_processing():
    db, publisher = FakeDatabase(), FakePublisher()
    _settled_upload(db, fix_reading=0, read_reading=0)
    _settle(db, publisher)
    assert db.uploads.find_one({"_id": "u1"})["status"] == "completed"
    # A fix reopens the upload; then a redelivered message of the first reading settles again.
    db.uploads.update_one({"_id": "u1"}, {"$set": {"status": "processing", "readings": 1}})
    db.images.update_one({"_id": "i0"}, {"$set": {"fix": None}})  # its write not seen yet

    _settle(db, publisher)

    assert db.uploads.find_one({"_id": "u1"})["status"] == "processing"
    assert len(published(publisher, events.UploadCompleted)) == 1


def test_the_janitor_purges_every_readings_records_even_when_the_count_lags():
    db = FakeDatabase()
    for record in ("u1", "u1:1", "u1:2"):
        db.upload_completions.insert_one({"_id": record})
    for record in ("u1:1", "u1:2"):
        db.page_fixes.insert_one({"_id": record})
    lagging = {"_id": "u1", "readings": 1}  # the second fix's write to the upload was lost

    records.delete_readings(db, lagging)  # type: ignore[arg-type]

    assert db.upload_completions.documents == {} and db.page_fixes.documents == {}


def test_a_reopening_written_after_its_reading_settled_leaves_the_upload_settled():
    """Another gateway's relay can send the fix's event, and the OCR service read and settle
    it, before the claiming request reopens the upload: the reopening must not leave the upload
    processing after its last event."""
    db = FakeDatabase()
    db.uploads.insert_one({"_id": "u1", "user_id": "alice", "status": "completed"})
    db.images.insert_one({"_id": "i0", "upload_id": "u1", "user_id": "alice", "fixes": 0})
    db.upload_completions.insert_one(
        {"_id": "u1:1", "reading": 1, "status": "partial", "failures": [], "completed_at": NOW}
    )
    record = {
        "_id": "u1:1",
        "upload_id": "u1",
        "user_id": "alice",
        "image_id": "i0",
        "reading": 1,
        "corners": [{"x": x, "y": y} for x, y in SQUARE],
        "created_at": NOW,
    }

    page_fixes._reopen(db, record, counted=True)  # type: ignore[arg-type]

    upload = db.uploads.find_one({"_id": "u1"})
    assert (upload["status"], upload["readings"]) == ("partial", 1)
    assert db.images.find_one({"_id": "i0"})["fixes"] == 1
