"""What one image costs the cluster, the inputs of docs/capacity.md: CPU-seconds of each
service per image (and per deck), database commands and bytes written per image by collection,
events and their bytes, S3 bytes per image by kind, and the documents' sizes.

    source scripts/lib.sh && .venv/bin/python -m bench.load.costs [--uploads 6] [--images 3]

Starts a gateway, the storage, OCR (one worker process) and deck services in a namespace of its
own (bench/cluster.py, removed afterwards) with bench/load/costs_hook on their PYTHONPATH, which
counts every database command each process sends. After one warm-up upload and deck, it posts
the uploads (pages of bench/load/pages.py, English and Korean in turn), waits for them, drafts a
deck from each and waits for those; CPU is the services' own process times (user + system, their
children included), so a busy machine slows it less than wall time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import bson
import psutil
from kombu import Connection, Consumer, Queue, binding

from bench import cluster
from bench.load.pages import Page, page_pools
from bench.load.rest import Client
from bench.ocr import wait_for_consumers
from jaryo_shared import database, objectstore
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology
from ocr_service.settings import OcrSettings
from tests.integration import processes

HOOK = Path(__file__).resolve().parent / "costs_hook"
SERVICES = {"storage": "storage_service", "ocr": "ocr_service", "deck": "deck_service"}


def cpu_seconds(process: psutil.Process) -> float:
    """The process's and its descendants' CPU time, with its children that have exited."""
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    times = process.cpu_times()
    return total + times.children_user + times.children_system


def commands(folder: Path) -> Counter[str]:
    """Every process's database commands so far (bench/load/costs_hook), added up."""
    total: Counter[str] = Counter()
    for dump in folder.glob("*.json"):
        total.update(json.loads(dump.read_text()))
    return total


class Events:
    """A private queue bound to every event of the namespace's exchange, counted by key."""

    def __init__(self, settings: Settings) -> None:
        self._connection = Connection(settings.amqp_url, heartbeat=0)
        exchange = Topology(settings).exchange
        queue = Queue(f"{settings.queue_prefix}.costs", [binding(exchange, "#")], exclusive=True)
        self.seen: Counter[str] = Counter()
        self._consumer = Consumer(self._connection.default_channel, [queue], no_ack=True)
        self._consumer.register_callback(self._count)
        self._consumer.consume()

    def _count(self, body: object, message: object) -> None:
        key = message.delivery_info["routing_key"]  # type: ignore[attr-defined]
        self.seen[key] += 1
        self.seen[f"bytes {key}"] += len(message.body)  # type: ignore[attr-defined]

    def drain(self) -> Counter[str]:
        """Events that arrived since the last drain."""
        try:
            while True:
                self._connection.drain_events(timeout=1.0)
        except TimeoutError:
            pass
        seen, self.seen = self.seen, Counter()
        return seen


def s3_bytes(settings: Settings) -> Counter[str]:
    """Bytes and objects in the namespace's buckets, by kind (the key's folder or suffix)."""
    client = objectstore.client(settings)
    found: Counter[str] = Counter()
    for bucket in (settings.bucket_staging, settings.bucket_images, settings.bucket_decks):
        for item in client.list_objects(bucket, recursive=True):
            parts = item.object_name.split("/")
            kind = parts[-2] if len(parts) > 3 else Path(parts[-1]).suffix
            found[f"{bucket.rsplit('-', 1)[-1]} {kind}"] += item.size
            found[f"objects {bucket.rsplit('-', 1)[-1]} {kind}"] += 1
    return found


def document_sizes(settings: Settings) -> dict[str, tuple[int, float]]:
    """Each collection's documents: how many, and their mean BSON size in bytes."""
    client = database.connect(settings)
    try:
        db = database.database(client, settings)
        sizes = {}
        for name in sorted(db.list_collection_names()):
            lengths = [len(bson.encode(doc)) for doc in db[name].find()]
            if lengths:
                sizes[name] = (len(lengths), sum(lengths) / len(lengths))
        return sizes
    finally:
        client.close()


@dataclass(frozen=True)
class Snapshot:
    cpu: dict[str, float]  # service -> CPU-seconds so far
    commands: Counter[str]
    events: Counter[str]  # since the previous snapshot


def snapshot(roots: dict[str, psutil.Process], counts: Path, events: Events) -> Snapshot:
    return Snapshot(
        {name: cpu_seconds(root) for name, root in roots.items()}, commands(counts), events.drain()
    )


def per(before: Snapshot, after: Snapshot, units: int) -> dict[str, float]:
    """CPU-seconds, database commands and events from one snapshot to the next, per unit."""
    found = {f"cpu-s {k}": (after.cpu[k] - before.cpu[k]) / units for k in after.cpu}
    found.update({k: v / units for k, v in (after.commands - before.commands).items()})
    found.update({f"event {k}": v / units for k, v in after.events.items()})
    return found


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=6)
    parser.add_argument("--images", type=int, default=3, help="pages an upload")
    return parser.parse_args()


def batches(count: int, size: int) -> list[list[Page]]:
    """`count` uploads of `size` pages, English and Korean in turn."""
    pools = page_pools()
    pages = {lang: itertools.cycle(pool) for lang, pool in pools.items()}
    return [[next(pages["en" if n % 2 == 0 else "ko"]) for _ in range(size)] for n in range(count)]


def main() -> None:
    args = arguments()
    settings = cluster.bench_settings(OcrSettings)
    counts = Path(tempfile.mkdtemp(prefix="jaryo-costs-"))
    env = {**cluster.QUIET, "PYTHONPATH": str(HOOK), "JARYO_COSTS_DIR": str(counts)}
    with ExitStack() as stack:
        stack.enter_context(cluster.namespace(settings))
        gateway, base = stack.enter_context(processes.gateway_process(settings, workers=1, env=env))
        roots = {"gateway": psutil.Process(gateway.pid)}
        for name, module in SERVICES.items():
            extra = {"JARYO_OCR_WORKERS": "1"} if name == "ocr" else {}
            worker = stack.enter_context(
                processes.worker_service(module, settings, env={**env, **extra})
            )
            roots[name] = psutil.Process(worker.pid)
            wait_for_consumers(settings, name, 1, timeout=120)
        events = Events(settings)
        client = Client(base)
        stack.callback(client.delete_all)
        measure(client, roots, counts, events, settings, args)


def measure(client, roots, counts, events, settings, args) -> None:
    """A warm-up, then the uploads and the decks, each phase between two snapshots."""
    warm_up = client.upload(batches(1, 1)[0])
    client.finished(f"/v1/uploads/{warm_up}")
    client.finished(f"/v1/decks/{client.draft(warm_up)}")
    images = args.uploads * args.images
    start = snapshot(roots, counts, events)
    uploads = [client.upload(pages) for pages in batches(args.uploads, args.images)]
    accepted = snapshot(roots, counts, events)
    for upload_id in uploads:
        client.finished(f"/v1/uploads/{upload_id}")
    read = snapshot(roots, counts, events)
    for upload_id in uploads:
        client.finished(f"/v1/decks/{client.draft(upload_id)}")
    built = snapshot(roots, counts, events)
    report("accepting an upload (the POSTs), per upload", per(start, accepted, args.uploads))
    report("storing and reading, per image (POST to completed)", per(start, read, images))
    report(f"a draft deck of {args.images} slides, per deck", per(read, built, args.uploads))
    # The warm-up's one image and one deck are in the buckets too.
    stored = s3_bytes(settings)
    per_item = {
        k: v / (args.uploads + 1 if "decks" in k else images + 1) for k, v in stored.items()
    }
    report("S3, per image (decks: per deck), bytes and objects", per_item)
    print("\n| collection | documents | mean BSON bytes |\n|---|---:|---:|")
    for name, (count, size) in document_sizes(settings).items():
        print(f"| {name} | {count} | {size:.0f} |")


def report(title: str, values: dict[str, float]) -> None:
    print(f"\n{title}:\n\n| what | per unit |\n|---|---:|")
    for key in sorted(values):
        if values[key]:
            print(f"| {key} | {values[key]:.3g} |")


if __name__ == "__main__":
    main()
