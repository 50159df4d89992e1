"""Wires the webhook service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from jaryo_shared import database, messaging
from jaryo_shared.clock import Clock, SystemClock
from webhook_service.jobs import JobQueue, WebhookQueues
from webhook_service.settings import WebhookSettings


@dataclass
class Dependencies:
    """The database, the delivery job queue and the clock the handlers use (no object store:
    a delivery's body is the event itself)."""

    settings: WebhookSettings
    db: Database
    jobs: JobQueue
    clock: Clock = field(default_factory=SystemClock)

    def close(self) -> None:
        self.jobs.close()
        self.db.client.close()


def bootstrap(settings: WebhookSettings) -> Dependencies:
    """The servers' clients, built once per process (nothing connects at import)."""
    return Dependencies(
        settings=settings,
        db=database.database(database.connect(settings), settings),
        jobs=JobQueue(messaging.connect(settings), WebhookQueues(settings)),
    )
