"""Sending an accepted upload's events: a new upload's off the request thread, so its 202 waits
neither for the broker nor for the writes that clear the outbox (docs/upload-path.md); a retried
request's at once, if its upload still owes them.

Safe because the upload already owes its events in its outbox when it is handed over: if this
process dies first, the outbox relay sends them once the writer's claim runs out (30 s), and a
retry with the same Idempotency-Key sends them at once (`send_owed`)."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from gateway.bootstrap import Dependencies
from jaryo_shared import outbox, upload_deletions

log = logging.getLogger(__name__)

# Each send is a publish and the outbox's clearing writes (about 10 ms): a few threads keep up
# with far more uploads than one gateway process accepts; the publisher serialises its channel.
THREADS = 4
# A live writer's announcer sends within milliseconds of its 202 (a second or so on a loaded
# machine); a retry that comes meanwhile (a client retrying a request it was answered) waits
# this long for it, so one upload is announced once. A writer that died costs its retry this.
WRITER_GRACE = timedelta(seconds=2)
_POLL_SECONDS = 0.02

_pool: ThreadPoolExecutor | None = None
_pool_guard = threading.Lock()


def later(deps: Dependencies, upload: dict[str, Any]) -> Future[None]:
    """Send what the just-written upload owes, soon, on an announcer thread (with this request's
    context: its correlation id in the logs). The threads finish their work before the process
    exits."""
    context = contextvars.copy_context()
    return _announcers().submit(context.run, _send_while_claimed, deps, upload)


def send_owed(deps: Dependencies, upload: dict[str, Any]) -> None:
    """A retried request found its upload still owing `upload.received`: the request that wrote
    it died before sending it (or has not yet). Send it now, not after that writer's claim runs
    out (30 s): the client is told 202 either way. A second copy is harmless (its consumers
    are idempotent); the settle still announces the upload once."""
    if _owes(upload) and _claimed(deps, upload):  # its writer may be sending it right now
        upload = _after_writers_send(deps, upload)
    if _owes(upload):
        _publish(deps, upload)


def _send_while_claimed(deps: Dependencies, upload: dict[str, Any]) -> None:
    """Past its writer's claim the relay sends the event: sending it too could repeat the
    relay's send. So a backlog (the broker slow or away) drains at once when it clears, and
    holds at most a claim's worth of uploads."""
    if upload.get("outbox_claimed_until") is None or _claimed(deps, upload):
        _publish(deps, upload)
    else:
        log.warning("upload %s's event left to the outbox relay: not sent in time", upload["_id"])


def _publish(deps: Dependencies, upload: dict[str, Any]) -> None:
    """Send the upload's events now if the broker takes them; the relay sends them otherwise.
    Clearing the outbox writes the upload, which can lose a DELETE made meanwhile (the client
    has its 202 and may delete at once): the deletion is restored after (upload_deletions)."""
    try:
        outbox.flush(deps.db.uploads, upload["_id"], deps.publisher, upload["outbox"])
    except Exception:
        log.warning(
            "broker unavailable; upload %s's event left to the outbox relay",
            upload["_id"],
            exc_info=True,
        )
    finally:
        upload_deletions.restore(deps.db, upload["_id"])


def _owes(upload: dict[str, Any]) -> bool:
    return bool(upload.get("outbox_pending") and upload.get("outbox"))


def _claimed(deps: Dependencies, upload: dict[str, Any]) -> bool:
    """Whether its writer's claim on the outbox holds (or a relay's: either may be sending)."""
    claimed_until = upload.get("outbox_claimed_until")
    return claimed_until is not None and deps.clock.now() < claimed_until


def _after_writers_send(deps: Dependencies, upload: dict[str, Any]) -> dict[str, Any]:
    """The upload once its writer's announcer has sent its events, or as it stands after
    WRITER_GRACE."""
    deadline = time.monotonic() + WRITER_GRACE.total_seconds()
    while _owes(upload) and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        upload = deps.db.uploads.find_one({"_id": upload["_id"]}) or {}
    return upload


def _announcers() -> ThreadPoolExecutor:
    """Made on first use, in the process that serves (a gunicorn worker, never its master)."""
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="announcer")
        return _pool
