"""`GET /v1/uploads` as a person sees it, read from their listing partition
(jaryo_shared.upload_listings) through gateway.uploads.service and gateway.paging: newest first,
a page at a time, without deleted or half-recorded uploads, with each upload's current status,
and with the uploads recorded before listings existed once the backfill has run."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway import paging
from gateway.uploads import service
from jaryo_shared import listings, upload_deletions, upload_listings
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase
from tests.unit.listing_pages import ListingDatabase, every_page

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ANN, BOB = "a" * 32, "b" * 32


def _upload(n: int, user_id: str = ANN, **fields: Any) -> dict[str, Any]:
    return {
        "_id": f"{n:032x}",
        "user_id": user_id,
        "created_at": START + timedelta(minutes=n),
        "status": "completed",
        "image_type": "mixed-printed",
        "image_count": 1,
        "deleted_at": None,
        **fields,
    }


def _record(db: FakeDatabase, upload: dict[str, Any]) -> None:
    """As gateway.uploads.receive records an upload: listed, then written."""
    upload_listings.add(db, upload)  # type: ignore[arg-type]
    db.uploads.insert_one(upload)


def _listed(db: FakeDatabase, user_id: str = ANN, limit: int = 2) -> list[tuple[str, str]]:
    """Every page in turn, through the cursors handed out: (upload id, status) newest first."""
    listed = every_page(service.newest_first, db, user_id, limit)
    return [(upload["_id"], upload["status"]) for upload in listed]


def test_a_persons_uploads_are_listed_newest_first_a_page_at_a_time_and_only_theirs() -> None:
    db = ListingDatabase()
    for n in (1, 2, 3, 4):
        _record(db, _upload(n))
    _record(db, _upload(5, created_at=START + timedelta(minutes=4)))  # the same time as 4
    _record(db, _upload(9, user_id=BOB))

    assert [upload_id for upload_id, _ in _listed(db)] == [f"{n:032x}" for n in (5, 4, 3, 2, 1)]
    assert [upload_id for upload_id, _ in _listed(db, BOB)] == [f"{9:032x}"]


def test_a_deleted_upload_leaves_the_listing_at_once() -> None:
    db = ListingDatabase()
    for n in (1, 2, 3):
        _record(db, _upload(n))
    assert len(_listed(db)) == 3  # which keeps each one's settled status beside it

    assert service.delete_upload(db, FixedClock(START), ANN, f"{2:032x}")  # type: ignore[arg-type]

    assert [upload_id for upload_id, _ in _listed(db)] == [f"{3:032x}", f"{1:032x}"]


def test_a_deleted_upload_is_gone_even_while_a_racing_write_hides_its_deleted_at() -> None:
    """The announcer's write just after the 202 can lose DELETE's `deleted_at` until it
    restores it (upload_deletions): meanwhile the upload is already gone to its owner."""
    db = ListingDatabase()
    _record(db, _upload(1))
    upload_deletions.record(db, f"{1:032x}", ANN, START)  # type: ignore[arg-type]

    assert service.own_upload(db, ANN, f"{1:032x}") is None  # type: ignore[arg-type]
    assert not service.delete_upload(db, FixedClock(START), ANN, f"{1:032x}")  # type: ignore[arg-type]


def test_an_upload_is_listed_processing_until_it_is_settled_then_with_its_outcome() -> None:
    db = ListingDatabase()
    _record(db, _upload(1, status="processing"))
    assert _listed(db) == [(f"{1:032x}", "processing")]

    db.uploads.update_one({"_id": f"{1:032x}"}, {"$set": {"status": "failed"}})  # the settle

    assert _listed(db) == [(f"{1:032x}", "failed")]
    assert _listed(db) == [(f"{1:032x}", "failed")]


def test_an_upload_whose_recording_failed_halfway_is_not_listed() -> None:
    db = ListingDatabase()
    _record(db, _upload(1))
    upload_listings.add(db, _upload(2, status="processing"))  # type: ignore[arg-type]

    assert _listed(db) == [(f"{1:032x}", "completed")]


def test_a_retried_recording_lists_the_upload_once() -> None:
    db = ListingDatabase()
    upload = _upload(1)
    upload_listings.add(db, upload)  # type: ignore[arg-type]
    _record(db, upload)

    assert _listed(db) == [(f"{1:032x}", "completed")]


def test_uploads_recorded_before_listings_are_listed_once_after_the_backfill() -> None:
    db = ListingDatabase()
    for upload in (_upload(1), _upload(2, status="processing"), _upload(3, deleted_at=START)):
        db.uploads.insert_one(upload)  # as the gateway wrote them before listings existed
    _record(db, _upload(4))
    assert _listed(db) == [(f"{4:032x}", "completed")]

    assert upload_listings.backfill(db) == 2  # type: ignore[arg-type]
    assert upload_listings.backfill(db) == 0  # type: ignore[arg-type]

    assert _listed(db) == [
        (f"{4:032x}", "completed"),
        (f"{2:032x}", "processing"),
        (f"{1:032x}", "completed"),
    ]


def test_a_cursor_without_an_offset_is_read_as_utc() -> None:
    db = ListingDatabase()
    for n in (1, 2):
        _record(db, _upload(n))
    raw = f"{(START + timedelta(minutes=2)).replace(tzinfo=None).isoformat()}|{2:032x}"
    request = paging.page_request({"cursor": base64.urlsafe_b64encode(raw.encode()).decode()})

    found = service.newest_first(db, ANN, request)  # type: ignore[arg-type]

    assert [upload["_id"] for upload in found] == [f"{1:032x}"]


def test_the_backfill_lists_every_upload_of_a_person_with_more_than_a_batch() -> None:
    db = ListingDatabase()
    count = listings.BATCH  # two documents each (the entry, the mark): two batches
    for n in range(count):
        db.uploads.insert_one(_upload(n))

    assert upload_listings.backfill(db) == count  # type: ignore[arg-type]

    assert len(_listed(db, limit=100)) == count


@pytest.mark.parametrize("status", ["completed", "partial", "failed"])
def test_a_settled_upload_is_read_once_then_listed_from_its_mark(status: str) -> None:
    """Every final status is kept beside the entry: the listing reads `uploads` for it once (on
    FerretDB the newest uploads are the slowest to find), then never again."""
    db = ListingDatabase()
    _record(db, _upload(1, status=status))
    assert _listed(db) == [(f"{1:032x}", status)]

    db.uploads.delete_one({"_id": f"{1:032x}"})  # were it read again, it would be missing

    assert _listed(db) == [(f"{1:032x}", status)]


def test_the_backfill_passes_over_an_upload_not_written_as_the_gateway_writes_one() -> None:
    """A malformed document must not stop provisioning (and so every service's start)."""
    db = ListingDatabase()
    db.uploads.insert_one(
        {"_id": "odd", "user_id": ANN, "status": "processing", "deleted_at": None}
    )
    db.uploads.insert_one(_upload(1))

    assert upload_listings.backfill(db) == 1  # type: ignore[arg-type]

    assert _listed(db) == [(f"{1:032x}", "completed")]


def test_two_people_whose_entries_share_a_partition_each_see_only_their_own() -> None:
    carol = f"{0xF6:032x}"  # found to hash to ANN's partition
    assert upload_listings.collection_name(carol) == upload_listings.collection_name(ANN)
    db = ListingDatabase()
    _record(db, _upload(1))
    _record(db, _upload(2, user_id=carol))

    assert _listed(db) == [(f"{1:032x}", "completed")]
    assert _listed(db, carol) == [(f"{2:032x}", "completed")]
