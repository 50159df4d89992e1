"""`GET /v1/decks` as a person sees it, read from their listing partition
(jaryo_shared.deck_listings) through gateway.decks.service and gateway.paging: newest first, a
page at a time, only theirs, without deleted or half-recorded decks, each at its latest revision
with how its builds went, and a settled deck served from the partition alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.decks import service
from janitor.policies import retention
from jaryo_shared import deck_listings, events
from jaryo_shared.clock import FixedClock
from jaryo_shared.read_models.decks import revision_id
from tests.unit.fakes import FakeCollection, FakeDatabase, FakePublisher
from tests.unit.janitor_world import DAY, START, USER, World, run_policy
from tests.unit.listing_pages import ListingDatabase, every_page

ANN, BOB = "a" * 32, "b" * 32
AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DONE = {"status": "completed", "revision": 1, "file_path": "f.pptx", "file_size": 9}


def _deck_id(n: int) -> str:
    return f"{n:032x}"


def _record(db: FakeDatabase, n: int, user_id: str = ANN, **fields: Any) -> str:
    """As gateway.decks.recording records a deck: listed, then written."""
    deck = {
        "_id": _deck_id(n),
        "user_id": user_id,
        "title": f"deck {n}",
        "template_id": "clean",
        "slide_count": 1,
        "spec": {},
        "status": "queued",
        "created_at": AT + timedelta(minutes=n),
        "deleted_at": None,
        **fields,
    }
    envelope = events.wrap(_requested(deck["_id"], 1), source="jaryo/gateway")
    service.record_deck(db, FakePublisher(), deck, envelope, AT)  # type: ignore[arg-type]
    return deck["_id"]


def _requested(deck_id: str, revision: int) -> events.DeckRequested:
    return events.DeckRequested(
        deck_id=deck_id, user_id=ANN, template_id="clean", slide_count=1, revision=revision
    )


def _revise(db: FakeDatabase, deck_id: str, revision: int, title: str) -> None:
    """As PUT .../spec records revision N."""
    document = {
        "_id": revision_id(deck_id, revision),
        "deck_id": deck_id,
        "user_id": ANN,
        "revision": revision,
        "title": title,
        "template_id": "clean",
        "slide_count": 2,
        "spec": {},
        "created_at": AT,
    }
    envelope = events.wrap(_requested(deck_id, revision), source="jaryo/gateway")
    assert service.record_revision(db, FakePublisher(), document, envelope, AT)  # type: ignore[arg-type]


def _build(db: FakeDatabase, deck_id: str, **build: Any) -> None:
    """The deck service's `deck_builds` document as it stands now."""
    db.deck_builds.delete_one({"_id": deck_id})
    db.deck_builds.insert_one({"_id": deck_id, **build})


def _listed(db: FakeDatabase, user_id: str = ANN, limit: int = 2) -> list[dict[str, Any]]:
    """Every page in turn, through the cursors handed out, newest first."""
    return every_page(service.newest_first, db, user_id, limit)


# What gateway.decks.views.deck_view shows of a listed deck.
VIEWED = (
    "_id",
    "status",
    "revision",
    "title",
    "template_id",
    "slide_count",
    "created_at",
    "completed_at",
    "reason",
    "code",
    "built_revision",
    "file_size",
    "previews_status",
    "preview_count",
)


def _viewed(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: deck.get(key) for key in VIEWED} for deck in listed]


def _ids(listed: list[dict[str, Any]]) -> list[str]:
    return [deck["_id"] for deck in listed]


def test_a_persons_decks_are_listed_newest_first_a_page_at_a_time_and_only_theirs() -> None:
    db = FakeDatabase()
    for n in (1, 2, 3, 4):
        _record(db, n)
    _record(db, 5, created_at=AT + timedelta(minutes=4))  # the same time as 4
    _record(db, 9, user_id=BOB)

    assert _ids(_listed(db)) == [_deck_id(n) for n in (5, 4, 3, 2, 1)]
    assert _ids(_listed(db, BOB)) == [_deck_id(9)]


def test_a_deleted_deck_leaves_the_listing_at_once_even_once_settled() -> None:
    db = FakeDatabase()
    for n in (1, 2, 3):
        _record(db, n)
        _build(db, _deck_id(n), **DONE)
    assert len(_listed(db)) == 3  # which keeps each one's settled build beside it

    assert service.delete_deck(db, FixedClock(AT), ANN, _deck_id(2))  # type: ignore[arg-type]

    assert _ids(_listed(db)) == [_deck_id(3), _deck_id(1)]


def test_another_persons_delete_leaves_the_deck_listed() -> None:
    db = FakeDatabase()
    _record(db, 1)

    assert not service.delete_deck(db, FixedClock(AT), BOB, _deck_id(1))  # type: ignore[arg-type]

    assert _ids(_listed(db)) == [_deck_id(1)]


def test_a_deck_is_listed_queued_then_building_then_with_its_outcome() -> None:
    db = FakeDatabase()
    deck_id = _record(db, 1)
    assert _listed(db)[0]["status"] == "queued"

    _build(db, deck_id, status="building", revision=1)
    assert _listed(db)[0]["status"] == "building"

    _build(db, deck_id, **DONE, completed_at=AT, previews_status="pending")
    [deck] = _listed(db)
    assert (deck["status"], deck["built_revision"], deck["previews_status"]) == (
        "completed",
        1,
        "pending",
    )

    _build(db, deck_id, **DONE, completed_at=AT, previews_status="ready", preview_count=1)
    assert _listed(db)[0]["previews_status"] == "ready"


def test_a_settled_deck_is_listed_from_its_partition_alone() -> None:
    db = FakeDatabase()
    deck_id = _record(db, 1)
    _build(db, deck_id, **DONE, completed_at=AT, previews_status="ready", preview_count=1)
    before = _viewed(_listed(db))

    for name in ("decks", "deck_builds", "deck_revisions"):
        db.collections[name] = FakeCollection(name)  # nothing to read there any more

    assert _viewed(_listed(db)) == before


def test_a_revision_shows_its_title_and_status_until_it_settles_then_its_outcome() -> None:
    db = FakeDatabase()
    deck_id = _record(db, 1)
    _build(db, deck_id, **DONE, completed_at=AT, previews_status="ready", preview_count=1)
    assert _listed(db)[0]["revision"] == 1  # settled and marked

    _revise(db, deck_id, 2, "Second")
    [deck] = _listed(db)
    assert (deck["revision"], deck["title"], deck["slide_count"], deck["status"]) == (
        2,
        "Second",
        2,
        "queued",
    )
    assert deck["built_revision"] == 1  # the older file, while the new one is made

    _build(
        db,
        deck_id,
        status="failed",
        revision=2,
        file_path="f.pptx",
        built_revision=1,
        previews_status="ready",
        preview_count=1,
        reason="no",
        code="deck-invalid",
    )
    [deck] = _listed(db)
    assert (deck["revision"], deck["status"], deck["reason"]) == (2, "failed", "no")


def test_a_deck_whose_recording_failed_halfway_is_not_listed() -> None:
    db = FakeDatabase()
    _record(db, 1)
    deck_listings.add(
        db,
        {
            "_id": _deck_id(2),
            "user_id": ANN,
            "created_at": AT,  # type: ignore[arg-type]
            "title": "t",
            "template_id": "clean",
            "slide_count": 1,
        },
    )

    assert _ids(_listed(db)) == [_deck_id(1)]


def test_a_deck_the_database_refused_to_record_leaves_no_entry() -> None:
    db = FakeDatabase()

    def refused(document: dict[str, Any]) -> None:
        raise ConnectionError("the database went away")

    db.decks.insert_one = refused  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        _record(db, 1)

    assert deck_listings.of_user(db, ANN) == []  # type: ignore[arg-type]


def test_a_revision_the_listing_missed_is_found_and_listed_while_unsettled() -> None:
    db = FakeDatabase()
    deck_id = _record(db, 1)
    db.deck_revisions.insert_one(  # a PUT that died between its claim and its listing
        {
            "_id": revision_id(deck_id, 2),
            "deck_id": deck_id,
            "user_id": ANN,
            "revision": 2,
            "title": "Second",
            "template_id": "clean",
            "slide_count": 2,
        }
    )

    assert _listed(db)[0]["title"] == "Second"
    [listed] = deck_listings.of_user(db, ANN)  # type: ignore[arg-type]
    assert listed.deck["revision"] == 2


def test_decks_recorded_before_listings_are_listed_once_after_the_backfill() -> None:
    db = ListingDatabase()
    old = {
        "_id": _deck_id(1),
        "user_id": ANN,
        "title": "old",
        "template_id": "clean",
        "slide_count": 1,
        "created_at": AT,
        "deleted_at": None,
    }
    db.decks.insert_one(old)
    db.decks.insert_one({**old, "_id": _deck_id(2), "deleted_at": AT})
    db.deck_revisions.insert_one(
        {
            "_id": revision_id(old["_id"], 2),
            "deck_id": old["_id"],
            "user_id": ANN,
            "revision": 2,
            "title": "edited",
            "template_id": "clean",
            "slide_count": 3,
        }
    )
    _record(db, 3)

    assert deck_listings.backfill(db) == 1  # type: ignore[arg-type]
    assert deck_listings.backfill(db) == 0  # type: ignore[arg-type]

    listed = _listed(db)
    assert _ids(listed) == [_deck_id(3), _deck_id(1)]
    assert (listed[1]["revision"], listed[1]["title"]) == (2, "edited")


def test_the_janitors_purge_takes_the_deck_out_of_its_listing() -> None:
    world = World()
    world.deck("dk01", title="t", template_id="clean", slide_count=1)
    deck_listings.add(world.db, {**world.db.decks.find_one({"_id": "dk01"}), "user_id": USER})  # type: ignore[arg-type]

    run_policy(retention, world.janitor(START + 31 * DAY, retention_days=30))

    assert world.db[deck_listings.collection_name(USER)].find() == []
