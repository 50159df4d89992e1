"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 in a thread that records every
request (headers, body, arrival time) and answers as scripted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()


# An answer: a status code, or a function that writes the whole answer itself.
Answer = int | Callable[[BaseHTTPRequestHandler, "Receiver"], None]


@dataclass
class Receiver:
    answers: list[Answer] = field(default_factory=list)  # in turn; the last one repeats
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    notes: dict[str, Any] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Receiver:
        receiver = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                receiver.connections += 1  # any TCP connection, a request or not
                return True

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(
                    Received(self.path, dict(self.headers.items()), body, time.monotonic())
                )
                index = min(len(receiver.received), len(receiver.answers)) - 1
                answer = receiver.answers[index] if receiver.answers else 200
                if callable(answer):
                    answer(self, receiver)
                else:
                    self.send_response(answer)
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def redirect(handler: BaseHTTPRequestHandler, receiver: Receiver) -> None:
    handler.send_response(302)
    handler.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def never_answer(handler: BaseHTTPRequestHandler, receiver: Receiver) -> None:
    receiver.released.wait(30)


def endless_body(handler: BaseHTTPRequestHandler, receiver: Receiver) -> None:
    """200, then a body that never ends: the sender must stop reading it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.end_headers()
    chunk = b"x" * 65536
    written = 0
    try:
        while written < 1024**3:
            handler.wfile.write(chunk)
            written += len(chunk)
    except OSError as exc:
        receiver.notes["cut_off"] = type(exc).__name__
    receiver.notes["written"] = written
    handler.close_connection = True
