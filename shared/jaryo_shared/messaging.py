"""Publishing events with broker confirms, and consuming a service's queue with manual acks.

A handler that raises `PermanentError` has its message dead-lettered at once, with the reason in
its `x-jaryo-reason` header; any other exception is treated as transient: the message is requeued
and retried until the queue's delivery limit dead-letters it. A server the handler needs being out
of reach (database, object store, broker) is not the message's fault: the worker keeps the message
and calls the handler again as the outage lasts, so a restart of a server does not spend the
deliveries of every message in flight. A message is acked only after its handler returned, so its
work is durable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import urllib3
from amqp.exceptions import AMQPError
from kombu import Connection, Consumer, Producer, Queue
from kombu.exceptions import OperationalError
from kombu.mixins import ConsumerMixin
from kombu.transport.base import Message
from pymongo.errors import ConnectionFailure

from jaryo_shared import events, metrics
from jaryo_shared.logs import correlation
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)

Handler = Callable[[events.Envelope, events.Payload], None]

# What a handler raises when a server it needs cannot be reached: a refused or dropped connection
# to the broker (kombu), the database (pymongo) or the object store (urllib3, under minio).
UNREACHABLE: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    OperationalError,
    ConnectionFailure,
    urllib3.exceptions.MaxRetryError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.NewConnectionError,
)
OUTAGE_PATIENCE_SECONDS = 300.0  # then the message is requeued and counts a delivery, as before
OUTAGE_MAX_PAUSE_SECONDS = 10.0
HEARTBEAT_EVERY_SECONDS = 10.0  # well inside the broker's 2 x 30 s heartbeat timeout


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


@dataclass(frozen=True)
class _Delivery:
    """One message in hand: the handler for it, what it carries, and its metrics' labels."""

    handler: Handler
    envelope: events.Envelope
    payload: events.Payload
    message: Message
    labels: tuple[str, str]


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
        outage_patience_seconds: float = OUTAGE_PATIENCE_SECONDS,
    ) -> None:
        self.connection = connection
        self.queue = queue
        self.handlers = handlers
        self.prefetch = prefetch
        self.retry_delay_seconds = retry_delay_seconds
        self.outage_patience_seconds = outage_patience_seconds
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
            labels = (self.queue.name, envelope.type)
            self._dispatch(_Delivery(handler, envelope, payload, message, labels))

    def _dispatch(self, delivery: _Delivery) -> None:
        envelope, message, labels = delivery.envelope, delivery.message, delivery.labels
        deliveries = int((message.headers or {}).get("x-delivery-count", 0)) + 1
        try:
            self._call_through_outages(delivery)
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

    def _call_through_outages(self, delivery: _Delivery) -> None:
        """Call the handler; while a server it needs is out of reach, call it again (handlers are
        idempotent), pausing longer each time, with the message in hand. Requeueing instead
        would spend a delivery a second: five deliveries did not outlast a restart of SeaweedFS,
        and every message in flight was dead-lettered."""
        envelope = delivery.envelope
        give_up = time.monotonic() + self.outage_patience_seconds
        pause = max(self.retry_delay_seconds, 0.1)
        while True:
            try:
                with metrics.PROCESSING_SECONDS.labels(*delivery.labels).time():  # not the pauses
                    delivery.handler(envelope, delivery.payload)
                return
            except UNREACHABLE as exc:
                if self.should_stop or time.monotonic() + pause > give_up:
                    raise
                log.warning(
                    "%s %s: a server it needs is out of reach (%s: %s); trying again in %.1f s",
                    envelope.type,
                    envelope.id,
                    type(exc).__name__,
                    exc,
                    pause,
                )
                self._pause(pause, delivery.message)
                pause = min(pause * 2, OUTAGE_MAX_PAUSE_SECONDS)

    def _pause(self, seconds: float, message: Message) -> None:
        """Sleep, keeping the broker connection alive: the consume loop, which would send its
        heartbeats, is blocked in this handler."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0 and not self.should_stop:
            time.sleep(min(left, HEARTBEAT_EVERY_SECONDS))
            connection = getattr(message.channel, "connection", None)
            if connection is None:
                continue  # the channel is closed: the message will be redelivered anyway
            try:
                connection.send_heartbeat()
            except (OSError, AMQPError):  # the broker is gone too; the ack will say so
                log.debug("no heartbeat sent while waiting", exc_info=True)

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
