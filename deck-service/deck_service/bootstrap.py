"""Wires the deck service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from deck_service.settings import DeckSettings
from jaryo_shared import database, messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.topology import Topology


@dataclass
class Dependencies:
    settings: DeckSettings
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher
    clock: Clock = field(default_factory=SystemClock)


def bootstrap(settings: DeckSettings) -> Dependencies:
    return Dependencies(
        settings=settings,
        db=database.database(database.connect(settings), settings),
        store=objectstore.ObjectStore(objectstore.client(settings)),
        publisher=messaging.Publisher(messaging.connect(settings), Topology(settings)),
    )
