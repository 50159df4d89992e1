"""OCR throughput through the service vs the OCR engine called directly on the same images, in
one run, with 1 and 2 OCR worker processes.

    source scripts/lib.sh && .venv/bin/python -m bench.ocr [--rounds 3] [--images 16]

Through the service: N single-image uploads are posted to the gateway at once and timed from the
first POST to the last `upload.completed` (seen by a private queue on the events exchange), so the
gateway, the storage worker, the broker, the database and S3 are all in the path. Directly: the
same images read by `Reader.read` (what the OCR handler calls), in the bench process for 1 worker
and in 2 spawned processes, each with its own reader, for 2. Rounds alternate service and direct
so both see the same machine load; the first round of each is a discarded warm-up. Prints median
images/s and the ratio service / direct, which is what to compare across machines (target: 0.9).

Starts a gateway (gunicorn, one worker), a storage worker and the OCR service
(`JARYO_OCR_WORKERS=1`, then 2) as the integration tests do (bench/cluster.py), in a namespace of
its own that it removes afterwards; their logs go to a temporary folder printed at the start.
Needs the local servers (`make infra`). The images are English pages rendered here, or
`--samples DIR` of image files (`--image-type` to match them).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import multiprocessing
import random
import statistics
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import urllib3
from kombu import Connection, Consumer, Queue, binding
from PIL import Image, ImageDraw, ImageFont

from bench import cluster, figures, profiling
from jaryo_shared import database, events, messaging
from jaryo_shared.topology import Topology
from ocr_service.bootstrap import build_reader
from ocr_service.reader import Reader
from ocr_service.settings import OcrSettings
from tests.helpers import wait_until

PAGES = 8
SENTENCES = [
    "Quarterly revenue grew by twelve percent compared with the same period last year.",
    "The new onboarding flow reduced the time to the first upload from four minutes to one.",
    "Every image is normalised, stored and read in parallel by independent services.",
    "Customers asked for faster exports, better handwriting support and shared templates.",
    "The team will review the roadmap on Thursday and publish the notes on Friday morning.",
    "Latency is measured at the gateway and reported as the median over seven days.",
    "Please bring printed copies of the contract to the meeting with the legal department.",
    "Action items: update the pricing page, migrate the old accounts, retire the beta API.",
    "The whiteboard photo from the workshop lists three risks and two open questions.",
    "Storage costs fell after thumbnails moved to WebP and originals to the archive tier.",
    "Each slide keeps the position of every line so the text can be edited in place.",
    "Support tickets dropped by a third once the status page showed progress per image.",
]
SAMPLE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic"}


def render_page(seed: int) -> bytes:
    """A 1200x800 white page: a title and a dozen lines of English prose, as a PNG."""
    rng = random.Random(seed)
    title_font = ImageFont.load_default(size=44)
    body_font = ImageFont.load_default(size=28)
    page = Image.new("RGB", (1200, 800), "white")
    draw = ImageDraw.Draw(page)
    title = " ".join(rng.choice(SENTENCES).split()[:5]).rstrip(",.:")
    draw.text((80, 50), title, fill="black", font=title_font)
    prose = " ".join(rng.sample(SENTENCES, 6))
    for n, line in enumerate(textwrap.wrap(prose, width=62)[:13]):
        draw.text((80, 140 + n * 48), line, fill=(20, 20, 20), font=body_font)
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def images(count: int, samples: Path | None) -> list[bytes]:
    """`count` images cycling through the distinct pages (or the sample files)."""
    if samples is None:
        distinct = [render_page(seed) for seed in range(PAGES)]
    else:
        files = sorted(p for p in samples.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)
        if not files:
            raise SystemExit(f"no image files in {samples}")
        distinct = [p.read_bytes() for p in files]
    return [distinct[n % len(distinct)] for n in range(count)]


def wait_for_consumers(settings: OcrSettings, service: str, count: int, timeout: float) -> None:
    """Until `count` processes consume the service's queue (the OCR ones after loading
    Tesseract), so no round starts with a worker still booting."""
    name = Topology(settings).queue_name(service)
    with messaging.connect(settings) as connection, connection.channel() as channel:
        wait_until(
            lambda: channel.queue_declare(name, passive=True).consumer_count >= count,
            timeout=timeout,
            interval=0.2,
        )


@dataclass
class Seen:
    completed: dict[str, tuple[float, events.UploadCompleted]] = field(default_factory=dict)
    engine_ms: dict[str, int] = field(default_factory=dict)  # image id -> OCR duration
    read_at: dict[str, float] = field(default_factory=dict)  # image id -> ocr.completed arrival


class Probe:
    """A private queue on the events exchange for `upload.completed` and `ocr.completed`, with
    the moment each arrived. Its own connection without heartbeats: it sits idle during the
    direct rounds."""

    def __init__(self, settings: OcrSettings) -> None:
        self._connection = Connection(settings.amqp_url, heartbeat=0)
        exchange = Topology(settings).exchange
        keys = (events.UploadCompleted.routing_key(), events.OcrCompleted.routing_key())
        queue = Queue(
            f"{settings.queue_prefix}.probe-{uuid.uuid4().hex[:8]}",
            bindings=[binding(exchange, routing_key=key) for key in keys],
            exclusive=True,
            auto_delete=True,
        )
        self._consumer = Consumer(
            self._connection.default_channel, [queue], on_message=self._arrived, no_ack=True
        )
        self._consumer.consume()
        self.seen = Seen()
        self._settings = settings

    def _arrived(self, message: Any) -> None:
        at = time.perf_counter()
        _, payload = events.parse(message.body)
        if isinstance(payload, events.UploadCompleted):
            self.seen.completed[payload.upload_id] = (at, payload)
        elif isinstance(payload, events.OcrCompleted) and payload.duration_ms is not None:
            self.seen.engine_ms[payload.image_id] = payload.duration_ms
            self.seen.read_at[payload.image_id] = at

    def wait(self, upload_ids: list[str], timeout: float) -> Seen:
        deadline = time.monotonic() + timeout
        while not all(upload_id in self.seen.completed for upload_id in upload_ids):
            left = deadline - time.monotonic()
            if left <= 0:
                missing = [u for u in upload_ids if u not in self.seen.completed]
                raise RuntimeError(
                    f"{len(missing)} of {len(upload_ids)} uploads did not complete: "
                    + "; ".join(self._state(upload_id) for upload_id in missing)
                )
            try:
                self._connection.drain_events(timeout=min(left, 1.0))
            except TimeoutError:
                pass
        seen, self.seen = self.seen, Seen()
        return seen

    def _state(self, upload_id: str) -> str:
        """Where a stuck upload's images are, from the database."""
        client = database.connect(self._settings)
        try:
            db = database.database(client, self._settings)
            upload = db.uploads.find_one({"_id": upload_id}) or {}
            states = [
                f"storage {image.get('storage', {}).get('status')}, "
                f"ocr {(image.get('ocr') or {}).get('status')}"
                for image in db.images.find({"upload_id": upload_id})
            ]
            return f"upload {upload_id} {upload.get('status')} ({', '.join(states)})"
        finally:
            client.close()

    def close(self) -> None:
        self._connection.release()


@dataclass
class Round:
    seconds: float
    engine_ms: list[int]
    first_seconds: float = 0.0  # service only: first POST to the first upload.completed
    read_seconds: float = 0.0  # service only: first POST to the last ocr.completed seen
    post_seconds: float = 0.0  # service only: posting every upload


def through_service(
    http, base, auth, probe: Probe, files: list[bytes], image_type: str, *, per_upload: int = 1
) -> Round:
    """The images in uploads of `per_upload` each, posted back to back, until every
    upload.completed arrived."""
    batches = [files[n : n + per_upload] for n in range(0, len(files), per_upload)]
    bodies = [
        urllib3.encode_multipart_formdata(
            [
                *(
                    ("images", (f"page{b}-{n}.png", data, "application/octet-stream"))
                    for n, data in enumerate(batch)
                ),
                ("image_type", image_type),
            ]
        )
        for b, batch in enumerate(batches)
    ]
    upload_ids = []
    start = time.perf_counter()
    for body, content_type in bodies:
        response = http.request(
            "POST", f"{base}/v1/uploads", body=body, headers={**auth, "Content-Type": content_type}
        )
        assert response.status == 202, response.data[:300]
        upload_ids.append(json.loads(response.data)["upload_id"])
    posted = time.perf_counter() - start
    seen = probe.wait(upload_ids, timeout=30 + 10 * len(files))
    for _, completed in seen.completed.values():
        assert completed.status == "completed", completed.model_dump()
    arrivals = [seen.completed[upload_id][0] for upload_id in upload_ids]
    return Round(
        max(arrivals) - start,
        list(seen.engine_ms.values()),
        first_seconds=min(arrivals) - start,
        read_seconds=max(seen.read_at.values(), default=start) - start,
        post_seconds=posted,
    )


def direct(reader: Reader, files: list[bytes], image_type: str) -> Round:
    """What the OCR handler asks of the reader (the text, its layout and the clean copy)."""
    start = time.perf_counter()
    engine_ms = [reader.read(data, image_type, clean=True).result.duration_ms for data in files]
    return Round(time.perf_counter() - start, engine_ms)


_reader: Reader | None = None


def _load_reader() -> None:
    global _reader
    _reader = build_reader(OcrSettings())


def _read(data: bytes, image_type: str) -> int:
    assert _reader is not None
    return _reader.read(data, image_type, clean=True).result.duration_ms


def direct_parallel(pool: Any, files: list[bytes], image_type: str) -> Round:
    """The images shared out one at a time between the pool's processes (as prefetch=1 shares
    messages between workers), timed until the last is read."""
    start = time.perf_counter()
    engine_ms = pool.starmap(_read, [(data, image_type) for data in files], chunksize=1)
    return Round(time.perf_counter() - start, engine_ms)


def main() -> None:
    args = arguments()
    files = images(args.images, args.samples)
    began = time.perf_counter()
    settings = cluster.bench_settings(OcrSettings)
    logs = Path(tempfile.mkdtemp(prefix=f"jaryo-bench-ocr-{cluster.RUN}-"))
    print(f"{len(files)} images a round, {args.rounds} rounds (+1 warm-up); logs in {logs}")
    reader = build_reader(settings)
    with ExitStack() as stack:
        stack.enter_context(cluster.namespace(settings))
        _, base = stack.enter_context(cluster.gateway(settings, log=_log(stack, logs, "gateway")))
        storage_log = _log(stack, logs, "storage")
        stack.enter_context(cluster.worker("storage_service", settings, log=storage_log))
        wait_for_consumers(settings, "storage", 1, timeout=60)
        http = urllib3.PoolManager(timeout=120)
        auth = cluster.sign_in(http, base)
        probe = Probe(settings)
        stack.callback(probe.close)
        service = partial(through_service, http, base, auth, probe, files, args.image_type)
        fanned = files[: args.fanout] if args.fanout else []
        fanout = partial(
            through_service,
            http,
            base,
            auth,
            probe,
            fanned,
            args.image_type,
            per_upload=len(fanned),
        )
        rows = [
            measure(settings, int(workers), logs, service, fanout, reader, files, args)
            for workers in args.workers.split(",")
        ]
    print_tables(rows, len(files))
    print_fanout(rows, len(fanned))
    figures.save(args.figures, issue_figures(rows, len(files), len(fanned)))
    print(f"bench took {time.perf_counter() - began:.0f} s")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per worker count")
    parser.add_argument("--images", type=int, default=16, help="images (uploads) per round")
    parser.add_argument("--samples", type=Path, help="read these image files instead")
    parser.add_argument("--image-type", default="eng-printed")
    parser.add_argument("--workers", default="1,2", help="OCR worker counts, comma-separated")
    parser.add_argument(
        "--fanout", type=int, default=20, help="images in the one-upload round (0: none)"
    )
    parser.add_argument("--figures", type=Path, help="save the issue-16 figures here (JSON)")
    parser.add_argument(
        "--profile", action="store_true", help="sample the OCR processes with py-spy in one round"
    )
    return parser.parse_args()


def _log(stack: ExitStack, logs: Path, name: str) -> IO[bytes]:
    return stack.enter_context((logs / f"{name}.log").open("ab"))


@dataclass(frozen=True)
class Row:
    workers: int
    direct: list[Round]
    service: list[Round]
    fanout: list[Round]  # one upload of many images, POST to upload.completed


def measure(
    settings: OcrSettings,
    workers: int,
    logs: Path,
    service: Callable[[], Round],
    fanout: Callable[[], Round],
    reader: Reader,
    files: list[bytes],
    args: argparse.Namespace,
) -> Row:
    """The rounds with `workers` OCR processes: service and direct interleaved, and alternately
    first, so both see the same machine load; then the one-upload rounds. The first of each
    kind is a warm-up, dropped."""
    with ExitStack() as stack:
        log = _log(stack, logs, f"ocr-{workers}")
        ocr = stack.enter_context(
            cluster.worker("ocr_service", settings, log=log, JARYO_OCR_WORKERS=str(workers))
        )
        wait_for_consumers(settings, "ocr", workers, timeout=120)
        direct_round = stack.enter_context(baseline(workers, reader, files, args.image_type))
        rounds: dict[str, list[Round]] = {"service": [], "direct": []}
        for n in range(args.rounds + 1):
            for which in ("service", "direct") if n % 2 == 0 else ("direct", "service"):
                rounds[which].append(service() if which == "service" else direct_round())
        one_upload = [fanout() for _ in range(args.rounds + 1)] if args.fanout else []
        if args.profile:
            profile_round(service, ocr.pid, logs / f"ocr-{workers}.pyspy.txt", workers)
    return Row(workers, rounds["direct"][1:], rounds["service"][1:], one_upload[1:])


def profile_round(service: Callable[[], Round], pid: int, out: Path, workers: int) -> None:
    """One more service round, not counted, with the OCR processes sampled by py-spy."""
    with profiling.sampled(pid, out) as raw:
        service()
    if raw is None or not raw.exists():
        print("(no profile: py-spy is not installed or may not trace here)")
        return
    title = f"OCR service, {workers} worker(s), one round"
    print(f"\n{profiling.table(title, profiling.kinds(raw))}\n(samples: {raw})\n")


@contextmanager
def baseline(
    workers: int, reader: Reader, files: list[bytes], image_type: str
) -> Iterator[Callable[[], Round]]:
    """The engine called directly: in this process for one worker, else in a pool of spawned
    processes, each with its own reader."""
    if workers == 1:
        yield partial(direct, reader, files, image_type)
        return
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_load_reader)
    try:
        yield partial(direct_parallel, pool, files, image_type)
    finally:
        pool.terminate()
        pool.join()


def print_tables(rows: list[Row], count: int) -> None:
    print()
    print("| workers | direct img/s | service img/s | ratio |")
    print("|---:|---:|---:|---:|")
    for workers, baselines, service in ((r.workers, r.direct, r.service) for r in rows):
        d = statistics.median(count / r.seconds for r in baselines)
        s = statistics.median(count / r.seconds for r in service)
        print(f"| {workers} | {d:.2f} | {s:.2f} | {s / d:.2f} |")
    print()
    print("Where the time goes (medians over the measured rounds):")
    print()
    print(
        "| workers | engine ms/img direct | engine ms/img service "
        "| engine busy direct | engine busy service | all posted s | first completed s "
        "| last ocr.completed s | last upload.completed s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers, baselines, service in ((r.workers, r.direct, r.service) for r in rows):
        engine_d = statistics.median(ms for r in baselines for ms in r.engine_ms)
        engine_s = statistics.median(ms for r in service for ms in r.engine_ms)
        # The share of the workers' wall time spent inside Reader.read.
        busy_d = statistics.median(sum(r.engine_ms) / 1000 / r.seconds / workers for r in baselines)
        busy_s = statistics.median(sum(r.engine_ms) / 1000 / r.seconds / workers for r in service)
        first = statistics.median(r.first_seconds for r in service)
        posted = statistics.median(r.post_seconds for r in service)
        read = statistics.median(r.read_seconds for r in service)
        last = statistics.median(r.seconds for r in service)
        print(
            f"| {workers} | {engine_d:.0f} | {engine_s:.0f} | {busy_d:.0%} | {busy_s:.0%} "
            f"| {posted:.2f} | {first:.2f} | {read:.2f} | {last:.2f} |"
        )
    print()


def print_fanout(rows: list[Row], count: int) -> None:
    """One upload of `count` images: its time with each worker count, against the first's."""
    if not count:
        return
    first = statistics.median(r.seconds for r in rows[0].fanout)
    print(f"One upload of {count} images, POST to upload.completed (medians):")
    print()
    print(f"| OCR workers | seconds | vs {rows[0].workers} worker(s) | ideal |")
    print("|---:|---:|---:|---:|")
    for row in rows:
        seconds = statistics.median(r.seconds for r in row.fanout)
        ideal = math.ceil(count / row.workers) / math.ceil(count / rows[0].workers)
        print(f"| {row.workers} | {seconds:.2f} | {seconds / first:.2f} | {ideal:.2f} |")
    print()


def issue_figures(rows: list[Row], count: int, fanned: int) -> list[figures.Figure]:
    """The service/direct ratio per worker count, and the one big upload on the most workers
    against the fewest."""
    targets = {1: ">= 0.9", 2: ">= 0.85"}
    found = []
    for row in rows:
        d = statistics.median(count / r.seconds for r in row.direct)
        s = statistics.median(count / r.seconds for r in row.service)
        found.append(
            figures.Figure(
                f"OCR through the service vs the engine called directly, {row.workers} worker(s)",
                s / d,
                targets.get(row.workers, ">= 0.85"),
                f"{count} single-image uploads",
            )
        )
    if rows[-1].fanout and len(rows) > 1:
        few, most = (
            statistics.median(r.seconds for r in row.fanout) for row in (rows[0], rows[-1])
        )
        found.append(
            figures.Figure(
                f"a {fanned}-image upload on {rows[-1].workers} OCR workers vs on "
                f"{rows[0].workers}",
                most / few,
                "<= 0.6",
                "time from POST to upload.completed",
            )
        )
    return found


if __name__ == "__main__":
    main()
