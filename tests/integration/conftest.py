"""The API over the real servers: the gateway app with the storage and OCR workers consuming
beside it, and an event probe that sees every event the exchange routes."""

from __future__ import annotations

import logging
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import g, request
from kombu import Connection, Queue, binding

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from gateway.app import create_app
from gateway.settings import GatewaySettings
from jaryo_shared import events
from jaryo_shared.logs import current_correlation_id
from jaryo_shared.topology import Topology
from ocr_service.bootstrap import bootstrap as ocr_bootstrap
from ocr_service.handlers import handlers as ocr_handlers
from ocr_service.settings import OcrSettings
from storage_service.bootstrap import bootstrap as storage_bootstrap
from storage_service.handlers import handlers as storage_handlers
from storage_service.settings import StorageSettings
from tests.event_contract import assert_matches_contract
from tests.helpers import wait_until

# A signing key of this run's own: a key written in the repository is one anyone could sign with,
# and the gateway refuses to start with one.
JWT_SECRET = secrets.token_urlsafe(48)
# The suite makes hundreds of accounts: argon2id at its production cost (0.3 s a hash) took
# minutes of the machine's two cores. One pass over 1 MiB is a millisecond; the production
# cost itself is tested in tests/unit/test_password_hashing.py.
QUICK_PASSWORD_HASHING = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 1024,
    "password_hash_parallelism": 1,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Schemathesis names each operation's test `test_x[GET /path]` (test_contract_fuzz.py) but
    gives them all one node id (it sets `_nodeid`, which pytest 9 no longer reads), and
    pytest-xdist (`make test` runs several workers) tells tests apart by node id: it ran the
    first operation's test in place of all of them. Each gets the id its name makes, as pytest
    gives its own parametrized tests (`_id` is pytest's, private: this hook goes when
    Schemathesis sets it itself)."""
    for item in items:
        if item.nodeid.rpartition("::")[2] != item.name and item.parent is not None:
            item._id = item.parent.id.child(item.name)


@pytest.fixture(scope="session")
def gateway_settings(settings) -> GatewaySettings:
    return GatewaySettings(
        **{
            **settings.model_dump(),
            "jwt_secret": JWT_SECRET,
            # Every test signs up and in from 127.0.0.1: the per-address limits would stop the
            # suite. test_auth_throttle.py tests them with their defaults, from other addresses.
            "registrations_per_address": 1_000_000,
            "login_address_failures_allowed": 1_000_000,
            **QUICK_PASSWORD_HASHING,
        }
    )


class _ErrorsLogged(logging.Handler):
    """The correlation ids of the gateway's log records that carry a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.correlation_ids: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.correlation_ids.add(current_correlation_id() or "")


@pytest.fixture
def app(gateway_settings):
    """The gateway in this process. Every 500 it answers must have been logged with its
    traceback under the correlation id the body names: a test that causes an unlogged 500 fails
    in its teardown."""
    app = create_app(gateway_settings, run_relay=False)
    logged = _ErrorsLogged()
    logging.getLogger("gateway").addHandler(logged)
    answered_500: list[tuple[str, str]] = []

    @app.after_request
    def note_500(response):
        if response.status_code >= 500 and response.status_code not in (502, 503, 504):
            answered_500.append((request.path, g.get("correlation_id", "")))
        return response

    yield app
    logging.getLogger("gateway").removeHandler(logged)
    app.extensions["jaryo"].close()
    unlogged = [(path, cid) for path, cid in answered_500 if cid not in logged.correlation_ids]
    assert not unlogged, f"500s answered without a logged traceback: {unlogged}"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def storage_worker(settings, run_worker, purge_queues):
    purge_queues()
    deps = storage_bootstrap(StorageSettings(**settings.model_dump()))
    return run_worker("storage", storage_handlers(deps))


@pytest.fixture(scope="session")
def ocr_settings(settings) -> OcrSettings:
    return OcrSettings(**{**settings.model_dump(), "ocr_timeout_seconds": 30})


@pytest.fixture
def ocr_worker(ocr_settings, run_worker, purge_queues):
    purge_queues()
    deps = ocr_bootstrap(ocr_settings)
    return run_worker("ocr", ocr_handlers(deps))


@pytest.fixture
def workers(storage_worker, ocr_worker):
    """Both services an upload needs to complete, consuming in parallel as in production."""
    return storage_worker, ocr_worker


@pytest.fixture
def deck_worker(settings, run_worker):
    deps = deck_bootstrap(DeckSettings(**settings.model_dump()))
    return run_worker("deck", deck_handlers(deps))


@dataclass
class User:
    user_id: str
    username: str
    password: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def make_user(client):
    def make() -> User:
        username, password = f"user-{uuid.uuid4().hex[:12]}", "correct horse battery"
        created = client.post(
            "/v1/auth/register", json={"username": username, "password": password}
        )
        assert created.status_code == 201, created.get_json()
        token = client.post("/v1/auth/token", json={"username": username, "password": password})
        assert token.status_code == 200, token.get_json()
        return User(
            created.get_json()["user_id"], username, password, token.get_json()["access_token"]
        )

    return make


class EventProbe:
    """A private queue bound to every routing key: what was published, in order. Each event is
    checked against its published JSON Schema as it is read."""

    def __init__(self, settings) -> None:
        # No heartbeats: nothing services this connection while a test waits on something
        # else, and a broker that misses two beats (60 s) would drop the probe's queue.
        self._connection = Connection(settings.amqp_url, heartbeat=0)
        exchange = Topology(settings).exchange
        self._queue = Queue(
            f"probe-{uuid.uuid4().hex[:8]}",
            bindings=[binding(exchange, "#")],
            exclusive=True,
            auto_delete=True,
        )(self._connection.default_channel)
        self._queue.declare()

    def drain(self) -> list[tuple[events.Envelope, Any]]:
        seen = []
        while (message := self._queue.get(no_ack=True)) is not None:
            assert_matches_contract(message.body)  # every event any test sees, as published
            seen.append(events.parse(message.body))
        return seen

    def until(
        self, event_type: str, timeout: float = 20.0, upload_id: str | None = None
    ) -> list[tuple[events.Envelope, Any]]:
        """Everything published until an event of this type arrives, and a moment after it
        (so a duplicate would be seen too); only one upload's events if `upload_id` is given
        (a worker of an earlier test may still be publishing)."""
        seen: list[tuple[events.Envelope, Any]] = []

        def wanted(event: Any) -> bool:
            return upload_id is None or getattr(event, "upload_id", None) == upload_id

        def drain() -> list[tuple[events.Envelope, Any]]:
            return [(e, p) for e, p in self.drain() if wanted(p)]

        def arrived() -> bool:
            seen.extend(drain())
            return any(envelope.type == event_type for envelope, _ in seen)

        wait_until(arrived, timeout=timeout)
        time.sleep(0.5)
        return seen + drain()

    def close(self) -> None:
        self._connection.release()


@pytest.fixture
def probe(settings) -> Iterator[EventProbe]:
    p = EventProbe(settings)
    yield p
    p.close()
