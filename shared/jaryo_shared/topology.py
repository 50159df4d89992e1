"""The broker's shape, declared in one place: the events exchange, each service's quorum queue
with its dead-letter queue, and which events each queue receives."""

from __future__ import annotations

from dataclasses import dataclass

from kombu import Connection, Exchange, Queue, binding

from jaryo_shared import events, webhook_events
from jaryo_shared.settings import Settings


@dataclass(frozen=True)
class QueueSpec:
    service: str
    routing_keys: tuple[str, ...]


# Each consuming service gets its own queue, so one event fans out to all that want it. Storage
# and OCR take an upload image by image (image.received). They stay bound to upload.received
# for a release, so that no upload is lost while gateways and workers are upgraded one by one:
# they work whole uploads from a gateway that announces no images, and pass over the others
# (docs/events.md).
_UPLOAD_WORK = (events.ImageReceived.routing_key(), events.UploadReceived.routing_key())
SERVICE_QUEUES: dict[str, QueueSpec] = {
    spec.service: spec
    for spec in (
        QueueSpec("storage", _UPLOAD_WORK),
        QueueSpec("ocr", (*_UPLOAD_WORK, events.ImageCornersFixed.routing_key())),
        QueueSpec(
            "deck", (events.DeckRequested.routing_key(), events.DeckPdfRequested.routing_key())
        ),
        QueueSpec("janitor", ()),
        # The webhook service takes the events a webhook may subscribe to, and sends each of
        # their deliveries (one hook, one event, one attempt) through its own queue, which
        # nothing routes to: it publishes them there, now or after a wait (webhook_service).
        QueueSpec("webhook", webhook_events.routing_keys()),
        QueueSpec("webhook.deliveries", ()),
    )
}


@dataclass(frozen=True)
class Topology:
    settings: Settings

    @property
    def exchange(self) -> Exchange:
        return Exchange(self.settings.exchange, type="topic", durable=True)

    @property
    def dead_letter_exchange(self) -> Exchange:
        return Exchange(self.settings.dead_letter_exchange, type="direct", durable=True)

    def queue_name(self, service: str) -> str:
        return f"{self.settings.queue_prefix}.{service}"

    def queue(self, service: str, extra_routing_keys: tuple[str, ...] = ()) -> Queue:
        """The service's work queue: quorum, durable, dead-lettered after `delivery_limit`."""
        spec = SERVICE_QUEUES[service]
        name = self.queue_name(service)
        keys = spec.routing_keys + extra_routing_keys
        return Queue(
            name,
            bindings=[binding(self.exchange, routing_key=key) for key in keys],
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-dead-letter-exchange": self.settings.dead_letter_exchange,
                "x-dead-letter-routing-key": name,
                "x-delivery-limit": self.settings.delivery_limit,
            },
        )

    def dead_letter_queue(self, service: str) -> Queue:
        name = self.queue_name(service)
        return Queue(
            f"{name}.dead",
            exchange=self.dead_letter_exchange,
            routing_key=name,
            durable=True,
            queue_arguments={"x-queue-type": "quorum"},
        )

    def all_queues(self) -> list[Queue]:
        queues: list[Queue] = []
        for service in SERVICE_QUEUES:
            queues += [self.queue(service), self.dead_letter_queue(service)]
        return queues

    def declare(self, connection: Connection) -> None:
        """Create the exchanges and every queue with its bindings (idempotent)."""
        with connection.channel() as channel:
            self.exchange(channel).declare()
            self.dead_letter_exchange(channel).declare()
            for queue in self.all_queues():
                queue(channel).declare()
