"""Retention: uploads and decks older than `retention_days` are purged with everything of theirs
and announced (`upload.expired`, `deck.expired`); younger ones stay; 0 keeps everything; decks a
person deleted go after the grace period whatever their age."""

from __future__ import annotations

import pytest

from janitor.policies import retention
from jaryo_shared import events
from tests.unit.janitor_world import DAY, MINUTE, START, USER, BrokerDown, S3Down, World, run_policy

SECOND = DAY / 86400


def _world() -> World:
    world = World()
    world.upload("old1", images=2)
    world.upload("new2", images=1, created_at=START + 2 * DAY)
    world.deck("dk01")
    world.deck("dk02", created_at=START + 2 * DAY)
    world.db.deck_outcomes.insert_one({"_id": "dk01", "by": "jaryo/deck-service"})
    return world


def test_retention_purges_exactly_what_is_past_it_and_keeps_the_rest() -> None:
    world = _world()
    assert run_policy(retention, world.janitor(START + 30 * DAY - SECOND, retention_days=30)) == []

    planned = run_policy(retention, world.janitor(START + 30 * DAY + SECOND, retention_days=30))

    assert [(p.policy, p.subject) for p in planned] == [
        (retention.UPLOADS, "old1"),
        (retention.DECKS, "dk01"),
    ]
    assert [u["_id"] for u in world.db.uploads.find()] == ["new2"]
    assert [i["upload_id"] for i in world.db.images.find()] == ["new2"]
    assert [r["_id"] for r in world.db.ocr_results.find()] == ["new2-i0"]
    assert world.upload_objects("old1") == [] and len(world.upload_objects("new2")) == 2
    assert [d["_id"] for d in world.db.decks.find()] == ["dk02"]
    assert [b["_id"] for b in world.db.deck_builds.find()] == ["dk02"]
    assert world.db.deck_outcomes.find() == []
    assert [k for _, k in world.store.objects if "/deck" in k] == [f"{USER}/deckdk02/deck.pptx"]
    assert world.events(events.UploadExpired.event_type)[0]["reason"] == "retention"
    assert world.events(events.DeckExpired.event_type) == [
        {"deck_id": "dk01", "user_id": USER, "reason": "retention", "objects": 1, "bytes": 100}
    ]


def test_retention_of_zero_days_keeps_everything_forever() -> None:
    world = _world()
    assert run_policy(retention, world.janitor(START + 3650 * DAY, retention_days=0)) == []
    assert world.db.uploads.count_documents({}) == 2 and world.db.decks.count_documents({}) == 2


def test_deleted_deck_goes_after_the_grace_period_even_with_retention_off() -> None:
    world = World()
    deleted_at = START + DAY
    world.deck("dk01", deleted_at=deleted_at)
    assert run_policy(retention, world.janitor(deleted_at + 9 * MINUTE, retention_days=0)) == []

    run_policy(retention, world.janitor(deleted_at + 11 * MINUTE, retention_days=0))

    assert world.db.decks.find() == [] and world.store.objects == {}
    [expired] = world.events(events.DeckExpired.event_type)
    assert expired["reason"] == "deleted"


def test_deck_purge_interrupted_by_s3_or_the_broker_is_finished_by_the_next_run() -> None:
    world = World()
    world.deck("dk01")
    later = START + 31 * DAY
    world.store.deletes_left = 0
    with pytest.raises(S3Down):
        run_policy(retention, world.janitor(later, retention_days=30))
    world.store.deletes_left = None
    world.publisher.fail_with = BrokerDown()
    with pytest.raises(BrokerDown):
        run_policy(retention, world.janitor(later, retention_days=30))
    assert world.db.decks.count_documents({"_id": "dk01"}) == 1  # still found next time

    world.publisher.fail_with = None
    run_policy(retention, world.janitor(later, retention_days=30))

    assert world.db.decks.find() == []
    [sent] = world.publisher.published
    assert sent.id == "expired-dk01"
