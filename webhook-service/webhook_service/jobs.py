"""Delivery jobs: one event for one webhook, with the attempt's number, on the service's
deliveries queue, now or after a wait.

A wait is a queue per delay (`<prefix>.webhook.wait.<milliseconds>`) whose messages expire after
that delay and are then dead-lettered by the broker into the deliveries queue. So a retry waits
in the broker, not in a worker: it survives a restart of the service and holds no consumer. A
changed delay setting declares new wait queues (a queue's TTL cannot change) and the old ones
still deliver what they hold. A job's body is the event exactly as the service received it;
the hook and the attempt ride in headers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kombu import Connection, Producer, Queue

from jaryo_shared import events
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology
from webhook_service.backoff import wait_milliseconds

HOOK_HEADER = "x-jaryo-webhook-id"
ATTEMPT_HEADER = "x-jaryo-webhook-attempt"
EVENTS_SERVICE = "webhook"  # the queue of the events (jaryo_shared.topology)
DELIVERIES_SERVICE = "webhook.deliveries"  # the queue of the jobs


@dataclass(frozen=True)
class Job:
    hook_id: str
    attempt: int  # from 1

    @classmethod
    def from_headers(cls, headers: Mapping[str, Any] | None) -> Job:
        headers = headers or {}
        try:
            hook_id, attempt = str(headers[HOOK_HEADER]), int(headers[ATTEMPT_HEADER])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a webhook delivery job: {exc!r}") from exc
        if attempt < 1:
            raise ValueError(f"not a webhook delivery job: attempt {attempt}")
        return cls(hook_id, attempt)

    def headers(self) -> dict[str, Any]:
        return {HOOK_HEADER: self.hook_id, ATTEMPT_HEADER: self.attempt}


@dataclass(frozen=True)
class WebhookQueues:
    """The names and shapes of the service's queues."""

    settings: Settings

    @property
    def deliveries(self) -> Queue:
        return Topology(self.settings).queue(DELIVERIES_SERVICE)

    @property
    def deliveries_name(self) -> str:
        return Topology(self.settings).queue_name(DELIVERIES_SERVICE)

    def wait_name(self, delay_seconds: float) -> str:
        events_queue = Topology(self.settings).queue_name(EVENTS_SERVICE)
        return f"{events_queue}.wait.{wait_milliseconds(delay_seconds)}"

    def wait_queue(self, delay_seconds: float) -> Queue:
        return Queue(
            self.wait_name(delay_seconds),
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-message-ttl": wait_milliseconds(delay_seconds),
                # Expired jobs go, by the default exchange, to the deliveries queue; the broker
                # keeps each until the deliveries queue confirmed it (at-least-once).
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.deliveries_name,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    def wait_queues(self, delays: Iterable[float]) -> list[Queue]:
        names = {self.wait_name(delay): delay for delay in delays}
        return [self.wait_queue(delay) for delay in names.values()]

    def declare(self, connection: Connection, delays: Iterable[float]) -> None:
        """The deliveries queue with its dead-letter queue, and a wait queue per delay."""
        topology = Topology(self.settings)
        with connection.channel() as channel:
            topology.dead_letter_exchange(channel).declare()
            for queue in (
                self.deliveries,
                topology.dead_letter_queue(DELIVERIES_SERVICE),
                *self.wait_queues(delays),
            ):
                queue(channel).declare()


class JobQueue:
    """Puts jobs on the deliveries queue, or on a wait queue, once the broker confirmed them."""

    def __init__(self, connection: Connection, queues: WebhookQueues, max_retries: int = 3):
        self._connection = connection
        self._queues = queues
        self._max_retries = max_retries
        self._lock = threading.Lock()  # a kombu channel must not be shared between threads
        self._producer: Producer | None = None

    def put(self, body: bytes, job: Job, event_id: str, *, delay_seconds: float = 0) -> None:
        queue = self._queues.wait_name(delay_seconds) if delay_seconds > 0 else None
        with self._lock:
            try:
                self._put(body, job, event_id, queue or self._queues.deliveries_name)
            except Exception:
                self._producer = None  # the next put starts from a fresh channel (messaging.py)
                raise

    def _put(self, body: bytes, job: Job, event_id: str, routing_key: str) -> None:
        if self._producer is None:
            self._producer = Producer(self._connection.default_channel)
        self._connection.ensure(
            self._producer,
            self._producer.publish,
            max_retries=self._max_retries,
            interval_start=0.2,
            interval_step=0.5,
        )(
            body,
            exchange="",
            routing_key=routing_key,
            content_type=events.CONTENT_TYPE,
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=f"{job.hook_id}:{event_id}:{job.attempt}",
            headers=job.headers(),
        )

    def close(self) -> None:
        with self._lock:
            self._producer = None
            self._connection.release()
