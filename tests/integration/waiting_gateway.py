"""A gunicorn gateway for the tests of waiting clients, with its metrics port, and how many
requests it holds waiting (its `jaryo_gateway_waiting_requests` gauge): what lets a test wait
until its clients are parked, or until a slot is given back, instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import urllib3

from tests.integration.processes import free_port, gateway


@dataclass(frozen=True)
class Served:
    url: str
    metrics_url: str


@contextmanager
def served_gateway(settings, **env: str) -> Iterator[Served]:
    """One gunicorn process (all waiters share its threads and caps); `env` as JARYO_* values."""
    metrics_port = free_port()
    with gateway(settings, workers=1, env={"JARYO_METRICS_PORT": str(metrics_port), **env}) as url:
        yield Served(url, f"http://127.0.0.1:{metrics_port}/metrics")


def waiting_requests(http: urllib3.PoolManager, served: Served) -> float | None:
    """The gauge's value, or None while the metrics port does not answer yet."""
    try:
        text = http.request("GET", served.metrics_url, timeout=5, retries=False).data.decode()
    except urllib3.exceptions.HTTPError:
        return None
    for line in text.splitlines():
        if line.startswith("jaryo_gateway_waiting_requests "):
            return float(line.split()[1])
    return 0.0
