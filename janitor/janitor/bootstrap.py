"""Wires the janitor's collaborators in one place; the clock is injectable for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from janitor.settings import JanitorSettings
from jaryo_shared import database, messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.topology import Topology


@dataclass
class Dependencies:
    settings: JanitorSettings
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher
    clock: Clock = field(default_factory=SystemClock)


def bootstrap(settings: JanitorSettings, clock: Clock | None = None) -> Dependencies:
    return Dependencies(
        settings=settings,
        db=database.database(database.connect(settings), settings),
        store=objectstore.ObjectStore(objectstore.client(settings)),
        publisher=messaging.Publisher(messaging.connect(settings), Topology(settings)),
        clock=clock or SystemClock(),
    )
