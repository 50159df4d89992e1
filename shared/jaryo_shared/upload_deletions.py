"""A person's DELETE of an upload, kept where no concurrent write can lose it.

The upload document has several writers: the gateway (DELETE sets `deleted_at`), the writes that
clear its outbox after the 202 (the announcer, or the outbox relay), and whichever service
settles the upload (`status`). On FerretDB 1.x two updates of one document at the same moment
can lose one of them (database.py), and a lost `deleted_at` would keep a deleted upload visible
and unpurged. So DELETE first inserts a record here (its own document, one writer), then sets
`deleted_at`; and every other writer, after its own write, sets `deleted_at` again from this
record (`restore`). If two writes raced, the record existed before the other write ended, so
that writer sees it and restores what was lost.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def record(db: Database, upload_id: str, user_id: str, now: datetime) -> datetime:
    """Record the deletion (once: a repeat keeps the first time) and return its time."""
    try:
        db.upload_deletions.insert_one({"_id": upload_id, "user_id": user_id, "deleted_at": now})
    except DuplicateKeyError:
        found = db.upload_deletions.find_one({"_id": upload_id}) or {"deleted_at": now}
        return found["deleted_at"]
    return now


def recorded(db: Database, upload_id: str) -> bool:
    """Whether the upload was deleted, whatever its document says for now."""
    return db.upload_deletions.find_one({"_id": upload_id}, {"_id": 1}) is not None


def mark(db: Database, upload_id: str, deleted_at: datetime) -> None:
    db.uploads.update_one({"_id": upload_id}, {"$set": {"deleted_at": deleted_at}})


def restore(db: Database, upload_id: str) -> None:
    """Set `deleted_at` again if the upload was deleted (called after writing the upload)."""
    found = db.upload_deletions.find_one({"_id": upload_id})
    if found is not None:
        mark(db, upload_id, found["deleted_at"])


def forget(db: Database, upload_id: str) -> None:
    """The upload is purged: its deletion record goes with it."""
    db.upload_deletions.delete_one({"_id": upload_id})
