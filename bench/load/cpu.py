"""CPU of each part of a running cluster, sampled once a second while the load test runs: the
gateway (gunicorn's master and workers), the storage, OCR and deck workers (with the processes
they start: OCR's worker processes, LibreOffice), the janitor, RabbitMQ, FerretDB, SeaweedFS, the
load generator itself, and the whole machine (100 % is one core); with the work queues' depths."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import psutil

# What names a service in the command line of the process honcho (make up) started for it.
SERVICES = {
    "gateway": ("gunicorn", "gateway.app"),
    "storage": ("storage_service",),
    "ocr": ("ocr_service",),
    "deck": ("deck_service",),
    "janitor": ("janitor",),
}
# The servers: shared by every checkout on this machine, so found by name.
SERVERS = {"rabbitmq": ("beam.smp",), "ferretdb": ("ferretdb",), "seaweedfs": ("weed",)}
GROUPS = (*SERVICES, *SERVERS, "locust")


def group_of(command: str, names: Mapping[str, tuple[str, ...]]) -> str | None:
    """The first group one of whose words is in the command line."""
    return next((group for group, words in names.items() if any(w in command for w in words)), None)


def _command(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline()) or process.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return ""


def members(
    cluster_root: int | None, load_root: int | None
) -> Iterator[tuple[str, psutil.Process]]:
    """Each process of the cluster with its group: below `cluster_root` (honcho) a process
    whose command line names a service starts that service's branch, and the processes below
    it inherit it (honcho's own helpers name none); without a root, every process whose command
    line names a service. The servers are found by name, the load generator by pid."""
    if cluster_root is not None and psutil.pid_exists(cluster_root):
        yield from _branches(psutil.Process(cluster_root))
    elif cluster_root is None:
        for process in psutil.process_iter():
            group = group_of(_command(process), SERVICES)
            if group is not None:
                yield group, process
    for process in psutil.process_iter(["name"]):
        group = group_of(process.info["name"] or "", SERVERS)
        if group is not None:
            yield group, process
    if load_root is not None and psutil.pid_exists(load_root):
        process = psutil.Process(load_root)
        yield from (("locust", p) for p in [process, *_descendants(process)])


def _branches(root: psutil.Process) -> Iterator[tuple[str, psutil.Process]]:
    waiting: list[tuple[psutil.Process, str | None]] = [(c, None) for c in _children(root)]
    while waiting:
        process, inherited = waiting.pop()
        group = inherited or group_of(_command(process), SERVICES)
        if group is not None:
            yield group, process
        waiting.extend((child, group) for child in _children(process))


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return list(process.children())
    except psutil.NoSuchProcess:
        return []


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return list(process.children(recursive=True))
    except psutil.NoSuchProcess:
        return []


@dataclass(frozen=True)
class Sample:
    at: float  # wall clock
    cpu: dict[str, float]  # group -> percent of one core; "machine" for all processes
    processes: dict[str, int]  # group -> processes counted
    queued: dict[str, int]  # work queue -> messages waiting


@dataclass
class Sampler:
    """Samples in a background thread until stopped; `load_root` may be set once known."""

    cluster_root: int | None
    load_root: int | None = None
    queue_depths: Callable[[], dict[str, int]] = dict
    interval: float = 1.0
    samples: list[Sample] = field(default_factory=list)
    _known: dict[int, psutil.Process] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Sampler:
        psutil.cpu_percent()  # the first call only starts the machine's count
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(self.sample())

    def sample(self) -> Sample:
        cpu: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
        counts: dict[str, int] = dict.fromkeys(GROUPS, 0)
        seen = {}
        for group, process in members(self.cluster_root, self.load_root):
            known = self._known.get(process.pid, process)  # cpu_percent counts from its last call
            seen[process.pid] = known
            try:
                cpu[group] += known.cpu_percent()
                counts[group] += 1
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        self._known = seen
        cpu["machine"] = psutil.cpu_percent() * psutil.cpu_count()
        return Sample(time.time(), cpu, counts, self.queue_depths())
