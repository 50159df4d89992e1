"""The gateway as gunicorn serves it (gateway/gunicorn.conf.py), over the real servers: what
every response carries, what gunicorn answers itself before the app sees a request, and where
the metrics are. One gunicorn for the module."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import urllib3

from tests.integration.processes import free_port, gateway

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


@dataclass
class Served:
    url: str
    port: int
    metrics_port: int


@pytest.fixture(scope="module")
def served(settings) -> Iterator[Served]:
    metrics_port = free_port()
    with gateway(settings, workers=2, env={"JARYO_METRICS_PORT": str(metrics_port)}) as url:
        yield Served(url, int(url.rsplit(":", 1)[1]), metrics_port)


@dataclass
class Raw:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def _raw(served: Served, request: bytes) -> Raw:
    """Send bytes as they are (no client library would send these) and read the answer."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Raw(int(status_line.split()[1]), headers, body)


def _assert_secured(headers: dict[str, str]) -> None:
    lowered = {name.lower(): value for name, value in headers.items()}
    for name, value in SECURITY_HEADERS.items():
        assert lowered.get(name.lower()) == value, name
    assert "server" not in lowered, lowered.get("server")


def test_every_kind_of_response_is_secured_and_names_no_server(served: Served):
    http = urllib3.PoolManager()
    answers = [
        http.request("GET", served.url + "/healthz"),
        http.request("GET", served.url + "/openapi.json"),
        http.request("GET", served.url + "/v1/uploads"),  # 401, no token
        # Under /v1: any other path is one of the web app's routes (gateway/web.py).
        http.request("GET", served.url + "/v1/no/such/route"),  # 404 from Flask
    ]
    assert [a.status for a in answers] == [200, 200, 401, 404]
    for answer in answers:
        _assert_secured(dict(answer.headers))
    assert answers[2].headers["Content-Type"] == PROBLEM
    raw = _raw(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert raw.status == 200
    assert "server" not in raw.headers


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n", 400),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: 1\r\n" % n for n in range(120))
            + b"\r\n",
            431,
        ),
    ],
    ids=["garbage", "bad-header-name", "long-request-line", "long-header", "many-headers"],
)
def test_requests_gunicorn_refuses_itself_are_answered_with_problems(
    served: Served, request_bytes: bytes, status: int
):
    raw = _raw(served, request_bytes)
    assert raw.status == status
    assert raw.headers["content-type"] == PROBLEM
    assert int(raw.headers["content-length"]) == len(raw.body)
    problem = json.loads(raw.body)
    assert problem["status"] == status
    assert problem["type"].startswith("https://jaryo.dev/problems/")
    assert problem["code"] == problem["type"].rsplit("/", 1)[-1]
    _assert_secured(raw.headers)


def test_a_body_over_the_request_limit_is_a_413_problem(served: Served):
    too_big = 100 * 1000 * 1000 + 1  # the default JARYO_MAX_REQUEST_BYTES, plus one
    raw = _raw(
        served,
        b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + b"Content-Type: application/json\r\n"
        + f"Content-Length: {too_big}\r\n\r\n".encode()
        + b'{"username": "',
    )
    assert raw.status == 413
    assert raw.headers["content-type"] == PROBLEM
    assert json.loads(raw.body)["status"] == 413
    _assert_secured(raw.headers)


def test_metrics_are_on_the_metrics_port_only(served: Served):
    http = urllib3.PoolManager()
    public = http.request("GET", served.url + "/metrics")
    assert public.status == 404
    assert b"jaryo_http_requests_total" not in public.data

    assert http.request("GET", served.url + "/healthz").status == 200
    scraped = http.request("GET", f"http://127.0.0.1:{served.metrics_port}/metrics")
    assert scraped.status == 200
    assert 'jaryo_http_requests_total{method="GET",route="/healthz",status="200"}' in (
        scraped.data.decode()
    )
