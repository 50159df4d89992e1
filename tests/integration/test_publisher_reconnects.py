"""A publisher outlives a broker outage longer than its retries: once the broker is back, the next
publish goes through. (Found by the fault suite: after a RabbitMQ restart every service's
publisher failed with "channel is None" until the process was restarted, so every message was
retried into the dead-letter queue and every upload in flight stayed `processing`.)

The outage is made by a TCP proxy in front of the real broker: the shared broker is never
stopped, others' tests run on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import suppress
from urllib.parse import urlsplit

import pytest
from kombu import Connection, Queue, binding

from jaryo_shared import events, messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until
from tests.proxy import Proxy

pytestmark = pytest.mark.integration


@pytest.fixture
def proxy(settings) -> Iterator[Proxy]:
    broker = urlsplit(settings.amqp_url)
    p = Proxy((broker.hostname or "127.0.0.1", broker.port or 5672))
    yield p
    with suppress(Exception):
        p.cut()


def _event() -> events.Envelope:
    return events.wrap(
        events.DeckRequested(
            deck_id=uuid.uuid4().hex, user_id="u-publisher", template_id="clean", slide_count=1
        ),
        source="tests",
        subject="publisher",
    )


def test_a_publisher_publishes_again_once_the_broker_is_back(settings, proxy):
    topology = Topology(settings)
    broker = urlsplit(settings.amqp_url)
    proxied = broker._replace(netloc=f"{broker.username}:{broker.password}@127.0.0.1:{proxy.port}")
    via_proxy = settings.model_copy(update={"amqp_url": proxied.geturl()})
    with Connection(settings.amqp_url) as direct:
        seen = Queue(
            f"publisher-probe-{uuid.uuid4().hex[:8]}",
            bindings=[binding(topology.exchange, routing_key="#")],
            exclusive=True,
        )(direct.default_channel)
        seen.declare()

        def arrived(envelope: events.Envelope):
            def check() -> bool:
                while (message := seen.get(no_ack=True)) is not None:
                    if events.parse(message.body)[0].id == envelope.id:
                        return True
                return False

            return check

        publisher = messaging.Publisher(messaging.connect(via_proxy), topology, max_retries=1)
        try:
            before = _event()
            publisher.publish(before)
            wait_until(arrived(before), timeout=10)

            proxy.cut()  # longer than the publisher's retries: this publish fails, as it should
            with pytest.raises(Exception):  # noqa: B017 - kombu raises what the socket said
                publisher.publish(_event())

            proxy.restore()
            after = _event()
            publisher.publish(after)
            wait_until(arrived(after), timeout=10)
        finally:
            publisher.close()
