"""Upload throughput through the gateway vs direct S3 PUTs of the same bytes, in one run; and
the gateway worker's peak memory while it receives one 50 MB request.

    source scripts/lib.sh && .venv/bin/python bench/upload.py [--rounds 5]

Starts its own gunicorn gateway (one worker) on a free port, in a namespace of its own (database,
exchange, queues, buckets named jaryo-bench-*) that it removes afterwards. Needs the local
servers (`make infra`). Prints medians; the ratio is what to compare across machines.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import socket
import statistics
import subprocess
import time
import uuid
from pathlib import Path

import urllib3
from PIL import Image

from gateway.serving import gunicorn_command
from jaryo_shared import objectstore
from jaryo_shared.provision import deprovision, provision
from jaryo_shared.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
RUN = uuid.uuid4().hex[:6]
NAMESPACE = {
    "JARYO_MONGO_DB": f"jaryo_bench_{RUN}",
    "JARYO_EXCHANGE": f"jaryo-bench-{RUN}.events",
    "JARYO_DEAD_LETTER_EXCHANGE": f"jaryo-bench-{RUN}.dead",
    "JARYO_QUEUE_PREFIX": f"jaryo-bench-{RUN}",
    "JARYO_BUCKET_STAGING": f"jaryo-bench-{RUN}-staging",
    "JARYO_BUCKET_IMAGES": f"jaryo-bench-{RUN}-images",
    "JARYO_BUCKET_DECKS": f"jaryo-bench-{RUN}-decks",
}


def image_of_size(target_bytes: int, seed: int) -> bytes:
    """An uncompressed PNG of random pixels, within 1% of the target size."""
    side = int((target_bytes / 3) ** 0.5)
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gateway(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **NAMESPACE,
        "JARYO_GATEWAY_BIND": f"127.0.0.1:{port}",
        "JARYO_GATEWAY_WORKERS": "1",
        "JARYO_LOG_LEVEL": "WARNING",
    }
    gateway = subprocess.Popen(
        gunicorn_command(access_log="/dev/null"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    http = urllib3.PoolManager()
    for _ in range(100):
        try:
            if http.request("GET", f"http://127.0.0.1:{port}/healthz").status == 200:
                return gateway
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the gateway did not start")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def sign_in(http: urllib3.PoolManager, base: str) -> dict[str, str]:
    credentials = {"username": f"bench-{RUN}", "password": "benchmark-password"}
    http.request("POST", f"{base}/v1/auth/register", json=credentials)
    token = json.loads(http.request("POST", f"{base}/v1/auth/token", json=credentials).data)
    return {"Authorization": f"Bearer {token['access_token']}"}


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
    os.environ.update(NAMESPACE)
    settings = Settings()
    provision(settings)
    store = objectstore.ObjectStore(objectstore.client(settings))
    port = free_port()
    gateway = start_gateway(port)
    base, http = f"http://127.0.0.1:{port}", urllib3.PoolManager(timeout=120)
    try:
        auth = sign_in(http, base)
        print(f"{'size':>6} {'gateway MB/s':>13} {'direct S3 MB/s':>15} {'ratio':>6}")
        for megabytes in (1, 10):
            data = image_of_size(megabytes * 1_000_000, megabytes)
            mb = len(data) / 1e6
            via, direct = [], []
            for _ in range(rounds):  # interleaved, so both see the same machine load
                via.append(mb / through_gateway(http, base, auth, [data]))
                direct.append(mb / direct_put(store, settings.bucket_staging, [data]))
            g, d = statistics.median(via), statistics.median(direct)
            print(f"{mb:5.1f}M {g:13.1f} {d:15.1f} {g / d:6.2f}")

        worker = worker_pid(gateway.pid)
        before = peak_rss_mib(worker)
        big = [image_of_size(16_600_000, n) for n in range(3)]
        through_gateway(http, base, auth, big)
        after = peak_rss_mib(worker)
        size = sum(len(b) for b in big) / 1e6
        print(
            f"gateway worker peak RSS: {before:.0f} MiB before, {after:.0f} MiB after one "
            f"{size:.0f} MB request (+{after - before:.0f} MiB)"
        )
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
        deprovision(settings)


if __name__ == "__main__":
    main()
