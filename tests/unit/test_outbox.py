"""The outbox kept inside a document (jaryo_shared.outbox): a writer records an outcome and the
event it owes in one write, then publishes that event itself; the relay publishes whatever a
crash or an outage left owed, and a writer's claim keeps a relay pass from publishing it twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from jaryo_shared import events, outbox
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeCollection, FakePublisher, UpdateResult

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Images(FakeCollection):
    """The shared fake, plus a write that fails and a hook run once right after the next write
    (another process in between)."""

    def __init__(self) -> None:
        super().__init__("images")
        self.fail_next_write: Exception | None = None
        self.after_next_write: Any = None

    def update_one(
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        if self.fail_next_write is not None:
            failure, self.fail_next_write = self.fail_next_write, None
            raise failure
        written = super().update_one(query, update, upsert)
        hook, self.after_next_write = self.after_next_write, None
        if hook is not None:
            hook()
        return written


def _event(image_id: str = "img-1") -> events.Envelope:
    payload = events.ImageRejected(
        upload_id="up-1", user_id="user-1", image_id=image_id, reason="not an image"
    )
    return events.wrap(payload, source="jaryo/storage-service", subject="up-1")


def _other_services_entry() -> list[dict[str, Any]]:
    payload = events.OcrCompleted(
        upload_id="up-1", user_id="user-1", image_id="img-1", status="failed", reason="gone"
    )
    return outbox.entries(events.wrap(payload, source="jaryo/ocr-service", subject="up-1"))


@pytest.fixture
def images() -> Images:
    collection = Images()
    collection.insert_one({"_id": "img-1", "status": "processing"})
    return collection


def test_an_outcome_and_its_event_are_written_together_then_published_and_cleared(images):
    publisher, event = FakePublisher(), _event()

    written = outbox.record_and_flush(
        images, "img-1", publisher, event, {"status": "rejected"}, now=NOW
    )

    assert written is True
    assert publisher.published == [event]
    document = images.find_one({"_id": "img-1"})
    assert document["status"] == "rejected"
    assert document["outbox"] == []
    assert document["outbox_pending"] is False
    assert document["outbox_claimed_until"] is None


def test_only_the_writers_own_event_is_published_when_another_service_owes_one_too(images):
    theirs = _other_services_entry()
    images.update_one({"_id": "img-1"}, outbox.push(owed=theirs, now=NOW))
    publisher, ours = FakePublisher(), _event()

    outbox.record_and_flush(images, "img-1", publisher, ours, {"status": "rejected"}, now=NOW)

    assert publisher.published == [ours]
    document = images.find_one({"_id": "img-1"})
    assert document["outbox"] == theirs  # left to its writer, or the relay
    assert document["outbox_pending"] is True


def test_the_write_claims_the_document_so_a_relay_pass_before_the_flush_publishes_nothing(images):
    relay = FakePublisher()
    relayed: list[int] = []
    images.after_next_write = lambda: relayed.append(
        outbox.relay_once(images, relay, FixedClock(NOW + timedelta(seconds=1)))
    )
    writer = FakePublisher()

    outbox.record_and_flush(images, "img-1", writer, _event(), {"status": "rejected"}, now=NOW)

    assert relayed == [0]
    assert relay.published == []
    assert len(writer.published) == 1  # published once, by its writer


def test_a_publish_that_fails_leaves_the_event_owed_for_the_relay_after_the_claim(images):
    broken = FakePublisher(fail_with=ConnectionError("broker unreachable"))
    event = _event()

    with pytest.raises(ConnectionError):
        outbox.record_and_flush(images, "img-1", broken, event, {"status": "rejected"}, now=NOW)

    document = images.find_one({"_id": "img-1"})
    assert document["status"] == "rejected"  # the outcome is kept
    assert document["outbox_pending"] is True
    relay, clock = FakePublisher(), FixedClock(NOW + timedelta(seconds=1))
    assert outbox.relay_once(images, relay, clock) == 0  # the writer's claim still holds
    clock.advance(timedelta(seconds=outbox.CLAIM_SECONDS))
    assert outbox.relay_once(images, relay, clock) == 1
    assert relay.published == [event]
    assert outbox.relay_once(images, relay, clock) == 0  # once, not again
    assert images.find_one({"_id": "img-1"})["outbox_pending"] is False


def test_a_write_that_changed_nothing_publishes_nothing(images):
    publisher = FakePublisher()

    written = outbox.record_and_flush(
        images, "img-gone", publisher, _event("img-gone"), {"status": "rejected"}, now=NOW
    )

    assert written is False
    assert publisher.published == []
    assert images.find_one({"_id": "img-gone"}) is None  # no upsert unless asked for


def test_with_upsert_the_first_outcome_creates_the_document_and_publishes(images):
    publisher, event = FakePublisher(), _event("img-2")

    written = outbox.record_and_flush(
        images, "img-2", publisher, event, {"status": "failed"}, upsert=True, now=NOW
    )

    assert written is True
    assert publisher.published == [event]
    assert images.find_one({"_id": "img-2"})["status"] == "failed"


def test_with_upsert_losing_the_insert_to_another_delivery_publishes_nothing(images):
    images.fail_next_write = DuplicateKeyError("E11000 duplicate key: img-2")
    publisher = FakePublisher()

    written = outbox.record_and_flush(
        images, "img-2", publisher, _event("img-2"), {"status": "failed"}, upsert=True, now=NOW
    )

    assert written is False
    assert publisher.published == []  # the delivery that inserted it publishes


def test_without_upsert_a_duplicate_key_error_is_not_taken_for_a_lost_race(images):
    images.fail_next_write = DuplicateKeyError("E11000 duplicate key")

    with pytest.raises(DuplicateKeyError):
        outbox.record_and_flush(
            images, "img-1", FakePublisher(), _event(), {"status": "rejected"}, now=NOW
        )


def test_a_redelivery_flushes_what_an_earlier_run_recorded_but_did_not_send(images):
    owed = outbox.entries(_event())
    images.update_one({"_id": "img-1"}, outbox.push(owed=owed, now=NOW))  # then it crashed
    publisher = FakePublisher()

    assert outbox.flush(images, "img-1", publisher) == 1

    assert [e.model_dump(mode="json") for e in publisher.published] == [owed[0]["envelope"]]
    assert images.find_one({"_id": "img-1"})["outbox_pending"] is False


def test_flushing_a_document_that_owes_nothing_clears_its_flag(images):
    images.update_one({"_id": "img-1"}, {"$set": {"outbox": [], "outbox_pending": True}})
    publisher = FakePublisher()

    assert outbox.flush(images, "img-1", publisher) == 0

    assert publisher.published == []
    assert images.find_one({"_id": "img-1"})["outbox_pending"] is False


def test_a_relay_pass_publishes_every_unclaimed_pending_document_once():
    collection = FakeCollection("uploads")
    first, second = _event("img-1"), _event("img-2")
    collection.insert_one({"_id": "a", **outbox.pending(first, now=NOW - timedelta(minutes=5))})
    collection.insert_one({"_id": "b", **outbox.pending(second, now=NOW - timedelta(minutes=5))})
    collection.insert_one({"_id": "c", "outbox": [], "outbox_pending": False})
    publisher = FakePublisher()

    assert outbox.relay_once(collection, publisher, FixedClock(NOW)) == 2

    assert sorted(e.id for e in publisher.published) == sorted([first.id, second.id])
    assert outbox.relay_once(collection, publisher, FixedClock(NOW)) == 0
