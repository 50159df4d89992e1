"""What the tests read off the broker and the metrics to tell that a worker handled every
message on its first delivery: no handler failure (so no retry) and nothing dead-lettered."""

from __future__ import annotations

from prometheus_client import REGISTRY

from jaryo_shared import events, messaging
from jaryo_shared.topology import Topology

UPLOAD_RECEIVED = events.UploadReceived.event_type


def dead_letter_depth(settings, service: str) -> int:
    with messaging.connect(settings) as connection, connection.channel() as channel:
        queue = Topology(settings).dead_letter_queue(service)(channel)
        return queue.queue_declare(passive=True).message_count


def failures_counted(settings, service: str) -> float:
    """Handler failures of this process's workers on the service's queue (retried or not)."""
    labels = {"queue": Topology(settings).queue_name(service), "event_type": UPLOAD_RECEIVED}
    return REGISTRY.get_sample_value("jaryo_messages_failed_total", labels) or 0.0


def trouble(settings) -> dict[str, tuple[float, int]]:
    """Per image service: handler failures so far and dead letters waiting."""
    return {
        service: (failures_counted(settings, service), dead_letter_depth(settings, service))
        for service in ("storage", "ocr")
    }
