"""Publishing events with broker confirms, and consuming a service's queue with manual acks.

A handler that raises `PermanentError` has its message dead-lettered at once, with the reason in
its `x-jaryo-reason` header; any other exception is treated as transient: the message is requeued
and retried until the queue's delivery limit dead-letters it. A message is acked only after its
handler returned, so its work is durable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kombu import Connection, Consumer, Producer, Queue
from kombu.mixins import ConsumerMixin
from kombu.transport.base import Message

from jaryo_shared import events, metrics
from jaryo_shared.logs import correlation
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)

Handler = Callable[[events.Envelope, events.Payload], None]


class PermanentError(Exception):
    """The message can never succeed; dead-letter it now instead of retrying."""


def connect(settings: Settings) -> Connection:
    """A broker connection whose publishes wait for the broker's confirm."""
    return Connection(
        settings.amqp_url,
        # Connection retries are bounded: callers decide how to wait (workers reconnect in their
        # loop, the gateway leaves unpublished events to the outbox relay).
        transport_options={
            "confirm_publish": True,
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.4,
            "interval_max": 1.0,
        },
        connect_timeout=5,
        heartbeat=30,
    )


class Publisher:
    """Publishes envelopes to the events exchange; returns only once the broker confirmed."""

    def __init__(self, connection: Connection, topology: Topology, max_retries: int = 3) -> None:
        self._connection = connection
        self._max_retries = max_retries
        self._exchange = topology.exchange
        self._lock = threading.Lock()  # a kombu channel must not be shared between threads
        self._producer: Producer | None = None

    def publish(self, envelope: events.Envelope) -> None:
        with self._lock:
            try:
                self._publish(envelope)
            except Exception:
                # A broker away for longer than the retries leaves the producer on a channel
                # kombu has collected, and every later publish would fail with "channel is None"
                # until the process restarts. The next publish starts from a fresh channel.
                self._producer = None
                raise

    def _publish(self, envelope: events.Envelope) -> None:
        if self._producer is None:
            self._producer = Producer(self._connection.default_channel, self._exchange)
        self._connection.ensure(
            self._producer,
            self._producer.publish,
            max_retries=self._max_retries,
            interval_start=0.2,
            interval_step=0.5,
        )(
            envelope.model_dump_json().encode(),
            routing_key=envelope.routing_key,
            content_type=events.CONTENT_TYPE,
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=envelope.id,
            headers={"correlation_id": envelope.correlationid or ""},
            declare=[self._exchange],
        )

    def close(self) -> None:
        with self._lock:
            self._producer = None
            self._connection.release()


class Worker(ConsumerMixin):
    """Consumes one queue, dispatching each event to the handler for its type."""

    def __init__(
        self,
        connection: Connection,
        queue: Queue,
        handlers: dict[str, Handler],
        *,
        prefetch: int = 1,
        retry_delay_seconds: float = 1.0,
    ) -> None:
        self.connection = connection
        self.queue = queue
        self.handlers = handlers
        self.prefetch = prefetch
        self.retry_delay_seconds = retry_delay_seconds
        self.handled = 0

    def get_consumers(self, consumer_cls: type[Consumer], channel: object) -> list[Consumer]:
        return [
            consumer_cls(  # type: ignore[call-arg]  # ConsumerMixin binds the channel
                queues=[self.queue],
                on_message=self.on_message,
                prefetch_count=self.prefetch,
            )
        ]

    def stop(self) -> None:
        """Finish the message in hand, then return from `run()` (safe from a signal handler)."""
        self.should_stop = True

    def on_message(self, message: Message) -> None:
        try:
            envelope, payload = events.parse(message.body)
        except ValueError as exc:
            log.error("dead-lettering an unreadable message: %s", exc)
            metrics.MESSAGES_DEAD_LETTERED.labels(self.queue.name, "unreadable").inc()
            message.reject(requeue=False)
            return
        handler = self.handlers.get(envelope.type)
        with correlation(envelope.correlationid):
            if handler is None:
                log.error("no handler for %s; dead-lettering it", envelope.type)
                metrics.MESSAGES_DEAD_LETTERED.labels(self.queue.name, envelope.type).inc()
                message.reject(requeue=False)
                return
            self._dispatch(handler, envelope, payload, message, (self.queue.name, envelope.type))

    def _dispatch(
        self,
        handler: Handler,
        envelope: events.Envelope,
        payload: events.Payload,
        message: Message,
        labels: tuple[str, str],
    ) -> None:
        deliveries = int((message.headers or {}).get("x-delivery-count", 0)) + 1
        try:
            with metrics.PROCESSING_SECONDS.labels(*labels).time():  # not the retry pause
                handler(envelope, payload)
        except PermanentError as exc:
            log.error("%s %s failed for good: %s", envelope.type, envelope.id, exc)
            metrics.MESSAGES_FAILED.labels(*labels).inc()
            self._dead_letter(message, str(exc))
            metrics.MESSAGES_DEAD_LETTERED.labels(*labels).inc()
        except Exception:
            log.exception(
                "%s %s failed (delivery %d); it will be retried",
                envelope.type,
                envelope.id,
                deliveries,
            )
            metrics.MESSAGES_FAILED.labels(*labels).inc()
            time.sleep(self.retry_delay_seconds)
            message.requeue()
            metrics.MESSAGES_RETRIED.labels(*labels).inc()
        else:
            message.ack()
            self.handled += 1
            metrics.MESSAGES_HANDLED.labels(*labels).inc()

    def _dead_letter(self, message: Message, reason: str) -> None:
        """Move the message to the queue's dead-letter queue with the reason in a header, where
        an operator can read it and replay the message. The broker's own dead-lettering (reject)
        would only say "rejected"."""
        arguments = getattr(self.queue, "queue_arguments", None) or {}
        exchange = arguments.get("x-dead-letter-exchange")
        if not exchange:
            message.reject(requeue=False)
            return
        producer = Producer(message.channel)
        producer.publish(
            message.body,
            exchange=exchange,
            routing_key=arguments.get("x-dead-letter-routing-key", self.queue.name),
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            delivery_mode=2,
            headers={**(message.headers or {}), "x-jaryo-reason": reason[:1000]},
            message_id=message.properties.get("message_id"),
        )
        message.ack()
