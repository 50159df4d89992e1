"""Which processes the load test counts as which part of the cluster (bench/load/cpu.py): below
the cluster's root each process counts for the service its branch was started as, and the load
generator's processes for locust."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from bench.load import cpu
from tests.helpers import wait_until

SLEEP = "import time; time.sleep(60)"
# A process that starts a child of its own, as the OCR service starts its worker processes.
WITH_CHILD = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {SLEEP!r}])"
# honcho starts each command from a helper process of its own, whose command line names nothing.
HELPER = "import json, os, subprocess; subprocess.run(json.loads(os.environ['BRANCH']))"


@contextmanager
def started(*commands: list[str]) -> Iterator[list[subprocess.Popen]]:
    processes = [subprocess.Popen(command) for command in commands]
    try:
        yield processes
    finally:
        for process in processes:  # the whole tree: the stand-ins start processes of their own
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait()


@contextmanager
def cluster_root() -> Iterator[int]:
    """A stand-in for honcho: one process per service, the OCR one with a child and started
    through a helper, as honcho does."""
    ocr = [sys.executable, "-c", WITH_CHILD, "-m", "ocr_service"]
    script = (
        "import json, os, subprocess, sys, time\n"
        f"env = {{**os.environ, 'BRANCH': json.dumps({ocr!r})}}\n"
        f"ocr = subprocess.Popen([sys.executable, '-c', {HELPER!r}], env=env)\n"
        f"storage = subprocess.Popen([sys.executable, '-c', {SLEEP!r}, 'storage_service'])\n"
        "ocr.wait()\n"
    )
    with started([sys.executable, "-c", script]) as (root,):
        yield root.pid


def groups(root: int | None, load: int | None) -> dict[str, int]:
    counted: dict[str, int] = {}
    for group, _ in cpu.members(root, load):
        counted[group] = counted.get(group, 0) + 1
    return counted


def test_a_service_and_the_processes_it_starts_count_as_that_service():
    with cluster_root() as root:
        seen = wait_until(lambda: (g := groups(root, None)).get("ocr") == 2 and g, timeout=20)
    assert seen["ocr"] == 2  # the service and its child
    assert seen["storage"] == 1
    assert "gateway" not in seen


def test_the_load_generator_counts_as_locust_and_nothing_else_of_it_as_the_cluster():
    with started([sys.executable, "-c", WITH_CHILD, "deck_service"]) as (load,):
        seen = wait_until(lambda: (g := groups(-1, load.pid)).get("locust") == 2 and g)
    assert "deck" not in seen  # a root that is gone: no service counted
