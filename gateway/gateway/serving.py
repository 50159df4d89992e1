"""How the gateway is served: gunicorn with gateway/gunicorn.conf.py, from the repository root.
The Procfile and the image run the same command; the tests and benchmarks start it with this.

gunicorn answers some requests itself, before the app sees them (a request line or a header
too long, a malformed request): `Worker` makes those answers problem+json like every other
error, with the same security headers, and drops the `Server` header that names the software."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable

from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

from gateway.http_headers import SECURITY_HEADERS
from gateway.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE, slug_of

WORKER_CLASS = "gateway.serving.Worker"
_MAX_DETAIL = 200  # gunicorn's message quotes the offending request line or header


def gunicorn_command(access_log: str = "-") -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "gateway/gunicorn.conf.py",
        "--access-logfile",
        access_log,
        "gateway.app:create_app()",
    ]


class Worker(ThreadWorker):
    """gunicorn's threaded worker (gthread), speaking problem+json for its own errors."""

    def init_process(self) -> None:
        # gunicorn has no setting for either: its one error writer and its one header list are
        # replaced in this worker process, before it serves anything.
        util.write_error = write_problem
        if not getattr(wsgi.Response.default_headers, "without_server", False):
            wsgi.Response.default_headers = _without_server(wsgi.Response.default_headers)
        super().init_process()


def problem_bytes(status: int, reason: str, detail: str) -> bytes:
    """A whole HTTP/1.1 response carrying an RFC 9457 problem, for gunicorn to write."""
    slug = "internal-error" if status == 500 else slug_of(reason)
    problem = {"type": PROBLEM_TYPE_BASE + slug, "code": slug, "title": reason, "status": status}
    if detail:
        problem["detail"] = detail[:_MAX_DETAIL]
    body = json.dumps(problem).encode()
    headers = {
        "Connection": "close",
        "Content-Type": MEDIA_TYPE,
        "Content-Length": str(len(body)),
        **SECURITY_HEADERS,
    }
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's signature, writing problem_bytes instead of an HTML page."""
    util.write_nonblock(sock, problem_bytes(status_int, reason, mesg))


def _without_server(default_headers: Callable[[wsgi.Response], list[str]]) -> Callable:
    def headers(self: wsgi.Response) -> list[str]:
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    headers.without_server = True  # type: ignore[attr-defined]
    return headers
