"""Create what the cluster needs before it starts: exchanges, queues, buckets and indexes, and
the listing entries of uploads and decks recorded before listings existed (`backfill` of
upload_listings and deck_listings)."""

from __future__ import annotations

import logging
import time

from minio.error import S3Error
from pymongo.errors import PyMongoError

from jaryo_shared import database, deck_listings, messaging, objectstore, upload_listings
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)


def provision(settings: Settings, attempts: int = 10) -> None:
    """Retries while servers that have just opened their ports finish starting."""
    for attempt in range(1, attempts + 1):
        try:
            _provision(settings)
            return
        except (OSError, PyMongoError, S3Error) as exc:
            if attempt == attempts:
                raise
            log.warning("provisioning failed (%s); retrying", exc)
            time.sleep(min(0.5 * attempt, 3))


def _provision(settings: Settings) -> None:
    with messaging.connect(settings) as connection:
        Topology(settings).declare(connection)
    objectstore.ObjectStore(objectstore.client(settings)).ensure_buckets(settings.buckets)
    client = database.connect(settings)
    try:
        db = database.database(client, settings)
        database.ensure_indexes(db)
        listed = upload_listings.backfill(db)
        if listed:
            log.info("listed %d uploads recorded before listings existed", listed)
        listed = deck_listings.backfill(db)
        if listed:
            log.info("listed %d decks recorded before listings existed", listed)
    finally:
        client.close()


def deprovision(settings: Settings) -> None:
    """Remove everything `provision` made for these settings, data included (tests, benches)."""
    client = database.connect(settings)
    try:
        client.drop_database(settings.mongo_db)
    finally:
        client.close()
    store = objectstore.ObjectStore(objectstore.client(settings))
    for bucket in settings.buckets:
        store.delete_bucket(bucket)
    with messaging.connect(settings) as connection, connection.channel() as channel:
        topology = Topology(settings)
        for queue in topology.all_queues():
            queue(channel).delete()
        topology.exchange(channel).delete()
        topology.dead_letter_exchange(channel).delete()
