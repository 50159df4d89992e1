"""An operator's dead-letter round trip: a message a service gave up on is listed with its reason,
and once the cause is fixed, replayed to that service alone and handled."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jaryo_ops import dead_letters
from jaryo_shared import events, messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until
from tests.integration.processes import service_env

pytestmark = pytest.mark.integration


def _deck_requested(deck_id: str) -> events.Envelope:
    payload = events.DeckRequested(
        deck_id=deck_id, user_id="u1", template_id="clean", slide_count=1
    )
    return events.wrap(payload, source="jaryo/gateway", subject=deck_id)


def _depth(settings, queue) -> int:
    with messaging.connect(settings) as connection, connection.channel() as channel:
        return queue(channel).queue_declare(passive=True).message_count


def test_a_dead_letter_is_listed_with_its_reason_then_replayed_to_its_service_only(
    settings, run_worker, purge_queues
):
    purge_queues()
    topology = Topology(settings)
    handled: list[str] = []
    broken = True

    def build(envelope: events.Envelope, event: events.DeckRequested) -> None:
        if broken:
            raise messaging.PermanentError("the template store is misconfigured")
        handled.append(event.deck_id)

    run_worker("deck", {events.DeckRequested.event_type: build})
    with messaging.connect(settings) as connection:
        publisher = messaging.Publisher(connection, topology)
        publisher.publish(_deck_requested("deck-a"))
        publisher.publish(_deck_requested("deck-b"))
    dead_queue = topology.dead_letter_queue("deck")
    wait_until(lambda: _depth(settings, dead_queue) == 2)

    listed = dead_letters.peek(settings, "deck")
    assert [(d.event_type, d.subject) for d in listed] == [
        ("jaryo.deck.requested.v1", "deck-a"),
        ("jaryo.deck.requested.v1", "deck-b"),
    ]
    assert {d.reason for d in listed} == {"the template store is misconfigured"}
    assert _depth(settings, dead_queue) == 2  # listing leaves them there

    broken = False  # the operator fixed the cause
    cli = subprocess.run(
        [sys.executable, "-m", "jaryo_ops.dead_letters", "replay", "deck", "--limit", "1"],
        env=service_env(settings),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "replayed 1 messages" in cli.stdout
    wait_until(lambda: handled == ["deck-a"])
    assert dead_letters.replay(settings, "deck") == 1
    wait_until(lambda: handled == ["deck-a", "deck-b"])
    assert _depth(settings, dead_queue) == 0
    # Replayed to the deck service's queue alone: no other queue got a copy.
    assert _depth(settings, topology.queue("storage")) == 0
    assert _depth(settings, topology.queue("ocr")) == 0


def test_replaying_a_message_that_fails_again_stops_and_leaves_it_dead_lettered(
    settings, run_worker, purge_queues
):
    purge_queues()
    topology = Topology(settings)

    def still_broken(envelope: events.Envelope, event: events.DeckRequested) -> None:
        raise messaging.PermanentError("still misconfigured")

    run_worker("deck", {events.DeckRequested.event_type: still_broken})
    with messaging.connect(settings) as connection:
        messaging.Publisher(connection, topology).publish(_deck_requested("deck-c"))
    dead_queue = topology.dead_letter_queue("deck")
    wait_until(lambda: _depth(settings, dead_queue) == 1)

    assert dead_letters.replay(settings, "deck") == 1  # returns: it does not chase its tail
    wait_until(lambda: _depth(settings, dead_queue) == 1)
    (again,) = dead_letters.peek(settings, "deck")
    assert again.subject == "deck-c" and again.reason == "still misconfigured"


def test_replay_to_a_queue_that_does_not_exist_takes_nothing_off_the_dead_letters(settings):
    # A namespace where only the dead-letter queue exists (as with a mistyped queue prefix).
    elsewhere = settings.model_copy(update={"queue_prefix": settings.queue_prefix + "-gone"})
    dead_queue = Topology(elsewhere).dead_letter_queue("deck")
    with messaging.connect(settings) as connection, connection.channel() as channel:
        dead_queue(channel).declare()
        messaging.Producer(channel).publish(
            _deck_requested("deck-d").model_dump_json().encode(),
            exchange="",
            routing_key=dead_queue.name,
        )
    try:
        with pytest.raises(Exception, match="NOT_FOUND"):
            dead_letters.replay(elsewhere, "deck")
        assert _depth(settings, dead_queue) == 1
    finally:
        with messaging.connect(settings) as connection, connection.channel() as channel:
            dead_queue(channel).delete()
