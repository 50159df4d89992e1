"""The one settle of an upload (jaryo_shared.completion), as the storage and OCR services call it
when they finish an upload's last image and as the janitor's stuck-upload policy calls it when
an upload outlived `stuck_minutes`. In-memory fakes stand for the database and the broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from janitor.bootstrap import Dependencies
from janitor.policies import Planned, stuck_uploads
from janitor.settings import JanitorSettings
from jaryo_shared import events, outbox
from jaryo_shared.clock import FixedClock
from jaryo_shared.completion import settle_upload
from tests.unit.fakes import FakeDatabase, FakePublisher

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
UPLOAD = "u1"
USER = "alice"


class BrokerDown(ConnectionError):
    pass


class Crash(Exception):
    """The process dying at this point."""


def _upload(db: FakeDatabase, images: list[tuple[str, str | None]], **fields: Any) -> list[str]:
    """An upload whose images are (storage status, OCR status or None while unread)."""
    db.uploads.insert_one(
        {
            "_id": UPLOAD,
            "user_id": USER,
            "status": "processing",
            "created_at": START,
            "deleted_at": None,
            **fields,
        }
    )
    ids = []
    for index, (storage, ocr) in enumerate(images):
        image_id = f"i{index}"
        ids.append(image_id)
        reason = (
            {"reason": "not an image", "code": "image-format-not-accepted"}
            if storage == "rejected"
            else {}
        )
        db.images.insert_one(
            {
                "_id": image_id,
                "upload_id": UPLOAD,
                "user_id": USER,
                "index": index,
                "storage": {"status": storage, **reason},
            }
        )
        if ocr is not None:
            why = {"reason": "unreadable", "code": "ocr-timed-out"} if ocr == "failed" else {}
            db.ocr_results.insert_one(
                {"_id": image_id, "upload_id": UPLOAD, "status": ocr, "text": "t", **why}
            )
    return ids


def _settle(db: FakeDatabase, publisher: FakePublisher, clock: FixedClock, ids: list[str]) -> None:
    settle_upload(
        db,  # type: ignore[arg-type]
        publisher,  # type: ignore[arg-type]
        clock,
        upload_id=UPLOAD,
        user_id=USER,
        image_ids=ids,
        source="jaryo/storage-service",
        correlation_id="c1",
    )


def _completed(publisher: FakePublisher) -> list[dict[str, Any]]:
    return [e.data for e in publisher.published if e.type == events.UploadCompleted.event_type]


# --- the services' settle -------------------------------------------------------------------


@pytest.mark.parametrize(
    "images",
    [
        [("stored", "done"), ("stored", None)],
        [("stored", None), ("stored", "done"), ("rejected", "failed")],  # the first unread
        [("queued", "done"), ("stored", "done"), ("stored", "done")],  # the first unstored
        [("stored", "done"), ("stored", "processing"), ("stored", "done")],
    ],
)
def test_settle_waits_while_an_image_is_unfinished(images: list[tuple[str, str | None]]) -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, images)
    _settle(db, publisher, clock, ids)
    assert db.upload_completions.find_one({"_id": UPLOAD}) is None
    assert db.uploads.find_one({"_id": UPLOAD})["status"] == "processing"
    assert publisher.published == []


@pytest.mark.parametrize(
    ("images", "status"),
    [
        ([("stored", "done"), ("stored", "done")], "completed"),
        ([("stored", "done"), ("rejected", "failed")], "partial"),
        ([("rejected", "done"), ("stored", "failed")], "failed"),
    ],
)
def test_settle_marks_the_upload_and_publishes_its_outcome_once(
    images: list[tuple[str, str]], status: str
) -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, images)
    _settle(db, publisher, clock, ids)
    _settle(db, publisher, clock, ids)  # the other service, or a redelivery
    upload = db.uploads.find_one({"_id": UPLOAD})
    assert (upload["status"], upload["completed_at"]) == (status, START)
    [completed] = _completed(publisher)
    assert completed["status"] == status
    assert completed["failures"] == upload["failures"]
    assert publisher.published[0].correlationid == "c1"
    record = db.upload_completions.find_one({"_id": UPLOAD})
    assert (record["outbox"], record["outbox_pending"]) == ([], False)


def test_settle_reports_why_each_image_failed() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("rejected", "failed"), ("stored", "failed"), ("stored", "done")])
    _settle(db, publisher, clock, ids)
    [completed] = _completed(publisher)
    assert completed["failures"] == [
        {"image_id": "i0", "reason": "not an image", "code": "image-format-not-accepted"},
        {"image_id": "i1", "reason": "unreadable", "code": "ocr-timed-out"},
    ]
    assert (completed["stored_count"], completed["rejected_count"]) == (2, 1)
    assert (completed["read_count"], completed["unread_count"]) == (1, 2)


def test_settle_that_lost_the_race_marks_the_winners_outcome_and_publishes_nothing() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("stored", "done")])
    winner = {"_id": UPLOAD, "user_id": USER, "status": "failed", "failures": []}
    db.upload_completions.insert_one({**winner, "completed_at": START - timedelta(seconds=1)})
    _settle(db, publisher, clock, ids)
    upload = db.uploads.find_one({"_id": UPLOAD})
    assert (upload["status"], upload["completed_at"]) == ("failed", START - timedelta(seconds=1))
    assert publisher.published == []


def test_settle_restores_a_delete_that_raced_it() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("stored", "done")])
    db.upload_deletions.insert_one({"_id": UPLOAD, "user_id": USER, "deleted_at": START})
    _settle(db, publisher, clock, ids)
    assert db.uploads.find_one({"_id": UPLOAD})["deleted_at"] == START


def test_settle_whose_publish_fails_leaves_the_upload_marked_and_the_event_owed() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(fail_with=BrokerDown()), FixedClock(START)
    ids = _upload(db, [("stored", "done")])
    with pytest.raises(BrokerDown):
        _settle(db, publisher, clock, ids)
    assert db.uploads.find_one({"_id": UPLOAD})["status"] == "completed"
    record = db.upload_completions.find_one({"_id": UPLOAD})
    assert record["outbox_pending"] and len(record["outbox"]) == 1
    publisher.fail_with = None  # the relay, once the claim has run out
    clock.advance(timedelta(seconds=outbox.CLAIM_SECONDS + 1))
    assert outbox.relay_once(db.upload_completions, publisher, clock) == 1  # type: ignore[arg-type]
    assert [c["status"] for c in _completed(publisher)] == ["completed"]


def test_settle_that_loses_the_claim_at_the_same_moment_marks_the_winners_outcome():
    """The other service inserts its record between this settle's reads and its own insert."""
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("stored", "done")])
    insert = db.upload_completions.insert_one
    winners = {"_id": UPLOAD, "user_id": USER, "status": "partial", "failures": []}

    def the_other_service_first(record: dict[str, Any]) -> None:
        insert({**winners, "completed_at": START, **outbox.pending(_envelope(), now=START)})
        insert(record)  # DuplicateKeyError: the claim is taken

    db.upload_completions.insert_one = the_other_service_first  # type: ignore[method-assign]
    _settle(db, publisher, clock, ids)

    assert db.uploads.find_one({"_id": UPLOAD})["status"] == "partial"
    assert publisher.published == []  # the winner publishes its own event
    assert db.upload_completions.find_one({"_id": UPLOAD})["outbox_pending"] is True


def _envelope() -> events.Envelope:
    completed = events.UploadCompleted(
        upload_id=UPLOAD,
        user_id=USER,
        status="partial",
        image_count=1,
        stored_count=1,
        rejected_count=0,
        read_count=1,
        unread_count=0,
        failures=[],
    )
    return events.wrap(completed, source="jaryo/ocr-service", subject=UPLOAD)


def test_settle_of_a_purged_upload_claims_nothing_and_publishes_nothing() -> None:
    """The janitor purged the upload (its images with it) before a redelivery settled it."""
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    _settle(db, publisher, clock, ["i0", "i1"])
    assert db.upload_completions.find_one({"_id": UPLOAD}) is None
    assert publisher.published == []


def test_settle_of_an_upload_whose_document_is_gone_does_not_bring_it_back() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("stored", "done")])
    db.uploads.delete_one({"_id": UPLOAD})
    _settle(db, publisher, clock, ids)
    assert db.uploads.find_one({"_id": UPLOAD}) is None
    assert [c["status"] for c in _completed(publisher)] == ["completed"]


# --- the janitor's stuck-upload policy ------------------------------------------------------


def _janitor(db: FakeDatabase, publisher: FakePublisher, clock: FixedClock) -> Dependencies:
    return Dependencies(
        settings=JanitorSettings(stuck_minutes=60),
        db=db,  # type: ignore[arg-type]
        store=None,  # type: ignore[arg-type]
        publisher=publisher,  # type: ignore[arg-type]
        clock=clock,
    )


def _run_policy(deps: Dependencies) -> list[Planned]:
    planned = stuck_uploads.plan(deps)
    for item in planned:
        stuck_uploads.purge(deps, item)
    return planned


def test_stuck_upload_is_not_planned_before_its_time() -> None:
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", None)])
    deps = _janitor(db, publisher, FixedClock(START + timedelta(minutes=59)))
    assert _run_policy(deps) == []
    assert db.uploads.find_one({"_id": UPLOAD})["status"] == "processing"


def test_stuck_upload_is_failed_with_the_reason_on_each_unfinished_image() -> None:
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", "done"), ("rejected", "failed"), ("stored", None)])
    now = START + timedelta(minutes=61)
    assert _run_policy(_janitor(db, publisher, FixedClock(now))) == [
        Planned(stuck_uploads.NAME, UPLOAD)
    ]
    upload = db.uploads.find_one({"_id": UPLOAD})
    late = "processing did not finish within 60 minutes"
    failures = [
        {"image_id": "i1", "reason": "not an image", "code": "image-format-not-accepted"},
        {"image_id": "i2", "reason": late, "code": "processing-timed-out"},
    ]
    assert (upload["status"], upload["failures"], upload["completed_at"]) == (
        "failed",
        failures,
        now,
    )
    [completed] = _completed(publisher)
    assert (completed["status"], completed["failures"]) == ("failed", failures)
    assert (completed["stored_count"], completed["read_count"]) == (2, 1)
    assert publisher.published[0].source == "jaryo/janitor"


def test_stuck_upload_whose_record_an_earlier_run_left_is_still_marked_failed() -> None:
    """An earlier janitor run inserted the completion record and died before marking the upload
    (or its publish raised). The next run loses the insert to that record, and must still mark
    the upload from it, or the upload stays `processing` for good."""
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", None)])
    first = _janitor(db, publisher, FixedClock(START + timedelta(minutes=61)))
    [item] = stuck_uploads.plan(first)
    db.uploads.update_one = _crash  # type: ignore[method-assign]  # dies before marking
    with pytest.raises(Crash):
        stuck_uploads.purge(first, item)
    del db.uploads.update_one  # restarted
    assert db.upload_completions.find_one({"_id": UPLOAD}) is not None

    later = START + timedelta(minutes=66)
    _run_policy(_janitor(db, publisher, FixedClock(later)))
    upload = db.uploads.find_one({"_id": UPLOAD})
    assert upload["status"] == "failed"
    assert upload["completed_at"] == START + timedelta(minutes=61)  # the record's, unchanged
    assert upload["failures"] == [
        {
            "image_id": "i0",
            "reason": "processing did not finish within 60 minutes",
            "code": "processing-timed-out",
        }
    ]
    assert stuck_uploads.plan(_janitor(db, publisher, FixedClock(later))) == []


def _crash(*_args: Any, **_kwargs: Any) -> None:
    raise Crash


def test_stuck_upload_a_service_settled_meanwhile_gets_the_services_outcome() -> None:
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", "done")])
    record = {"_id": UPLOAD, "user_id": USER, "status": "completed", "failures": []}
    db.upload_completions.insert_one({**record, "completed_at": START + timedelta(minutes=60)})
    _run_policy(_janitor(db, publisher, FixedClock(START + timedelta(minutes=61))))
    assert db.uploads.find_one({"_id": UPLOAD})["status"] == "completed"
    assert publisher.published == []  # the service's event, not a second one


def test_stuck_upload_keeps_a_delete_that_raced_it() -> None:
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", None)])
    db.upload_deletions.insert_one({"_id": UPLOAD, "user_id": USER, "deleted_at": START})
    deps = _janitor(db, publisher, FixedClock(START + timedelta(minutes=61)))
    stuck_uploads.purge(deps, Planned(stuck_uploads.NAME, UPLOAD))
    upload = db.uploads.find_one({"_id": UPLOAD})
    assert (upload["status"], upload["deleted_at"]) == ("failed", START)


def test_stuck_upload_already_finished_is_left_alone() -> None:
    db, publisher = FakeDatabase(), FakePublisher()
    _upload(db, [("stored", "done")], status="completed")
    deps = _janitor(db, publisher, FixedClock(START + timedelta(minutes=61)))
    stuck_uploads.purge(deps, Planned(stuck_uploads.NAME, UPLOAD))
    assert db.upload_completions.find_one({"_id": UPLOAD}) is None
    assert publisher.published == []


def test_an_outcome_recorded_before_failure_codes_is_reported_as_unspecified() -> None:
    db, publisher, clock = FakeDatabase(), FakePublisher(), FixedClock(START)
    ids = _upload(db, [("rejected", "failed"), ("stored", "done")])
    db.images.update_one({"_id": "i0"}, {"$unset": {"storage.code": ""}})
    _settle(db, publisher, clock, ids)
    [completed] = _completed(publisher)
    assert completed["failures"] == [
        {"image_id": "i0", "reason": "not an image", "code": "unspecified"}
    ]
