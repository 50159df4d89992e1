"""Wires the storage service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass

from jaryo_shared.wiring import WorkerDependencies, clients
from storage_service.settings import StorageSettings

# The collections whose outboxes storage writes events into, and so relays (docs/architecture.md).
OUTBOX_COLLECTIONS = ("images", "upload_completions")


@dataclass
class Dependencies(WorkerDependencies[StorageSettings]):
    """The database, object store, publisher and clock the storage handlers use."""


def bootstrap(settings: StorageSettings) -> Dependencies:
    return Dependencies(settings=settings, **clients(settings))
