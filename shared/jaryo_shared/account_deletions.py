"""A person's deletion of their account, from the moment they ask until the janitor's purge ends.

The gateway records the deletion here (one insert, whose unique `_id` is the user's id) and
then deletes the `users` document, so the account is gone from the API at once. The janitor
finds the record once the grace period has passed (in-flight work of the account settles
meanwhile), purges everything of the user, publishes `user.deleted`, and forgets the record
last, so a purge cut short is found and finished by the next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

COLLECTION = "account_deletions"


def record(db: Database, user_id: str, username: str, now: datetime) -> datetime:
    """Record the deletion (once: a repeat keeps the first time) and return its time."""
    try:
        db[COLLECTION].insert_one(
            {"_id": user_id, "user_id": user_id, "username": username, "requested_at": now}
        )
    except DuplicateKeyError:
        found = db[COLLECTION].find_one({"_id": user_id}) or {"requested_at": now}
        return found["requested_at"]
    return now


def recorded(db: Database, user_id: str) -> bool:
    return db[COLLECTION].find_one({"_id": user_id}, {"_id": 1}) is not None


def requested_before(db: Database, cutoff: datetime) -> Iterable[dict[str, Any]]:
    """Deletions asked for before the cutoff: those the janitor purges now (a small
    collection: one record per account being deleted)."""
    return db[COLLECTION].find({"requested_at": {"$lt": cutoff}})


def forget(db: Database, user_id: str) -> None:
    """The purge is finished: the record goes last."""
    db[COLLECTION].delete_one({"_id": user_id})
