"""Waking requests that wait for an upload or a deck (`?wait=N`, `/events`) when its events pass
by. Events are matched by their CloudEvents `subject`: the upload's id, or the deck's.

Each gateway process keeps one private, exclusive queue bound to the progress events. A waiting
request registers its subject, re-reads the document once per event about it (or after a quiet
`fallback_seconds`, in case the listener was cut off), and never polls the database in a loop.
Waiters hold a server thread each, so there are two caps: one per process (over it, callers get
the current state at once instead of waiting) and one per user (so one user cannot take every
slot). A waiter also watches its client: one that hung up frees its slot within a second.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kombu import Consumer, Queue, binding
from kombu.transport.base import Message

from gateway.metrics import WAITING_REQUESTS
from jaryo_shared import events, messaging
from jaryo_shared.settings import Settings
from jaryo_shared.slots import NoSlotFree, NoSlotFreeForUser, Slot, Slots
from jaryo_shared.topology import Topology

log = logging.getLogger(__name__)

PROGRESS_EVENTS = (
    events.ImageStored,
    events.ImageRejected,
    events.ImageCornersFixed,  # the upload is processing again
    events.OcrCompleted,
    events.UploadCompleted,
    events.DeckCompleted,
    events.DeckFailed,
    events.DeckPdfRendered,
)
# How often a waiter looks whether its client is still there (one non-blocking peek at the
# socket): a slot comes back within this much of the client going away.
HANGUP_CHECK_SECONDS = 0.5
RECONNECT_SECONDS = 2.0  # between the listener's attempts while the broker is away


class TooManyWaiters(Exception):
    """Every waiting slot of this process is taken."""


class TooManyWaitersOfUser(Exception):
    """This user already holds as many waiting slots as one user may."""


class ClientGone(Exception):
    """The client of a waiting request hung up: stop waiting for it."""


def _never() -> bool:
    return False


class Waiter:
    """One request's view of one subject's events: `wait` returns when something happened."""

    def __init__(
        self, progress: Progress, subject: str, slot: Slot, gone: Callable[[], bool]
    ) -> None:
        self._progress = progress
        self.subject = subject
        self._slot = slot
        self.user_id = slot.user_id
        self._gone = gone
        self._seen = progress._count(subject)
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._progress._unregister(self.subject, self._slot)

    def wait(self, timeout: float) -> bool:
        """Block until an event about the subject arrives (True) or `timeout` passes (False).
        Raises ClientGone as soon as the client is seen to have hung up."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            step = min(remaining, HANGUP_CHECK_SECONDS)
            if self._progress._wait_for_change(self.subject, self._seen, max(step, 0)):
                # Counted before the caller re-reads: an event counted here was published after
                # its state was written, so that read sees it; a later one wakes us again.
                self._seen = self._progress._count(self.subject)
                return True
            if self._gone():
                raise ClientGone
            if remaining <= step:
                return False


class Progress:
    def __init__(
        self,
        settings: Settings,
        *,
        max_waiters: int,
        max_waiters_per_user: int,
        fallback_seconds: float,
    ) -> None:
        self._settings = settings
        self._slots = Slots(max_total=max_waiters, max_per_user=max_waiters_per_user)
        self.fallback_seconds = fallback_seconds
        self._condition = threading.Condition()
        self._counts: dict[str, int] = {}  # events seen per subject that someone waits for
        self._waiting: dict[str, int] = {}  # waiters per subject
        self._generation = 0  # bumped on every (re)connect: waiters re-read then
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def register(self, subject: str, user_id: str, gone: Callable[[], bool] = _never) -> Waiter:
        """Register before reading the document, so no event between the read and the wait is
        missed; `close()` the waiter when done. `gone` says whether the client hung up. Raises
        TooManyWaitersOfUser or TooManyWaiters over the caps."""
        self._ensure_listening()
        try:
            slot = self._slots.take(user_id)
        except NoSlotFreeForUser:
            raise TooManyWaitersOfUser from None
        except NoSlotFree:
            raise TooManyWaiters from None
        with self._condition:
            self._waiting[subject] = self._waiting.get(subject, 0) + 1
            self._counts.setdefault(subject, 0)
        WAITING_REQUESTS.inc()
        return Waiter(self, subject, slot, gone)

    @contextmanager
    def waiter(
        self, subject: str, user_id: str, gone: Callable[[], bool] = _never
    ) -> Iterator[Waiter]:
        waiter = self.register(subject, user_id, gone)
        try:
            yield waiter
        finally:
            waiter.close()

    def _unregister(self, subject: str, slot: Slot) -> None:
        with self._condition:
            self._waiting[subject] -= 1
            if not self._waiting[subject]:
                del self._waiting[subject]
                self._counts.pop(subject, None)
        slot.close()
        WAITING_REQUESTS.dec()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _count(self, subject: str) -> int:
        with self._condition:
            return self._counts.get(subject, 0) + self._generation

    def _wait_for_change(self, subject: str, seen: int, timeout: float) -> bool:
        with self._condition:
            return self._condition.wait_for(
                lambda: self._counts.get(subject, 0) + self._generation != seen,
                timeout=timeout,
            )

    def _notify(self, subject: str | None) -> None:
        with self._condition:
            if subject is None:
                self._generation += 1
            elif subject in self._counts:
                self._counts[subject] += 1
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
        failures_in_a_row = 0
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
                        failures_in_a_row = 0
                        while not self._stopped.is_set():
                            try:
                                connection.drain_events(timeout=1)
                            except TimeoutError:
                                connection.heartbeat_check()
            except messaging.UNREACHABLE as exc:
                # The traceback once per outage, not every 2 s while the broker is down.
                failures_in_a_row += 1
                if failures_in_a_row == 1:
                    log.warning("progress listener lost the broker; reconnecting", exc_info=exc)
                self._notify(None)
                self._stopped.wait(RECONNECT_SECONDS)  # stop() need not wait it out
            except Exception:
                log.exception("progress listener failed; reconnecting")
                self._notify(None)
                self._stopped.wait(RECONNECT_SECONDS)  # stop() need not wait it out

    def _on_message(self, message: Message) -> None:
        try:
            envelope, _ = events.parse(message.body)
        except ValueError:
            return
        if envelope.subject:
            self._notify(envelope.subject)
