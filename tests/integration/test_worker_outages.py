"""A worker waits out an outage of a server its handler needs, with the message in hand, instead
of spending the message's deliveries on it. (Found by the fault suite: SeaweedFS or FerretDB
down for a few seconds used up five deliveries at one a second, so every message in flight was
dead-lettered and its upload stayed `processing`.)

The outage is made by a TCP proxy in front of the real FerretDB: the shared server is never
stopped, others' tests run on it."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from jaryo_shared import database, events, messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until
from tests.proxy import Proxy

pytestmark = pytest.mark.integration


def test_an_outage_longer_than_the_delivery_limit_is_waited_out_not_dead_lettered(
    settings, run_worker, purge_queues, publisher
):
    mongo = urlsplit(settings.mongo_url)
    proxy = Proxy((mongo.hostname or "127.0.0.1", mongo.port or 27017))
    via_proxy = settings.model_copy(
        update={"mongo_url": f"mongodb://127.0.0.1:{proxy.port}/", "mongo_timeout_ms": 200}
    )
    client = database.connect(via_proxy)
    db = database.database(client, via_proxy)
    attempts: list[str] = []

    def handler(envelope: events.Envelope, _payload: events.Payload) -> None:
        attempts.append(envelope.id)
        db.outage_probe.replace_one({"_id": envelope.id}, {"seen": True}, upsert=True)

    purge_queues()
    run_worker("deck", {events.DeckRequested.event_type: handler})
    event = events.wrap(
        events.DeckRequested(
            deck_id=uuid.uuid4().hex, user_id="u-outage", template_id="clean", slide_count=1
        ),
        source="tests",
    )
    try:
        proxy.cut()
        publisher.publish(event)
        # Down for longer than the queue's deliveries would last if each failure cost one.
        wait_until(lambda: len(attempts) > settings.delivery_limit + 1, timeout=30)
        proxy.restore()
        wait_until(lambda: db.outage_probe.find_one({"_id": event.id}), timeout=30)
    finally:
        proxy.cut()
        client.close()

    with messaging.connect(settings) as connection, connection.channel() as channel:
        dead = Topology(settings).dead_letter_queue("deck")(channel)
        assert dead.queue_declare(passive=True).message_count == 0
