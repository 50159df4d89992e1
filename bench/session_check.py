"""What checking a token's session on every request costs (issue 19: signing out takes effect
at once, so each request reads its account's token generation and its sign-in's revocation).

    source scripts/lib.sh && .venv/bin/python -m bench.session_check [--requests 200 --rounds 6]

The real Flask app in this process, over the local FerretDB in a bench namespace, signs a
person in and asks `GET /v1/me` (itself one read of `users`) `--requests` times with the check
and as many times with it switched off, alternating, `--rounds` times; it prints the median
time a request of each, and their ratio (the machine is shared: only the ratio within one
process means much).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from unittest import mock

from pydantic import SecretStr

from bench import cluster
from gateway.app import create_app
from gateway.auth import sessions
from gateway.settings import GatewaySettings


def _timed(client, headers: dict[str, str], requests: int) -> float:
    """The median milliseconds of `requests` GET /v1/me."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get("/v1/me", headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.get_json()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    settings = cluster.bench_settings(GatewaySettings).model_copy(
        update={"jwt_secret": SecretStr(secrets.token_urlsafe(48)), "log_level": "WARNING"}
    )
    with cluster.namespace(settings):
        app = create_app(settings, run_relay=False)
        client = app.test_client()
        person = {"username": "bench-session", "password": "correct horse battery"}
        assert client.post("/v1/auth/register", json=person).status_code == 201
        token = client.post("/v1/auth/token", json=person).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        checked, unchecked = [], []
        for _ in range(args.rounds):
            checked.append(_timed(client, headers, args.requests))
            with mock.patch.object(sessions, "check_live", lambda db, token: None):
                unchecked.append(_timed(client, headers, args.requests))
        app.extensions["jaryo"].close()
    with_check, without = statistics.median(checked), statistics.median(unchecked)
    print(f"GET /v1/me, median of {args.rounds} rounds of {args.requests}:")
    print(f"  without the session check  {without:6.2f} ms")
    print(f"  with the session check     {with_check:6.2f} ms")
    print(f"  ratio                      {with_check / without:6.2f}")


if __name__ == "__main__":
    main()
