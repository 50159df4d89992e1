"""A gateway whose database is out of reach answers 503 with Retry-After, a problem a client
knows to retry, and logs the cause; never a 500 that reads like a bug."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from gateway.app import create_app
from tests.integration.processes import free_port
from tests.proxy import Proxy

pytestmark = pytest.mark.integration


@pytest.fixture
def gateway_without_database(gateway_settings):
    closed = f"mongodb://127.0.0.1:{free_port()}/"  # nothing listens there
    settings = gateway_settings.model_copy(update={"mongo_url": closed, "mongo_timeout_ms": 300})
    app = create_app(settings, run_relay=False)
    yield app.test_client()
    app.extensions["jaryo"].close()


def test_unreachable_database_is_a_503_to_retry_and_is_logged(gateway_without_database, caplog):
    with caplog.at_level(logging.ERROR, logger="gateway"):
        response = gateway_without_database.post(
            "/v1/auth/register", json={"username": "someone", "password": "long enough pw"}
        )
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["type"].endswith("/unavailable")
    assert body["code"] == "unavailable"
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    logged = [r for r in caplog.records if r.exc_info and "unreachable" in r.getMessage()]
    assert logged, "the outage was not logged with its traceback"


def test_a_database_that_stops_answering_mid_request_is_a_503_not_a_hung_thread(
    gateway_settings, make_user
):
    """FerretDB wedged with the connection open: the request gives up after the socket timeout
    and says so with a 503, instead of holding its server thread until something else notices."""
    host, port = gateway_settings.mongo_url.removeprefix("mongodb://").rstrip("/").split(":")
    proxy = Proxy((host, int(port)))
    settings = gateway_settings.model_copy(
        update={
            "mongo_url": f"mongodb://127.0.0.1:{proxy.port}/",
            "mongo_socket_timeout_ms": 1000,
        }
    )
    app = create_app(settings, run_relay=False)
    try:
        user = make_user()  # through the shared gateway: the user exists in the database
        client = app.test_client()
        headers = {"Authorization": f"Bearer {_token(client, user)}"}
        assert client.get("/v1/uploads", headers=headers).status_code == 200
        proxy.stall()
        started = time.monotonic()
        with ThreadPoolExecutor(1) as pool:
            answer = pool.submit(client.get, "/v1/uploads", headers=headers)
            response = answer.result(timeout=60)  # TimeoutError: the thread is still waiting
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.get_data(as_text=True)
        # The socket timeout (1 s here) ends it; without one only the driver's monitor noticed,
        # after its 10 s heartbeat and more (16.8 s measured), and a wedged server that still
        # answers the monitor held the thread for good.
        assert elapsed < 8, f"answered after {elapsed:.1f} s"
    finally:
        proxy.cut()
        app.extensions["jaryo"].close()


def _token(client, user) -> str:
    signed_in = client.post(
        "/v1/auth/token", json={"username": user.username, "password": user.password}
    )
    assert signed_in.status_code == 200, signed_in.get_json()
    return signed_in.get_json()["access_token"]
