"""How a benchmark starts Jaryo: in a namespace of its own on the local servers (database,
exchange, queues and buckets named jaryo-bench-*, removed afterwards), with the gateway and the
workers started by the integration tests' launcher (tests/integration/processes.py), so tests and
benchmarks start services one way."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import IO, TypeVar

import urllib3

from jaryo_shared.provision import deprovision, provision
from jaryo_shared.settings import Settings
from tests.helpers import run_namespace
from tests.integration import processes

RUN = uuid.uuid4().hex[:6]
QUIET = {"JARYO_LOG_LEVEL": "WARNING"}

S = TypeVar("S", bound=Settings)


def bench_settings(kind: type[S]) -> S:
    """Settings from the environment (scripts/lib.sh), in this run's namespace."""
    return kind(**run_namespace("bench", RUN))


@contextmanager
def namespace(settings: Settings) -> Iterator[None]:
    """The namespace's exchange, queues and buckets, removed with its database afterwards."""
    provision(settings)
    try:
        yield
    finally:
        deprovision(settings)


def gateway(
    settings: Settings, log: IO[bytes] | int = subprocess.DEVNULL
) -> AbstractContextManager[tuple[subprocess.Popen, str]]:
    """gunicorn with one worker on a free port: its master process and base URL once it
    answers."""
    return processes.gateway_process(settings, workers=1, log=log, env=QUIET)


def worker(
    module: str, settings: Settings, log: IO[bytes] | int = subprocess.DEVNULL, **env: str
) -> AbstractContextManager[subprocess.Popen]:
    """`python -m <module>`, stopped with SIGTERM at the end."""
    return processes.worker_service(module, settings, log=log, env={**QUIET, **env})


def sign_in(http: urllib3.PoolManager, base: str) -> dict[str, str]:
    credentials = {"username": f"bench-{RUN}", "password": "benchmark-password"}
    http.request("POST", f"{base}/v1/auth/register", json=credentials)
    token = json.loads(http.request("POST", f"{base}/v1/auth/token", json=credentials).data)
    return {"Authorization": f"Bearer {token['access_token']}"}
