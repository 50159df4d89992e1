"""Wires the webhook service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from jaryo_shared import database, messaging
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.slots import Slots
from webhook_service.jobs import JobQueue, WebhookQueues
from webhook_service.settings import WebhookSettings


@dataclass
class Dependencies:
    """The database, the delivery job queue, the senders' shares and the clock the handlers
    use (no object store: a delivery's body is the event itself)."""

    settings: WebhookSettings
    db: Database
    jobs: JobQueue
    clock: Clock = field(default_factory=SystemClock)
    shares: Slots = field(init=False)

    def __post_init__(self) -> None:
        # Each sender holds one job at a time, so the process never has more in flight than
        # senders: the cap that matters is the person's.
        self.shares = Slots(
            max_total=self.settings.webhook_senders,
            max_per_user=self.settings.webhook_senders_per_user,
        )

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
