"""Wires the deck service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass

from deck_service.settings import DeckSettings
from jaryo_shared.wiring import WorkerDependencies, clients

# The collections whose outboxes the deck service writes events into, and so relays.
OUTBOX_COLLECTIONS = ("deck_builds", "deck_pdfs")


@dataclass
class Dependencies(WorkerDependencies[DeckSettings]):
    """The database, object store, publisher and clock the deck handlers use."""


def bootstrap(settings: DeckSettings) -> Dependencies:
    return Dependencies(settings=settings, **clients(settings))
