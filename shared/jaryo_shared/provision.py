"""Create what the cluster needs before it starts: exchanges, queues, buckets and indexes."""

from __future__ import annotations

import logging
import time

from minio.error import S3Error
from pymongo.errors import PyMongoError

from jaryo_shared import database, messaging, objectstore
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
        database.ensure_indexes(database.database(client, settings))
    finally:
        client.close()
