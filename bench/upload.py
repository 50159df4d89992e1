"""Upload throughput through the gateway vs direct S3 PUTs of the same bytes, in one run; and
the gateway worker's peak memory while it receives one 50 MB request.

    source scripts/lib.sh && .venv/bin/python -m bench.upload [--rounds 5]

Starts a gunicorn gateway (one worker) as the integration tests do (bench/cluster.py), in a
namespace of its own that it removes afterwards. Needs the local servers (`make infra`). Prints
medians; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
import uuid
from pathlib import Path

import urllib3
from PIL import Image

from bench import cluster
from jaryo_shared import objectstore
from jaryo_shared.settings import Settings


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
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    settings = cluster.bench_settings(Settings)
    store = objectstore.ObjectStore(objectstore.client(settings))
    with cluster.namespace(settings), cluster.gateway(settings) as (gateway, base):
        http = urllib3.PoolManager(timeout=120)
        auth = cluster.sign_in(http, base)
        throughput(http, base, auth, store, settings.bucket_staging, rounds)
        peak_memory(http, base, auth, worker_pid(gateway.pid))


def throughput(http, base, auth, store: objectstore.ObjectStore, bucket: str, rounds: int) -> None:
    print(f"{'size':>6} {'gateway MB/s':>13} {'direct S3 MB/s':>15} {'ratio':>6}")
    for megabytes in (1, 10):
        data = image_of_size(megabytes * 1_000_000, megabytes)
        mb = len(data) / 1e6
        via, direct = [], []
        for _ in range(rounds):  # interleaved, so both see the same machine load
            via.append(mb / through_gateway(http, base, auth, [data]))
            direct.append(mb / direct_put(store, bucket, [data]))
        g, d = statistics.median(via), statistics.median(direct)
        print(f"{mb:5.1f}M {g:13.1f} {d:15.1f} {g / d:6.2f}")


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
