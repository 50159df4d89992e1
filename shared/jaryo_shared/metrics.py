"""Prometheus metrics every service shares, and serving them.

A service made of several processes (the gateway under gunicorn, the OCR service under its
supervisor) sets PROMETHEUS_MULTIPROC_DIR before its processes start: each process then writes
its samples there and one HTTP endpoint adds them up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Per queue and event type: what the service's workers did with each message.
_MESSAGE_LABELS = ["queue", "event_type"]
MESSAGES_HANDLED = Counter(
    "jaryo_messages_handled_total", "Messages handled and acknowledged", _MESSAGE_LABELS
)
MESSAGES_FAILED = Counter(
    "jaryo_messages_failed_total",
    "Handler failures, whether the message is then retried or dead-lettered",
    _MESSAGE_LABELS,
)
MESSAGES_RETRIED = Counter(
    "jaryo_messages_retried_total", "Messages put back on the queue to try again", _MESSAGE_LABELS
)
MESSAGES_DEAD_LETTERED = Counter(
    "jaryo_messages_dead_lettered_total",
    "Messages moved to the dead-letter queue by the service (unreadable, unknown or failed "
    "for good); the broker dead-letters those over the delivery limit itself",
    _MESSAGE_LABELS,
)
PROCESSING_SECONDS = Histogram(
    "jaryo_message_processing_seconds",
    "Time a handler spent on one message",
    _MESSAGE_LABELS,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)


@contextmanager
def multiprocess_dir() -> Iterator[str]:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory (a fresh temporary one, removed at
    the end, unless it is set) for the worker processes started inside the block; emptied first
    because stale files would count twice."""
    made = not os.environ.get(MULTIPROC_ENV)
    path = os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="jaryo-metrics-")
    os.makedirs(path, exist_ok=True)
    remove_samples(path)
    os.environ[MULTIPROC_ENV] = path
    try:
        yield path
    finally:
        if made:
            shutil.rmtree(path, ignore_errors=True)


def remove_samples(path: str) -> None:
    """Delete prometheus-client's sample files (`*.db`) in `path`, and nothing else: the folder
    may be one an operator pointed at, even /tmp."""
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))


def registry() -> CollectorRegistry:
    """All the samples of this service: every process's in multiprocess mode."""
    if not os.environ.get(MULTIPROC_ENV):
        return PROCESS_REGISTRY
    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined)
    return combined


def exposition() -> bytes:
    """The text format of `registry()`, for an HTTP handler of our own (the gateway's)."""
    return generate_latest(registry())


def serve(port: int, address: str) -> None:
    """Serve /metrics on `address`:`port` in a background thread; port 0 turns it off."""
    if port:
        start_http_server(port, addr=address, registry=registry())


def process_exited(pid: int) -> None:
    """Drop a dead process's live gauges (its counters stay: they are still what happened)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)
