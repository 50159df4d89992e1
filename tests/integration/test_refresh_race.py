"""One refresh token sent 20 times at once, as a client retrying in a hurry or a thief racing the
owner would: exactly one of them gets a new pair. Over gunicorn with four worker processes, where
the race showed (one read-then-write redemption let 2 to 8 of 20 through)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import urllib3

from tests.integration.processes import gateway

pytestmark = pytest.mark.integration

CONCURRENT = 20


def test_twenty_concurrent_refreshes_with_one_token_succeed_exactly_once(gateway_settings):
    with gateway(gateway_settings, workers=4) as url:
        http = urllib3.PoolManager(maxsize=CONCURRENT)
        credentials = {"username": f"user-{uuid.uuid4().hex[:12]}", "password": "a password!"}
        assert http.request("POST", url + "/v1/auth/register", json=credentials).status == 201

        for _trial in range(3):
            signed_in = http.request("POST", url + "/v1/auth/token", json=credentials)
            statuses = _all_at_once(http, url, signed_in.json()["refresh_token"])
            assert statuses == [200] + [401] * (CONCURRENT - 1)


def _all_at_once(http: urllib3.PoolManager, url: str, refresh_token: str) -> list[int]:
    start = threading.Barrier(CONCURRENT)

    def refresh(_: int) -> int:
        start.wait()
        body = {"refresh_token": refresh_token}
        return http.request("POST", url + "/v1/auth/refresh", json=body).status

    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        return sorted(pool.map(refresh, range(CONCURRENT)))
