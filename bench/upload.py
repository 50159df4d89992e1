"""Upload throughput through the gateway vs direct S3 PUTs of the same bytes, in one run; and
the gateway worker's peak memory while it receives one 50 MB request.

    source scripts/lib.sh && .venv/bin/python -m bench.upload [--rounds 9] [--sizes 0.1,1,10]

Starts a gunicorn gateway (one worker) as the integration tests do (bench/cluster.py), in a
namespace of its own that it removes afterwards. Needs the local servers (`make infra`). Prints,
per size, the medians of each way's request time and the median of the per-round ratios (each
round sends the same image both ways, back to back, so both see the same machine load); the
ratio is what to compare across machines. `--baseline DIR` serves a second gateway from
another checkout (e.g. `git worktree add ../base main`) and measures it in the same rounds: a
before/after in one machine state (docs/upload-path.md).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import urllib3
from PIL import Image

from bench import cluster, figures
from jaryo_shared import objectstore
from jaryo_shared.settings import Settings
from tests.integration import processes


def image_of_size(target_bytes: int, seed: int) -> bytes:
    """An uncompressed PNG of random pixels, within 1% of the target size."""
    side = int((target_bytes / 3) ** 0.5)
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def through_gateway(http, base, auth, files: list[bytes]) -> float:
    fields = [(f"image{n}", (f"bench{n}.png", data, "image/png")) for n, data in enumerate(files)]
    body, content_type = urllib3.encode_multipart_formdata(fields)
    start = time.perf_counter()
    response = http.request(
        "POST", f"{base}/v1/uploads", body=body, headers={**auth, "Content-Type": content_type}
    )
    elapsed = time.perf_counter() - start
    assert response.status == 202, response.data[:300]
    return elapsed


def direct_put(store: objectstore.ObjectStore, bucket: str, files: list[bytes]) -> float:
    start = time.perf_counter()
    for data in files:
        store.put_stream(
            bucket,
            f"direct/{uuid.uuid4().hex}.png",
            io.BytesIO(data),
            length=len(data),
            content_type="image/png",
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--sizes", default="1,10", help="image sizes in MB, comma-separated")
    parser.add_argument(
        "--baseline", type=Path, help="another checkout whose gateway to measure beside this one"
    )
    parser.add_argument("--figures", type=Path, help="save the issue-16 figures here (JSON)")
    args = parser.parse_args()
    sizes = [float(size) for size in args.sizes.split(",")]
    settings = cluster.bench_settings(Settings)
    store = objectstore.ObjectStore(objectstore.client(settings))
    with ExitStack() as stack:
        stack.enter_context(cluster.namespace(settings))
        gateway, base = stack.enter_context(cluster.gateway(settings))
        http = urllib3.PoolManager(timeout=120)
        auth = cluster.sign_in(http, base)
        ways = {"gateway": Way(lambda data: through_gateway(http, base, auth, [data]))}
        if args.baseline:
            _, old = stack.enter_context(baseline_gateway(settings, args.baseline))
            ways = {"baseline": Way(lambda data: through_gateway(http, old, auth, [data])), **ways}
        ways["direct S3"] = Way(lambda data: direct_put(store, settings.bucket_staging, [data]))
        ratios = throughput(ways, sizes, args.rounds)
        peak_memory(http, base, auth, worker_pid(gateway.pid))
    figures.save(args.figures, issue_figures(ratios))


TARGETS = {1.0: ">= 0.6", 10.0: ">= 0.85"}  # issue 16's, by size in MB


def issue_figures(ratios: dict[float, float]) -> list[figures.Figure]:
    return [
        figures.Figure(
            f"upload through the gateway vs direct S3 PUT, {megabytes:g} MB",
            ratio,
            TARGETS.get(megabytes, ">= 0.6"),
            "median of the per-round ratios",
        )
        for megabytes, ratio in ratios.items()
    ]


def baseline_gateway(settings: Settings, checkout: Path):
    """The gateway of another checkout (e.g. a worktree at main), served the same way: its
    packages come first on the path, before this venv's editable installs of this one."""
    packages = [checkout / folder for folder in ("gateway", "shared")]
    path = os.pathsep.join(str(folder.resolve()) for folder in packages)
    return processes.gateway_process(settings, workers=1, env={**cluster.QUIET, "PYTHONPATH": path})


@dataclass
class Way:
    """One way of storing an image, and its request times in the current size's rounds."""

    send: Callable[[bytes], float]
    seconds: list[float] = field(default_factory=list)


def throughput(ways: dict[str, Way], sizes: list[float], rounds: int) -> dict[float, float]:
    """Each round sends the image every way, back to back, so all see the same machine load;
    a ratio is the direct PUT's time over that way's, in the same round. Returns the gateway's
    median ratio by size."""
    gateway_ratios: dict[float, float] = {}
    print(f"{'size':>6} {'way':>10} {'median ms':>10} {'MB/s':>7} {'ratio':>6} {'ratio range':>12}")
    for way in ways.values():  # warm: connections opened, lazy imports done
        way.send(image_of_size(100_000, 0))
    for megabytes in sizes:
        data = image_of_size(int(megabytes * 1_000_000), int(megabytes * 10))
        for way in ways.values():
            way.seconds = []
        for _ in range(rounds):
            for way in ways.values():
                way.seconds.append(way.send(data))
        direct, mb = ways["direct S3"].seconds, len(data) / 1e6
        for name, way in ways.items():
            ratios = sorted(d / t for t, d in zip(way.seconds, direct, strict=True))
            median = statistics.median(way.seconds)
            print(
                f"{mb:5.1f}M {name:>10} {median * 1000:10.1f} {mb / median:7.1f} "
                f"{statistics.median(ratios):6.2f} {ratios[0]:5.2f}–{ratios[-1]:.2f}"
            )
            if name == "gateway":
                gateway_ratios[megabytes] = statistics.median(ratios)
    return gateway_ratios


def peak_memory(http, base, auth, worker: int) -> None:
    before = peak_rss_mib(worker)
    big = [image_of_size(16_600_000, n) for n in range(3)]
    through_gateway(http, base, auth, big)
    after = peak_rss_mib(worker)
    size = sum(len(b) for b in big) / 1e6
    print(
        f"gateway worker peak RSS: {before:.0f} MiB before, {after:.0f} MiB after one "
        f"{size:.0f} MB request (+{after - before:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
