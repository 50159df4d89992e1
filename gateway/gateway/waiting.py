"""How a request waits for its upload or deck to finish (`?wait=N`, `/events`): reading `?wait`,
taking a waiting slot for the caller, re-reading the document as its events pass, and noticing
a client that hung up. The slots and the events are gateway.progress's."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, g, request

from gateway.problems import InvalidInput, TooManyWaits
from gateway.progress import ClientGone, Progress, TooManyWaiters, TooManyWaitersOfUser, Waiter

RETRY_AFTER_SECONDS = "5"


def wait_seconds(raw: str | None, limit: int) -> int:
    """`?wait=N` as whole seconds from 0 to `limit`, else a 422 naming it. ASCII digits only:
    str.isdigit() also takes '²', which int() refuses, and thousands of digits are slow to read."""
    if raw is None:
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(limit)) or int(raw) > limit:
        raise InvalidInput(
            f"wait must be a whole number of seconds from 0 to {limit}", pointer="/wait"
        )
    return int(raw)


def open_waiter(subject: str) -> Waiter:
    """A waiting slot for the caller on `subject`; `close()` it when done. Over the caller's own
    cap this is a 429 problem; over the process's cap it raises TooManyWaiters."""
    try:
        return _progress().register(subject, g.user_id, hung_up(request.environ))
    except TooManyWaitersOfUser:
        limit = current_app.extensions["jaryo"].settings.progress_max_waiters_per_user
        problem = TooManyWaits(
            f"you already have {limit} requests waiting on this server; let one finish or "
            "close it before waiting on another"
        )
        problem.headers["Retry-After"] = RETRY_AFTER_SECONDS
        raise problem from None


def until_finished(
    subject: str,
    seconds: int,
    read: Callable[[], dict[str, Any]],
    finished: Callable[[dict[str, Any]], bool],
) -> dict[str, Any]:
    """`read()` again whenever an event about `subject` passes (or after a quiet spell), until
    `finished` says so or `seconds` run out; the last read either way. Over the process's cap
    the current state comes back at once, rather than hold a thread the others need."""
    document = read()
    if not seconds or finished(document):
        return document
    deadline = time.monotonic() + seconds
    try:
        waiter = open_waiter(subject)
    except TooManyWaiters:
        return document
    try:
        while True:
            document = read()  # after registering: an event from now on wakes the wait below
            remaining = deadline - time.monotonic()
            if finished(document) or remaining <= 0:
                return document
            waiter.wait(min(remaining, _progress().fallback_seconds))
    except ClientGone:
        return document  # nobody will read it; the slot is free again
    finally:
        waiter.close()


def hung_up(environ: Mapping[str, Any]) -> Callable[[], bool]:
    """Whether the client of this request has closed its connection. gunicorn hands the socket
    over in the environ; a peek that reads end-of-file means the client is gone (one that sent
    more, a pipelined request, is still there). A client that only shuts its sending side while
    it still reads looks gone too; HTTP clients and proxies do not do that mid-response. Without
    a plain socket (another server, TLS in gunicorn itself) it cannot tell and says no: an event
    stream's next write will."""
    connection = environ.get("gunicorn.socket")
    if not isinstance(connection, socket.socket) or isinstance(connection, ssl.SSLSocket):
        return lambda: False

    def gone() -> bool:
        try:
            return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True  # reset, or closed under us

    return gone


def _progress() -> Progress:
    progress: Progress = current_app.extensions["jaryo"].progress
    return progress
