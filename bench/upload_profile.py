"""Where one `POST /v1/uploads` of one image goes: its round trips to the database, S3 and the
broker, the gateway's CPU time per request, and the functions that spend it (cProfile).

    source scripts/lib.sh && .venv/bin/python -m bench.upload_profile [--requests 30] [--mb 1]

The gateway runs in this process (Flask's test client: werkzeug parses the form as under
gunicorn), in a namespace of its own on the local servers that it removes afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import urllib3
from pymongo import monitoring
from pymongo.collection import Collection

from bench import cluster
from bench.upload import image_of_size
from gateway.app import create_app
from gateway.settings import GatewaySettings
from jaryo_shared import database
from tests.helpers import wait_until


class Trips(monitoring.CommandListener):
    """Every database command, S3 request and publish made by the request thread."""

    def __init__(self) -> None:
        self.counted: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()  # the database's answer time, by command
        self.watching: int | None = None  # the thread whose trips count
        self.names: dict[int, str] = {}

    def note(self, name: str) -> str:
        """Count the trip under its name: "after 202" if another thread (the announcer) made
        it."""
        if self.watching is None:
            return ""
        if threading.get_ident() != self.watching:
            name = f"{name} (after 202)"
        self.counted[name] += 1
        return name

    @contextmanager
    def timed(self, name: str) -> Iterator[None]:
        counted, started = self.note(name), time.perf_counter()
        try:
            yield
        finally:
            self.seconds[counted] += time.perf_counter() - started

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        collection = event.command.get(event.command_name)
        self.names[event.request_id] = self.note(f"db {event.command_name} {collection}")

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.seconds[self.names.pop(event.request_id, "")] += event.duration_micros / 1e6

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def watch_s3_and_broker(app: Any, trips: Trips) -> None:
    """Count the object store's HTTP requests and the publisher's publishes."""
    deps = app.extensions["jaryo"]
    pool = deps.store._minio._http  # the SDK's urllib3 pool: one request per call
    urlopen, publish = pool.urlopen, deps.publisher.publish

    def counted_urlopen(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with trips.timed(f"s3 {method}"):
            return urlopen(method, url, *args, **kwargs)

    def counted_publish(*args: Any, **kwargs: Any) -> Any:
        with trips.timed("broker publish"):
            return publish(*args, **kwargs)

    pool.urlopen = counted_urlopen
    deps.publisher.publish = counted_publish


def settings() -> GatewaySettings:
    return cluster.bench_settings(GatewaySettings).model_copy(update={"log_level": "WARNING"})


def announced(uploads: Collection, upload_ids: list[str]) -> None:
    """Wait until the gateway's announcer has sent these uploads' events."""
    for upload_id in upload_ids:
        wait_until(lambda: not uploads.find_one({"_id": upload_id})["outbox_pending"])  # noqa: B023


@contextmanager
def gateway_in_process() -> Iterator[Any]:
    with cluster.namespace(settings()):
        app = create_app(settings(), run_relay=False)
        try:
            yield app
        finally:
            app.extensions["jaryo"].close()


def sign_in(client: Any) -> dict[str, str]:
    credentials = {"username": f"profile-{cluster.RUN}", "password": "benchmark-password"}
    client.post("/v1/auth/register", json=credentials)
    token = client.post("/v1/auth/token", json=credentials).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def post(client: Any, auth: dict[str, str], body: tuple[bytes, str]) -> str:
    """One upload of a form encoded beforehand, so the encoding is not the gateway's time."""
    data, content_type = body
    response = client.post("/v1/uploads", headers=auth, data=data, content_type=content_type)
    assert response.status_code == 202, response.data[:300]
    return response.get_json()["upload_id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--mb", type=float, default=1.0)
    args = parser.parse_args()
    image = image_of_size(int(args.mb * 1_000_000), 1)
    body = urllib3.encode_multipart_formdata({"image0": ("page.png", image, "image/png")})
    # Made before the listener is registered, so its own reads are not counted.
    unwatched = database.database(database.connect(settings()), settings()).uploads
    trips = Trips()
    monitoring.register(trips)  # before the app's client exists: it applies to new clients
    with gateway_in_process() as app:
        watch_s3_and_broker(app, trips)
        client = app.test_client()
        auth = sign_in(client)
        announced(unwatched, [post(client, auth, body)])  # connections opened, imports done
        trips.watching = threading.get_ident()
        ids, cpu, wall = [], [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.thread_time()
            ids.append(post(client, auth, body))
            cpu.append(time.thread_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        announced(unwatched, ids)  # what is sent after the 202s counts too
        trips.watching = None
        profile = cProfile.Profile()  # apart: its own overhead would count as CPU above
        for _ in range(args.requests):
            profile.runcall(post, client, auth, body)
    report(trips, args.requests, cpu, wall, profile)


def report(trips: Trips, requests: int, cpu: list[float], wall: list[float], profile) -> None:
    print(f"round trips per request ({requests} requests), and the mean ms each takes in all:")
    trips.seconds.pop("", None)
    for name, count in sorted(trips.counted.items()):
        print(f"  {count / requests:5.1f}  {trips.seconds[name] * 1000 / requests:6.1f} ms  {name}")
    for after in (False, True):
        names = [name for name in trips.counted if name.endswith("(after 202)") == after]
        count = sum(trips.counted[name] for name in names) / requests
        total = sum(trips.seconds[name] for name in names) * 1000 / requests
        print(f"  {count:5.1f}  {total:6.1f} ms  in all, {'after' if after else 'before'} the 202")
    print(
        f"request thread CPU: median {statistics.median(cpu) * 1000:.1f} ms; "
        f"wall: median {statistics.median(wall) * 1000:.1f} ms"
    )
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats("gateway|werkzeug|sniff|PIL|multipart", 30)
    print(out.getvalue())


if __name__ == "__main__":
    main()
