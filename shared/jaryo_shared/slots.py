"""Slots for work that holds a thread for long: a cap per process, so some threads stay for
everyone else, and a cap per user, so one user cannot take them all. Kept in memory, per process.
The gateway's waits on progress and export streams take them, and the webhook service's
delivery attempts."""

from __future__ import annotations

import threading
from collections.abc import Iterator


class NoSlotFree(Exception):
    """Every slot of this process is taken."""


class NoSlotFreeForUser(Exception):
    """This user already holds as many slots as one user may."""


class Slot:
    """One taken slot; `close()` gives it back (again is harmless)."""

    def __init__(self, slots: Slots, user_id: str) -> None:
        self._slots = slots
        self.user_id = user_id
        self._closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        # Closed from the stream's end and from the response's close, maybe on two threads.
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._slots._give_back(self.user_id)


class Slots:
    def __init__(self, *, max_total: int, max_per_user: int) -> None:
        self._max_total = max_total
        self._max_per_user = max_per_user
        self._lock = threading.Lock()
        self._per_user: dict[str, int] = {}
        self._taken = 0

    def take(self, user_id: str) -> Slot:
        """A slot for `user_id`; raises NoSlotFreeForUser, else NoSlotFree, over the caps."""
        with self._lock:
            if self._per_user.get(user_id, 0) >= self._max_per_user:
                raise NoSlotFreeForUser
            if self._taken >= self._max_total:
                raise NoSlotFree
            self._per_user[user_id] = self._per_user.get(user_id, 0) + 1
            self._taken += 1
        return Slot(self, user_id)

    def taken(self, user_id: str | None = None) -> int:
        """How many are taken, in all or by one user."""
        with self._lock:
            return self._taken if user_id is None else self._per_user.get(user_id, 0)

    def _give_back(self, user_id: str) -> None:
        with self._lock:
            self._taken -= 1
            self._per_user[user_id] -= 1
            if not self._per_user[user_id]:
                del self._per_user[user_id]


def held_while(chunks: Iterator[bytes], slot: Slot) -> Iterator[bytes]:
    """The chunks of a streamed answer; `slot` is given back once they end, break off, or the
    server closes them (a client gone)."""
    try:
        yield from chunks
    finally:
        slot.close()
