"""The Server-Sent Events stream of one upload's progress (text/event-stream)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from gateway.progress import ClientGone, Waiter

FINISHED = ("completed", "partial", "failed")


def upload_stream(
    snapshot: Callable[[], dict[str, Any] | None],
    waiter: Waiter,
    signed_in: Callable[[], bool],
    *,
    heartbeat_seconds: float,
    max_seconds: float,
) -> Iterator[str]:
    """`progress` events while the upload changes, `completed` when it is finished (then the
    stream ends), `gone` if it is deleted meanwhile, `signed-out` (then the stream ends) once the
    caller's sign-in has ended: checked on every change and heartbeat. A comment line keeps idle
    connections open; after `max_seconds` the stream ends and the client reconnects (the browser
    does by itself). It also ends as soon as the waiter sees the client hang up, which gives its
    slot back."""
    deadline = time.monotonic() + max_seconds
    last = None
    try:
        yield "retry: 3000\n\n"
        while True:
            if not signed_in():
                yield _event("signed-out", {"detail": "signed out; sign in again to follow"})
                return
            state = snapshot()
            if state is None:
                yield _event("gone", {"detail": "the upload was deleted"})
                return
            data = json.dumps(state, ensure_ascii=False)
            finished = state["status"] in FINISHED
            if data != last:
                yield _event("completed" if finished else "progress", data)
                last = data
            if finished or time.monotonic() >= deadline:
                return
            remaining = deadline - time.monotonic()
            if not waiter.wait(min(heartbeat_seconds, max(remaining, 0))):
                yield ": keep-alive\n\n"
    except ClientGone:
        return
    finally:
        waiter.close()


def _event(name: str, data: str | dict[str, Any]) -> str:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"event: {name}\ndata: {text}\n\n"
