"""Waking requests that wait for an upload or a deck (`?wait=N`, `/events`) when its events pass
by. Events are matched by their CloudEvents `subject`: the upload's id, or the deck's.

Each gateway process keeps one private, exclusive queue bound to the progress events. A waiting
request registers its upload, re-reads the upload once per event about it (or after a quiet
`fallback_seconds`, in case the listener was cut off), and never polls the database in a loop.
Waiters hold a server thread each, so there is a cap; over it, callers get the current state
at once instead of waiting.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from kombu import Consumer, Queue, binding
from kombu.transport.base import Message

from jaryo_shared import events, messaging
from jaryo_shared.settings import Settings
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)

PROGRESS_EVENTS = (
    events.ImageStored,
    events.ImageRejected,
    events.OcrCompleted,
    events.UploadCompleted,
    events.DeckCompleted,
    events.DeckFailed,
)


class TooManyWaiters(Exception):
    pass


class Waiter:
    """One request's view of one upload's events: `wait` returns when something happened."""

    def __init__(self, progress: Progress, upload_id: str) -> None:
        self._progress = progress
        self.upload_id = upload_id
        self._seen = progress._count(upload_id)
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._progress._unregister(self.upload_id)

    def wait(self, timeout: float) -> bool:
        """Block until an event about the upload arrives (True) or `timeout` passes (False)."""
        changed = self._progress._wait_for_change(self.upload_id, self._seen, timeout)
        self._seen = self._progress._count(self.upload_id)
        return changed


class Progress:
    def __init__(self, settings: Settings, *, max_waiters: int, fallback_seconds: float) -> None:
        self._settings = settings
        self._max_waiters = max_waiters
        self.fallback_seconds = fallback_seconds
        self._condition = threading.Condition()
        self._counts: dict[str, int] = {}  # events seen per upload that someone waits for
        self._waiting: dict[str, int] = {}
        self._generation = 0  # bumped on every (re)connect: waiters re-read then
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def register(self, upload_id: str) -> Waiter:
        """Register before reading the upload, so no event between the read and the wait is
        missed; `close()` the waiter when done. Raises TooManyWaiters over the cap."""
        self._ensure_listening()
        with self._condition:
            if sum(self._waiting.values()) >= self._max_waiters:
                raise TooManyWaiters
            self._waiting[upload_id] = self._waiting.get(upload_id, 0) + 1
            self._counts.setdefault(upload_id, 0)
        return Waiter(self, upload_id)

    @contextmanager
    def waiter(self, upload_id: str) -> Iterator[Waiter]:
        waiter = self.register(upload_id)
        try:
            yield waiter
        finally:
            waiter.close()

    def _unregister(self, upload_id: str) -> None:
        with self._condition:
            self._waiting[upload_id] -= 1
            if not self._waiting[upload_id]:
                del self._waiting[upload_id]
                self._counts.pop(upload_id, None)

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _count(self, upload_id: str) -> int:
        with self._condition:
            return self._counts.get(upload_id, 0) + self._generation

    def _wait_for_change(self, upload_id: str, seen: int, timeout: float) -> bool:
        with self._condition:
            return self._condition.wait_for(
                lambda: self._counts.get(upload_id, 0) + self._generation != seen,
                timeout=timeout,
            )

    def _notify(self, upload_id: str | None) -> None:
        with self._condition:
            if upload_id is None:
                self._generation += 1
            elif upload_id in self._counts:
                self._counts[upload_id] += 1
            else:
                return
            self._condition.notify_all()

    def _ensure_listening(self) -> None:
        # Started on first use, so it runs in the serving process (after gunicorn's fork).
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._listen, name="upload-progress", daemon=True
                )
                self._thread.start()

    def _listen(self) -> None:
        topology = Topology(self._settings)
        queue = Queue(
            f"{self._settings.queue_prefix}.gateway-progress.{uuid.uuid4().hex[:12]}",
            bindings=[binding(topology.exchange, e.routing_key()) for e in PROGRESS_EVENTS],
            exclusive=True,
            auto_delete=True,
            durable=False,
        )
        while not self._stopped.is_set():
            try:
                with messaging.connect(self._settings) as connection:
                    with Consumer(
                        connection.default_channel,
                        queues=[queue],
                        on_message=self._on_message,
                        no_ack=True,
                    ):
                        self._notify(None)  # anything may have happened while disconnected
                        while not self._stopped.is_set():
                            try:
                                connection.drain_events(timeout=1)
                            except TimeoutError:
                                connection.heartbeat_check()
            except Exception:
                log.exception("upload progress listener lost the broker; reconnecting")
                self._notify(None)
                time.sleep(2)

    def _on_message(self, message: Message) -> None:
        try:
            envelope, _ = events.parse(message.body)
        except ValueError:
            return
        if envelope.subject:
            self._notify(envelope.subject)
