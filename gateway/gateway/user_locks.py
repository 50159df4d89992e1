"""One person's lock on an action (recording upload usage, adding a template), so two of their
requests cannot both pass a quota check. FerretDB has no atomic conditional update: the lock is a
document whose unique `_id` insert only one request wins; a lock whose holder died expires and is
taken over."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from jaryo_shared.clock import Clock


@contextmanager
def held(
    db: Database,
    lock_id: str,
    clock: Clock,
    *,
    lifetime_seconds: float,
    wait_seconds: float = 0.0,
    poll_seconds: float = 0.02,
) -> Iterator[bool]:
    """Inside the block, True if this request holds the lock (taken within `wait_seconds`),
    False if another held it all that time. Released on the way out."""
    holder = uuid.uuid4().hex
    lifetime = timedelta(seconds=lifetime_seconds)
    deadline = time.monotonic() + wait_seconds
    while not (taken := _take(db, lock_id, holder, clock.now(), lifetime)):
        if time.monotonic() >= deadline:
            break
        time.sleep(poll_seconds)
    try:
        yield taken
    finally:
        if taken:
            db.user_locks.delete_one({"_id": lock_id, "holder": holder})


def _take(db: Database, lock_id: str, holder: str, now: datetime, lifetime: timedelta) -> bool:
    lock = {"_id": lock_id, "holder": holder, "expires_at": now + lifetime}
    try:
        db.user_locks.insert_one(lock)
        return True
    except DuplicateKeyError:
        current = db.user_locks.find_one({"_id": lock_id})
    if current is not None and current["expires_at"] > now:
        return False
    if current is not None:  # its holder died: remove exactly that lock, then compete again
        db.user_locks.delete_one({"_id": lock_id, "holder": current["holder"]})
    try:
        db.user_locks.insert_one(lock)
        return True
    except DuplicateKeyError:
        return False
