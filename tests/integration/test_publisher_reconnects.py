"""A publisher outlives a broker outage longer than its retries: once the broker is back, the next
publish goes through. (Found by the fault suite: after a RabbitMQ restart every service's
publisher failed with "channel is None" until the process was restarted, so every message was
retried into the dead-letter queue and every upload in flight stayed `processing`.)

The outage is made by a TCP proxy in front of the real broker: the shared broker is never
stopped, others' tests run on it."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import suppress
from urllib.parse import urlsplit

import pytest
from kombu import Connection, Queue, binding

from jaryo_shared import events, messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until

pytestmark = pytest.mark.integration


class Proxy:
    """Forwards 127.0.0.1:<port> to the broker; `cut()` drops every connection and refuses new
    ones (as a broker that died would), `restore()` listens on the same port again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            assert self._listener is not None
            with suppress(OSError):  # wakes the accept() blocked on it (close alone does not)
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            for s in self._sockets:
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


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
