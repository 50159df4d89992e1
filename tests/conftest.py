"""Fixtures over the real local servers. Each test session works in its own namespace (database,
exchange, queues and buckets named after a random run id) and removes it afterwards."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from kombu import Connection

from jaryo_shared import database, messaging, objectstore
from jaryo_shared.provision import deprovision, provision
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology
from tests.helpers import run_namespace


def _run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    run = _run_id()
    s = Settings(
        service_name="tests",
        **run_namespace("test", run),
        delivery_limit=3,
        retry_delay_seconds=0.05,
    )
    provision(s)
    yield s
    deprovision(s)


@pytest.fixture(scope="session")
def mongo(settings: Settings):
    client = database.connect(settings)
    yield client
    client.close()


@pytest.fixture
def db(mongo, settings: Settings):
    return database.database(mongo, settings)


@pytest.fixture(scope="session")
def store(settings: Settings) -> objectstore.ObjectStore:
    return objectstore.ObjectStore(objectstore.client(settings))


@pytest.fixture
def broker(settings: Settings) -> Iterator[Connection]:
    with messaging.connect(settings) as connection:
        yield connection


@pytest.fixture
def publisher(settings: Settings) -> Iterator[messaging.Publisher]:
    p = messaging.Publisher(messaging.connect(settings), Topology(settings))
    yield p
    p.close()


@pytest.fixture
def purge_queues(settings: Settings) -> Callable[[], None]:
    def purge() -> None:
        with messaging.connect(settings) as connection, connection.channel() as channel:
            for queue in Topology(settings).all_queues():
                queue(channel).purge()

    return purge


@pytest.fixture
def run_worker(settings: Settings):
    """Start a worker on a service's queue in a thread; it is stopped after the test."""
    started: list[tuple[messaging.Worker, threading.Thread, Connection]] = []

    def start(service: str, handlers: dict[str, messaging.Handler]) -> messaging.Worker:
        connection = messaging.connect(settings)
        worker = messaging.Worker(
            connection,
            Topology(settings).queue(service),
            handlers,
            retry_delay_seconds=settings.retry_delay_seconds,
        )
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        started.append((worker, thread, connection))
        return worker

    yield start
    for worker, thread, connection in started:
        worker.stop()
        thread.join(timeout=10)
        connection.release()
