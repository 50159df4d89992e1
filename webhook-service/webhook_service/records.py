"""The webhook documents this service reads and writes.

`webhooks` belong to the gateway (it inserts and deletes them); this service only sets a hook's
`status` and `failing_since`. `webhook_attempts` are this service's: one insert per attempt,
never updated, whose `_id` (`<hook>:<event>:<attempt>`) makes a second record of the same attempt
impossible. The gateway lists them (`GET /v1/webhooks/{id}/deliveries`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

HOOKS = "webhooks"
ATTEMPTS = "webhook_attempts"

Hook = dict[str, Any]
Attempt = dict[str, Any]


def attempt_id(hook_id: str, event_id: str, attempt: int) -> str:
    return f"{hook_id}:{event_id}:{attempt}"


def hooks_of(db: Database, user_id: str) -> list[Hook]:
    return list(db[HOOKS].find({"user_id": user_id}))


def hook(db: Database, hook_id: str) -> Hook | None:
    return db[HOOKS].find_one({"_id": hook_id})


def attempt(db: Database, record_id: str) -> Attempt | None:
    return db[ATTEMPTS].find_one({"_id": record_id})


def record_attempt(db: Database, record: Attempt) -> bool:
    """Insert the attempt's record; False if this attempt was recorded already (a redelivered
    job raced the first), whose record is kept."""
    try:
        db[ATTEMPTS].insert_one(record)
    except DuplicateKeyError:
        return False
    return True


def mark_failing(db: Database, hook: Hook, since: datetime) -> None:
    """Deliveries to the hook gave up (or its URL is refused): the owner sees it failing."""
    if hook.get("status") != "failing":
        db[HOOKS].update_one(
            {"_id": hook["_id"]}, {"$set": {"status": "failing", "failing_since": since}}
        )


def mark_active(db: Database, hook: Hook) -> None:
    """A delivery to a failing hook went through: it is active again."""
    if hook.get("status") == "failing":
        db[HOOKS].update_one(
            {"_id": hook["_id"]}, {"$set": {"status": "active", "failing_since": None}}
        )
