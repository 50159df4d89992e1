"""Workers started as operators start them stop cleanly on SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from jaryo_shared import messaging
from jaryo_shared.topology import Topology
from tests.helpers import wait_until
from tests.integration.processes import free_port, service_env

pytestmark = pytest.mark.integration


def _consumers(settings, service: str) -> int:
    with messaging.connect(settings) as connection, connection.channel() as channel:
        queue = Topology(settings).queue(service)(channel)
        return queue.queue_declare(passive=True).consumer_count


@pytest.mark.parametrize(
    ("module", "service", "processes"),
    [
        ("storage_service", "storage", 1),
        ("ocr_service", "ocr", 2),  # one parent supervising JARYO_OCR_WORKERS processes
        ("deck_service", "deck", 1),
    ],
)
def test_worker_consumes_its_queue_and_exits_cleanly_on_sigterm(
    settings, module, service, processes
):
    worker = subprocess.Popen(
        [sys.executable, "-m", module],
        env={**service_env(settings), "JARYO_OCR_WORKERS": str(processes)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: _consumers(settings, service) == processes, timeout=30)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
        wait_until(lambda: _consumers(settings, service) == 0, timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        output = worker.communicate()[0]
    assert '"level": "INFO"' in output and "stopped" in output


def _last_run(metrics_port: int) -> float:
    """The janitor's `last run` gauge: 0 until its first complete run."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=1) as r:
            text = r.read().decode()
    except OSError:
        return 0.0
    found = re.search(r"^jaryo_janitor_last_run_timestamp_seconds (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_janitor_service_runs_and_exits_cleanly_on_sigterm(settings):
    metrics_port = free_port()
    janitor = subprocess.Popen(
        [sys.executable, "-m", "janitor"],
        env={
            **service_env(settings),
            "JARYO_INTERVAL_SECONDS": "3600",
            "JARYO_METRICS_PORT": str(metrics_port),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Its first run is complete, so the signal finds it waiting for the next one.
        wait_until(lambda: _last_run(metrics_port) > 0, timeout=30)
        assert janitor.poll() is None
        janitor.send_signal(signal.SIGTERM)
        assert janitor.wait(timeout=15) == 0
    finally:
        if janitor.poll() is None:
            janitor.kill()
        output = janitor.communicate()[0]
    assert "janitor running every 3600 s" in output and "janitor stopped" in output
