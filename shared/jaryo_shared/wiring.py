"""What every worker service wires the same way at start-up: its database, object store and event
publisher, in a `Dependencies` it extends with its own settings (and anything else it needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypedDict, TypeVar

from pymongo.database import Database

from jaryo_shared import database, messaging, objectstore
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

SettingsT = TypeVar("SettingsT", bound=Settings)


class Clients(TypedDict):
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher


def clients(settings: Settings) -> Clients:
    """The servers' clients, built once per process (nothing connects at import)."""
    return Clients(
        db=database.database(database.connect(settings), settings),
        store=objectstore.ObjectStore(objectstore.client(settings)),
        publisher=messaging.Publisher(messaging.connect(settings), Topology(settings)),
    )


@dataclass
class WorkerDependencies(Generic[SettingsT]):
    """What a worker's handlers receive; a service subclasses it with its own settings type."""

    settings: SettingsT
    db: Database
    store: objectstore.ObjectStore
    publisher: messaging.Publisher
    clock: Clock = field(default_factory=SystemClock)
