"""Each service's outbox relay (jaryo_shared.outbox_relay): a pass publishes what the service's
own collections owe and nothing of another's; a failed pass leaves the events for the next; the
loop ends on `stop()`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from jaryo_shared import events, outbox
from jaryo_shared.clock import FixedClock
from jaryo_shared.outbox_relay import OutboxRelay
from tests.helpers import wait_until
from tests.unit.fakes import FakeDatabase, FakePublisher

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LAPSED = NOW - timedelta(seconds=outbox.CLAIM_SECONDS + 1)


@dataclass
class Deps:
    db: FakeDatabase = field(default_factory=FakeDatabase)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))


class FlakyPublisher(FakePublisher):
    """Refuses the first `refusals` publishes (a broker still away), then publishes; sets
    `published_one` at the first success so a test can await it."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals
        self.attempts = 0
        self.published_one = threading.Event()

    def publish(self, envelope: events.Envelope) -> None:
        self.attempts += 1
        if self.attempts <= self.refusals:
            raise ConnectionError("broker unreachable")
        super().publish(envelope)
        self.published_one.set()


def _owe(deps: Deps, collection: str, document_id: str) -> events.Envelope:
    envelope = events.wrap(
        events.DeckFailed(deck_id=document_id, user_id="u1", reason="a test"),
        source="tests",
        subject=document_id,
    )
    deps.db[collection].insert_one({"_id": document_id, **outbox.pending(envelope, now=LAPSED)})
    return envelope


def _relay(deps: Deps, *collections: str, interval: float = 60.0) -> OutboxRelay:
    return OutboxRelay(deps, collections, interval_seconds=interval)  # type: ignore[arg-type]


def test_a_pass_publishes_what_each_of_the_services_collections_owes():
    deps = Deps()
    owed = [_owe(deps, "images", "a"), _owe(deps, "upload_completions", "b")]

    assert _relay(deps, "images", "upload_completions").relay_pass() == 2

    assert sorted(e.id for e in deps.publisher.published) == sorted(e.id for e in owed)
    assert not deps.db.images.find_one({"_id": "a"})["outbox_pending"]


def test_a_pass_leaves_the_collections_of_other_services_to_them():
    deps = Deps()
    _owe(deps, "decks", "theirs")

    assert _relay(deps, "deck_builds").relay_pass() == 0

    assert deps.publisher.published == []
    assert deps.db.decks.find_one({"_id": "theirs"})["outbox_pending"] is True


def test_the_loop_publishes_once_the_broker_answers_after_a_failed_pass(caplog):
    deps = Deps(publisher=FlakyPublisher(refusals=1))
    owed = _owe(deps, "deck_builds", "d1")
    relay = _relay(deps, "deck_builds", interval=0.01).start()
    try:
        wait_until(lambda: deps.publisher.attempts >= 1, timeout=5, interval=0.01)
        # The failed pass left the document claimed; passes find it again once the claim ends.
        deps.clock.advance(timedelta(seconds=outbox.CLAIM_SECONDS + 1))
        assert deps.publisher.published_one.wait(5)
    finally:
        relay.stop()
    assert [e.id for e in deps.publisher.published] == [owed.id]
    assert "outbox relay pass failed" in caplog.text


def test_stop_ends_the_loop_without_waiting_out_its_interval():
    deps = Deps()
    relay = _relay(deps, "deck_builds", interval=3600).start()

    relay.stop(timeout=2)

    assert relay._thread is not None and not relay._thread.is_alive()


def test_the_relay_publishes_nothing_after_it_was_stopped():
    deps = Deps()
    relay = _relay(deps, "deck_builds", interval=0.01).start()
    relay.stop()
    _owe(deps, "deck_builds", "late")

    relay._stopped.wait(0.05)  # several intervals

    assert deps.publisher.published == []
