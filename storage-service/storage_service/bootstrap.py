"""Wires the storage service's collaborators in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from jaryo_shared import database, messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.topology import Topology
from storage_service.settings import StorageSettings


@dataclass
class Dependencies:
    settings: StorageSettings
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher
    clock: Clock = field(default_factory=SystemClock)


def bootstrap(settings: StorageSettings) -> Dependencies:
    return Dependencies(
        settings=settings,
        db=database.database(database.connect(settings), settings),
        store=objectstore.ObjectStore(objectstore.client(settings)),
        publisher=messaging.Publisher(messaging.connect(settings), Topology(settings)),
    )
