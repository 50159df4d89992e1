"""The gateway's Prometheus metrics: every request counted and timed, by route template (not by
path, so ids do not explode the label space).

Under gunicorn each worker process writes its samples to PROMETHEUS_MULTIPROC_DIR and the master
serves them, added up, on JARYO_METRICS_PORT (gunicorn.conf.py): never on the public port."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "jaryo_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "jaryo_http_request_duration_seconds",
    "Time to answer an HTTP request (a ?wait or /events request counts its waiting)",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
# Each one holds a server thread; compare with JARYO_PROGRESS_MAX_WAITERS times the processes.
WAITING_REQUESTS = Gauge(
    "jaryo_gateway_waiting_requests",
    "Requests waiting for an upload or a deck to finish (?wait=N, /events)",
    multiprocess_mode="livesum",
)


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
            REQUEST_SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
        return response
