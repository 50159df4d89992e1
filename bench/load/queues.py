"""How many messages wait in each service's work queue of the cluster's namespace: a queue that
keeps growing during a step names the stage that cannot keep up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from amqp.exceptions import NotFound
from kombu import Connection

from jaryo_shared.settings import Settings
from jaryo_shared.topology import SERVICE_QUEUES, Topology

WORK_QUEUES = tuple(service for service in SERVICE_QUEUES if service != "janitor")
log = logging.getLogger(__name__)


@contextmanager
def depth_probe(settings: Settings) -> Iterator[Callable[[], dict[str, int]]]:
    """A function giving the messages waiting in each work queue that exists, over one
    connection of its own, closed afterwards."""
    with Connection(settings.amqp_url, heartbeat=0) as connection:
        names = {}
        for service in WORK_QUEUES:
            name = Topology(settings).queue_name(service)
            try:
                connection.channel().queue_declare(name, passive=True)
                names[service] = name
            except NotFound:  # a passive declare of a missing queue also closes its channel
                log.warning("no queue %s: is the cluster provisioned (make up)?", name)
        channel = connection.channel()

        def depths() -> dict[str, int]:
            return {
                service: channel.queue_declare(name, passive=True).message_count
                for service, name in names.items()
            }

        yield depths
