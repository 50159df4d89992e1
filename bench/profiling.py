"""Where a service's wall time goes during a bench: py-spy samples its processes (idle waits
included, so time spent waiting on the database or S3 shows), and the samples are sorted into
a few kinds by what their stacks pass through.

py-spy is a dev dependency; without it (or without the right to trace) a bench runs unprofiled.
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# First match wins, in this order: a stack inside Reader.read is the engine's work even when it
# reads a file; one in the consume loop outside any handler is a worker waiting for work.
KINDS = (
    ("reading the image (Reader.read)", ("ocr_service/reader.py",)),
    ("normalising the image (storage)", ("storage_service/normalise.py",)),
    ("database (pymongo)", ("pymongo/",)),
    ("S3 (minio)", ("minio/", "urllib3/")),
    ("broker (kombu)", ("kombu/messaging.py", "amqp/", "kombu/connection.py")),
    ("events and models (pydantic, json)", ("pydantic/", "json/")),
)
BACKGROUND = (
    "outbox_relay.py",
    "periodic_executor.py",
    "prometheus_client",
    "supervisor.py",
    "resource_tracker.py",
    "threading.py",
)


@contextmanager
def sampled(pid: int, out: Path, rate: int = 50) -> Iterator[Path | None]:
    """Sample process `pid` and its children into `out` (py-spy's raw format) while inside."""
    spy = shutil.which("py-spy")
    if spy is None:
        yield None
        return
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--idle", "--format", "raw"]
    recorder = subprocess.Popen(
        [*command, "--rate", str(rate), "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield out
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        recorder.wait(timeout=30)


def kinds(raw: Path) -> dict[str, float]:
    """The share of the handler thread's samples of each kind (background threads left out;
    'waiting for a message' is the worker idle between messages)."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        counts[_kind(stack)] += int(count)
    counts.pop("background", None)
    total = sum(counts.values()) or 1
    return {kind: n / total for kind, n in counts.most_common()}


def _kind(stack: str) -> str:
    if any(marker in stack for marker in BACKGROUND) and "handlers.py" not in stack:
        return "background"
    for kind, markers in KINDS:
        if any(marker in stack for marker in markers):
            if kind == "broker (kombu)" and "handlers.py" not in stack:
                return "waiting for a message"
            return kind
    return "other (Python between the calls)"


def table(title: str, shares: dict[str, float]) -> str:
    rows = [f"| {title} | share of the worker's time |", "|---|---:|"]
    rows += [f"| {kind} | {share:.0%} |" for kind, share in shares.items()]
    return "\n".join(rows)
