"""The outbox relay: a background thread in each service that publishes, every interval, the
events its own writers left owed (the broker was down, the process died before its flush)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from pymongo.database import Database

from jaryo_shared import outbox
from jaryo_shared.clock import Clock
from jaryo_shared.ports import EventPublisher

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 10.0


class Wired(Protocol):
    """What a service's `Dependencies` gives the relay."""

    @property
    def db(self) -> Database: ...

    @property
    def publisher(self) -> EventPublisher: ...

    @property
    def clock(self) -> Clock: ...


class OutboxRelay:
    """Relays the outboxes of the collections a service writes events into, so its leftover
    events never wait on another service being up. Relays in several processes may run at once:
    each claims a document before publishing it (outbox.relay_once)."""

    def __init__(
        self,
        deps: Wired,
        collections: Sequence[str],
        *,
        interval_seconds: float,
        after_writes: Mapping[str, Callable[[Any], None]] | None = None,
    ) -> None:
        """`after_writes[collection](document_id)` runs after the relay writes to a document of
        that collection (outbox.relay_once)."""
        self._deps = deps
        self.collections = tuple(collections)
        self._after_writes = dict(after_writes or {})
        self.interval_seconds = interval_seconds
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def relay_pass(self) -> int:
        """Publish every unclaimed pending event of the collections; how many were published."""
        deps = self._deps
        return sum(
            outbox.relay_once(
                deps.db[name], deps.publisher, deps.clock, self._after_writes.get(name)
            )
            for name in self.collections
        )

    def run(self) -> None:
        """A pass every interval until `stop()`. A failed pass (the broker still away) leaves
        its events owed for the next one."""
        while not self._stopped.is_set():
            try:
                if published := self.relay_pass():
                    log.info("outbox relay published %d pending events", published)
            except Exception:
                log.warning(
                    "outbox relay pass failed; retrying in %ss",
                    self.interval_seconds,
                    exc_info=True,
                )
            self._stopped.wait(self.interval_seconds)

    def start(self) -> OutboxRelay:
        self._thread = threading.Thread(target=self.run, name="outbox-relay", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """No pass starts after this; one under way may finish its publish first."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)
