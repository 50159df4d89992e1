"""An event a writer adds to a document's outbox is published once, even when a relay pass comes
between the writer's write and its own flush. (Found by the fault suite: a team consuming the
events got one `deck.completed` twice; `outbox.push` left the document unclaimed, so the
gateway's relay published the entry while the deck service was publishing it too.)"""

from __future__ import annotations

import uuid

import pytest
from kombu import Connection, Queue, binding

from jaryo_shared import events, outbox
from jaryo_shared.clock import SystemClock
from jaryo_shared.topology import Topology

pytestmark = pytest.mark.integration


def test_a_relay_pass_between_a_write_and_its_flush_does_not_publish_the_event_twice(
    settings, db, publisher
):
    deck_id = uuid.uuid4().hex
    envelope = events.wrap(
        events.DeckFailed(deck_id=deck_id, user_id="u-claims", reason="a test"),
        source="tests",
        subject=deck_id,
    )
    with Connection(settings.amqp_url) as direct:
        seen = Queue(
            f"claims-probe-{uuid.uuid4().hex[:8]}",
            bindings=[binding(Topology(settings).exchange, routing_key="deck.failed.v1")],
            exclusive=True,
        )(direct.default_channel)
        seen.declare()

        db.deck_builds.insert_one({"_id": deck_id, "status": "building"})
        owed = outbox.entries(envelope)
        db.deck_builds.update_one({"_id": deck_id}, outbox.push(owed=owed))
        outbox.relay_once(db.deck_builds, publisher, SystemClock())  # another process's pass
        outbox.flush(db.deck_builds, deck_id, publisher, owed)  # the writer's own

        published = []
        while (message := seen.get(no_ack=True)) is not None:
            published.append(events.parse(message.body)[0].id)
    assert published.count(envelope.id) == 1
    assert db.deck_builds.find_one({"_id": deck_id})["outbox"] == []
