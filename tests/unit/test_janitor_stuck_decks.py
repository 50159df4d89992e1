"""A deck not built within `stuck_deck_minutes` is failed once with a reason and `deck.failed`,
unless the deck service finished it or claims it first; with the broker down the event stays
owed in the build's outbox for the relay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from janitor.policies import stuck_decks
from jaryo_shared import deck_outcomes, events, outbox
from jaryo_shared.clock import FixedClock
from tests.unit.janitor_world import MINUTE, START, USER, BrokerDown, World, run_policy

LATE = START + 16 * MINUTE
FAILED = events.DeckFailed.event_type


def test_deck_within_its_limit_or_already_built_is_left_alone() -> None:
    world = World()
    world.deck("building", built="building")
    world.deck("done", built="completed")
    world.deck("refused", built="failed")
    assert run_policy(stuck_decks, world.janitor(START + 14 * MINUTE)) == []
    assert [p.subject for p in run_policy(stuck_decks, world.janitor(LATE))] == ["building"]
    assert world.db.deck_builds.find_one({"_id": "done"})["status"] == "completed"


def test_a_built_deck_whose_previews_are_still_being_made_is_not_stuck() -> None:
    world = World()
    world.deck("previewing", built="completed")
    world.db.deck_builds.update_one({"_id": "previewing"}, {"$set": {"previews_status": "pending"}})

    assert run_policy(stuck_decks, world.janitor(LATE + 60 * MINUTE)) == []
    assert world.publisher.published == []


def test_stuck_deck_is_failed_with_a_reason_and_deck_failed_is_published_once() -> None:
    world = World()
    world.deck("never", built=None)  # its message never reached the deck service

    run_policy(stuck_decks, world.janitor(LATE))
    run_policy(stuck_decks, world.janitor(LATE + MINUTE))  # the next run

    build = world.db.deck_builds.find_one({"_id": "never"})
    assert (build["status"], build["completed_at"], build["user_id"]) == ("failed", LATE, USER)
    assert "not built within 15 minutes" in build["reason"]
    assert world.events(FAILED) == [
        {
            "deck_id": "never",
            "user_id": USER,
            "reason": build["reason"],
            "code": "deck-timed-out",
            "revision": 1,
        }
    ]
    assert world.publisher.published[0].source == stuck_decks.SOURCE
    assert deck_outcomes.finisher(world.db, "never") == stuck_decks.SOURCE  # type: ignore[arg-type]


def test_deck_the_deck_service_claims_at_the_same_moment_is_not_failed() -> None:
    world = World()
    world.deck("racing", built="building")
    deps = world.janitor(LATE)
    [item] = stuck_decks.plan(deps)
    # Between the janitor's plan and its purge the deck service claims the deck's outcome.
    deck_outcomes.claim(world.db, "racing", "jaryo/deck-service", LATE)  # type: ignore[arg-type]

    stuck_decks.purge(deps, item)

    assert world.db.deck_builds.find_one({"_id": "racing"})["status"] == "building"
    assert world.publisher.published == []


def test_deck_deleted_before_or_during_the_run_is_not_failed() -> None:
    world = World()
    world.deck("gone", built="building", deleted_at=START + MINUTE)
    world.deck("going", built="building")
    deps = world.janitor(LATE)
    [item] = stuck_decks.plan(deps)
    world.db.decks.update_one({"_id": "going"}, {"$set": {"deleted_at": LATE}})  # DELETE meanwhile

    stuck_decks.purge(deps, item)

    assert {b["status"] for b in world.db.deck_builds.find()} == {"building"}
    assert world.publisher.published == []


def test_broker_down_leaves_deck_failed_owed_in_the_outbox_not_lost() -> None:
    world = World()
    world.deck("stuck", built="building")
    world.publisher.fail_with = BrokerDown()
    with pytest.raises(BrokerDown):
        run_policy(stuck_decks, world.janitor(LATE))
    build = world.db.deck_builds.find_one({"_id": "stuck"})
    assert build["status"] == "failed" and build["outbox_pending"] is True

    world.publisher.fail_with = None  # the relay, once the writer's claim has run out
    relay_clock = FixedClock(LATE + timedelta(seconds=outbox.CLAIM_SECONDS + 1))
    assert outbox.relay_once(world.db.deck_builds, world.publisher, relay_clock) == 1  # type: ignore[arg-type]
    assert [e["deck_id"] for e in world.events(FAILED)] == ["stuck"]
    assert world.publisher.published[0].id == "stuck-stuck"
