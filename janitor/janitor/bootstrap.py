"""Wires the janitor's collaborators in one place; the clock is injectable for tests."""

from __future__ import annotations

from dataclasses import dataclass

from janitor.settings import JanitorSettings
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.wiring import WorkerDependencies, clients

# The collections whose outboxes the janitor writes events into, and so relays: the settle of a
# stuck upload (`upload.completed`) and the failure of a stuck deck (`deck.failed`).
OUTBOX_COLLECTIONS = ("upload_completions", "deck_builds")


@dataclass
class Dependencies(WorkerDependencies[JanitorSettings]):
    """The database, object store, publisher and clock the janitor's policies use."""


def bootstrap(settings: JanitorSettings, clock: Clock | None = None) -> Dependencies:
    return Dependencies(settings=settings, **clients(settings), clock=clock or SystemClock())
