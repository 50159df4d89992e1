"""A gateway whose database is out of reach answers 503 with Retry-After, a problem a client
knows to retry, and logs the cause; never a 500 that reads like a bug."""

from __future__ import annotations

import logging

import pytest

from gateway.app import create_app
from tests.integration.processes import free_port

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
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    logged = [r for r in caplog.records if r.exc_info and "unreachable" in r.getMessage()]
    assert logged, "the outage was not logged with its traceback"
