"""Create what the cluster needs before it starts: exchanges, queues, buckets and indexes."""

from __future__ import annotations

from jaryo_shared import database, messaging, objectstore
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology


def provision(settings: Settings) -> None:
    with messaging.connect(settings) as connection:
        Topology(settings).declare(connection)
    objectstore.ObjectStore(objectstore.client(settings)).ensure_buckets(settings.buckets)
    client = database.connect(settings)
    try:
        database.ensure_indexes(database.database(client, settings))
    finally:
        client.close()
