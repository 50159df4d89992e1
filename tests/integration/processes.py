"""Running Jaryo's processes as operators do, for tests that need the real thing: the gateway under
gunicorn and each worker service with `python -m`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import urllib3

from gateway.serving import gunicorn_command
from tests.helpers import wait_until
from tests.integration.conftest import JWT_SECRET, QUICK_PASSWORD_HASHING

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(settings) -> dict[str, str]:
    """Every setting of `settings` as the JARYO_* environment a service process reads."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        env[f"JARYO_{name.upper()}"] = str(value)
    env["JARYO_S3_ACCESS_KEY"] = settings.s3_access_key.get_secret_value()
    env["JARYO_S3_SECRET_KEY"] = settings.s3_secret_key.get_secret_value()
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each service prepares its own
    return env


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def gateway(
    settings,
    *,
    workers: int = 1,
    log: IO[bytes] | int = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """gunicorn serving the gateway on a free port; yields its base URL once /healthz answers.
    `env` adds or overrides JARYO_* variables (gateway settings the tests' `settings` lacks)."""
    with gateway_process(settings, workers=workers, log=log, env=env) as (_, url):
        yield url


@contextmanager
def gateway_process(
    settings,
    *,
    workers: int = 1,
    log: IO[bytes] | int = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[subprocess.Popen, str]]:
    """As `gateway`, yielding the gunicorn master process too (a benchmark reads its workers'
    memory)."""
    port = free_port()
    env = {
        **service_env(settings),
        "JARYO_JWT_SECRET": JWT_SECRET,
        "JARYO_GATEWAY_BIND": f"127.0.0.1:{port}",
        "JARYO_GATEWAY_WORKERS": str(workers),
        # urllib3 reuses a kept-alive connection for a POST and does not retry one that is
        # reset: with gunicorn's 2 s, a request sent as the server closed its idle connection
        # was reset (an e2e sign-up, once, on a loaded machine). 75 s, as behind a balancer.
        "JARYO_GATEWAY_KEEPALIVE_SECONDS": "75",
        # Every test signs up from 127.0.0.1, as the in-process app's settings allow (conftest).
        "JARYO_REGISTRATIONS_PER_ADDRESS": "1000000",
        "JARYO_LOGIN_ADDRESS_FAILURES_ALLOWED": "1000000",
        **{f"JARYO_{name.upper()}": str(value) for name, value in QUICK_PASSWORD_HASHING.items()},
        **(env or {}),
    }
    server = subprocess.Popen(
        gunicorn_command(access_log="/dev/null"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    http = urllib3.PoolManager()

    def up() -> bool:
        try:
            return http.request("GET", url + "/healthz", retries=False).status == 200
        except urllib3.exceptions.HTTPError:
            return False

    try:
        wait_until(up, timeout=30)
        yield server, url
    finally:
        stop(server)


@contextmanager
def worker_service(
    module: str,
    settings,
    *,
    env: dict[str, str] | None = None,
    log: IO[bytes] | int = subprocess.DEVNULL,
) -> Iterator[subprocess.Popen]:
    """`python -m <module>` with the test's settings, stopped with SIGTERM afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", module],
        cwd=ROOT,
        env={**service_env(settings), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        yield process
    finally:
        stop(process)
