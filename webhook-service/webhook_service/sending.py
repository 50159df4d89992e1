"""One POST to a checked callback URL, on terms a hostile receiver cannot stretch: only to the
addresses the check allowed (the name is not resolved again, so it cannot be pointed at
127.0.0.1 in between), no redirect followed, a connect timeout and a timeout for the whole
attempt, and at most a bounded part of the answer read.

The whole attempt's limit is kept by a watchdog that shuts the connection's socket at the
deadline: socket timeouts alone bound each read, and a receiver sending its TLS handshake or
headers a byte at a time would reset them for ever."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from jaryo_shared.webhook_urls import Target

log = logging.getLogger(__name__)

CHUNK_BYTES = 8192


@dataclass(frozen=True)
class Limits:
    connect_seconds: float
    total_seconds: float
    answer_bytes: int


@dataclass(frozen=True)
class Answer:
    """What came of one POST: the receiver's status code if it answered, and an error in a few
    words unless the status was 2xx."""

    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None


class _Watchdog:
    """Shuts the attempt's socket down at the deadline, whatever the attempt is waiting for."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def watch(self, sock: socket.socket) -> None:
        """Watch a copy of the socket: TLS takes the socket itself over (its descriptor becomes
        -1), while shutting the copy still ends the connection beneath both."""
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                _shut(self._sockets[-1])

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def connection_class(self, base: type[Any]) -> type[Any]:
        """The pool's connection class, with every socket it opens watched."""
        watchdog = self

        class Watched(base):
            def _new_conn(self) -> socket.socket:
                sock: socket.socket = super()._new_conn()
                watchdog.watch(sock)
                return sock

        return Watched


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


class _NoConnection(Exception):
    """This address could not be connected to; the next one the name resolved to may be."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def post(target: Target, body: bytes, headers: Mapping[str, str], limits: Limits) -> Answer:
    """POST `body` to the target, trying its addresses in turn until one takes the connection."""
    deadline = time.monotonic() + limits.total_seconds
    answer = Answer(None, "timeout")
    for address in target.addresses:
        if time.monotonic() >= deadline:
            return Answer(None, "timeout")
        try:
            return _post_to(address, target, body, headers, limits, deadline)
        except _NoConnection as exc:
            answer = Answer(None, exc.error)
    return answer


def _post_to(
    address: str,
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    limits: Limits,
    deadline: float,
) -> Answer:
    left = max(deadline - time.monotonic(), 0.001)
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            maxsize=1,
            retries=False,
            ssl_context=ssl.create_default_context(),
            server_hostname=target.host,  # the certificate must be the name's, not the address's
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, maxsize=1, retries=False)
    with _Watchdog(left) as watchdog:
        pool.ConnectionCls = watchdog.connection_class(pool.ConnectionCls)
        try:
            return _exchange(pool, target, body, headers, limits, deadline)
        except _NoConnection:
            if watchdog.expired:
                return Answer(None, "timeout")
            raise
        except (HTTPError, OSError) as exc:
            return Answer(None, "timeout" if watchdog.expired else _error(exc))
        finally:
            pool.close()


def _exchange(
    pool: urllib3.HTTPConnectionPool,
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    limits: Limits,
    deadline: float,
) -> Answer:
    left = max(deadline - time.monotonic(), 0.001)
    try:
        response = pool.urlopen(
            "POST",
            target.target,
            body=body,
            headers={**headers, "Host": _host_header(target)},
            redirect=False,
            retries=False,
            timeout=urllib3.Timeout(connect=min(limits.connect_seconds, left), read=left),
            preload_content=False,
            release_conn=False,
            assert_same_host=False,
        )
    except NewConnectionError as exc:  # before its base class, ConnectTimeoutError
        raise _NoConnection(_connection_error(exc)) from exc
    except ConnectTimeoutError as exc:
        raise _NoConnection("timeout") from exc
    try:
        _read_some(response, limits.answer_bytes, deadline)
    finally:
        response.close()
    return _judge(response.status)


def _judge(status: int) -> Answer:
    if 200 <= status < 300:
        return Answer(status, None)
    if 300 <= status < 400:
        return Answer(status, "redirect not followed")
    return Answer(status, f"HTTP {status}")


def _read_some(response: urllib3.BaseHTTPResponse, limit: int, deadline: float) -> None:
    """Read at most `limit` bytes of the answer, and stop at the deadline: the status decides
    the outcome, the body is only read so that a receiver that writes one is not cut off."""
    read = 0
    try:
        while read < limit and (left := deadline - time.monotonic()) > 0:
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(left)  # a receiver dribbling its answer cannot outlast the deadline
            chunk = response.read1(min(CHUNK_BYTES, limit - read))
            if not chunk:
                return
            read += len(chunk)
    except (HTTPError, OSError) as exc:
        log.debug("stopped reading a webhook's answer: %s", exc)


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _connection_error(exc: NewConnectionError) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "timed out" in text:
        return "timeout"
    if "unreachable" in text:
        return "network unreachable"
    return "connection failed"


def _error(exc: BaseException) -> str:
    if isinstance(exc, (ReadTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, SSLError):
        return "TLS handshake failed"
    if isinstance(exc, ProtocolError):
        if "timed out" in str(exc).lower():
            return "timeout"
        return "connection closed without an answer"
    return f"request failed ({type(exc).__name__})"
