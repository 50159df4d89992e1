"""Loaded by every Python process started with this folder on PYTHONPATH (bench/load/costs.py
does so for the services it starts): counts each database command the process sends, by
command and collection, with the bytes of the writes, into $JARYO_COSTS_DIR/<pid>.json once a
second. Nothing else changes in the process; without JARYO_COSTS_DIR it does nothing."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter

WRITES = {"insert", "update", "delete", "findAndModify"}


def _install(folder: str) -> None:
    import bson
    from pymongo import monitoring

    counts: Counter[str] = Counter()
    lock = threading.Lock()

    class Counting(monitoring.CommandListener):
        def started(self, event: monitoring.CommandStartedEvent) -> None:
            name = event.command_name
            collection = event.command.get(name)
            key = f"{name} {collection}" if isinstance(collection, str) else name
            with lock:
                counts[key] += 1
                if name in WRITES:
                    counts[f"bytes {key}"] += len(bson.encode(event.command))

        def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
            pass

        def failed(self, event: monitoring.CommandFailedEvent) -> None:
            pass

    def dump() -> None:
        path = os.path.join(folder, f"{os.getpid()}.json")
        while True:
            with lock:
                snapshot = dict(counts)
            with open(path + ".tmp", "w") as out:
                json.dump(snapshot, out)
            os.replace(path + ".tmp", path)
            threading.Event().wait(1.0)

    def start_dumping() -> None:
        threading.Thread(target=dump, name="costs-dump", daemon=True).start()

    def forked() -> None:  # gunicorn's workers: the count restarts, the thread did not survive
        nonlocal lock
        lock = threading.Lock()  # another thread may have held it at the fork
        counts.clear()
        start_dumping()

    monitoring.register(Counting())
    os.register_at_fork(after_in_child=forked)
    start_dumping()


if os.environ.get("JARYO_COSTS_DIR"):
    _install(os.environ["JARYO_COSTS_DIR"])
