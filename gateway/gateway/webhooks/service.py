"""The work behind /v1/webhooks, as plain functions given their collaborators and the caller:
register a callback URL (checked against server-side request forgery, at most so many per
person), list, read and delete a person's webhooks, and read a webhook's recent delivery
attempts (which the webhook service records)."""

from __future__ import annotations

import re
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.database import Database

from gateway import paging, user_locks
from gateway.problems import AddingWebhook, TooManyWebhooks, UnsafeWebhookUrl
from gateway.webhooks.schemas import NewWebhook
from jaryo_shared import webhook_secrets, webhook_urls
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id

LOCK_SECONDS = 30  # a holder that died frees the lock after this
WAIT_SECONDS = 5.0  # how long a registration waits for another of the same person's
_HOOK_ID = re.compile(r"[0-9a-f]{32}")
DELIVERY_FIELDS = (
    "event_id",
    "event_type",
    "attempt",
    "at",
    "status_code",
    "error",
    "outcome",
    "next_attempt_at",
    "duration_ms",
)
NEWEST_ATTEMPTS_FIRST = [("at", -1), ("_id", -1)]
WITHOUT_SECRET = {"secret": 0}  # only the answer that made a webhook shows its secret


@dataclass(frozen=True)
class Limits:
    """What the gateway's settings allow a registration (webhooks_allow_local,
    max_webhooks_per_user)."""

    allow_local: bool
    max_per_user: int


def register(
    db: Database,
    clock: Clock,
    limits: Limits,
    user_id: str,
    new: NewWebhook,
    resolve: webhook_urls.Resolver = socket.getaddrinfo,
) -> dict[str, Any]:
    """The new webhook's document (with its secret), once its URL is found safe to call and
    the person has room for it. Counted and inserted under the person's lock, so registrations
    racing each other cannot pass the limit together; the URL is checked (and its host
    resolved) before, so a slow name server holds nobody else's registration."""
    check_url(new.url, limits.allow_local, resolve)
    with user_locks.held(
        db,
        f"add-webhook:{user_id}",
        clock,
        lifetime_seconds=LOCK_SECONDS,
        wait_seconds=WAIT_SECONDS,
    ) as taken:
        if not taken:
            raise AddingWebhook(
                "another webhook of yours is being added; try again shortly", retry_after=2
            )
        _check_room(db, user_id, limits.max_per_user)
        document = _document(user_id, new, clock.now())
        db.webhooks.insert_one(document)
    return document


def check_url(url: str, allow_local: bool, resolve: webhook_urls.Resolver) -> None:
    try:
        webhook_urls.check(url, allow_local=allow_local, resolve=resolve)
    except webhook_urls.UnsafeUrl as exc:
        raise UnsafeWebhookUrl(str(exc), reason=exc.reason, pointer="/url") from None


def newest_first(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """The person's webhooks from the cursor on, newest first, one more than the page holds.
    A person has a few (max_webhooks_per_user): they are read whole and sorted here."""
    own = list(db.webhooks.find({"user_id": user_id}, WITHOUT_SECRET))
    return paging.newest_shown(own, page_request, lambda hook: hook, lambda hook: hook)


def own_webhook(db: Database, user_id: str, hook_id: str) -> dict[str, Any] | None:
    """The person's webhook by its id, without its secret; None for another person's, an
    unknown or a malformed id (the API answers 404 alike)."""
    if not _HOOK_ID.fullmatch(hook_id):
        return None
    return by_id(db.webhooks, hook_id, WITHOUT_SECRET, user_id=user_id)


def delete(db: Database, user_id: str, hook_id: str) -> bool:
    """Delete the person's webhook and the record of its deliveries; False if they have none
    by that id. The webhook first: from then on no new delivery to it is started."""
    if own_webhook(db, user_id, hook_id) is None:
        return False
    db.webhooks.delete_one({"_id": hook_id, "user_id": user_id})
    db.webhook_attempts.delete_many({"hook_id": hook_id, "user_id": user_id})
    return True


def delete_all(db: Database, user_id: str) -> None:
    """The person's webhooks, as their account is deleted (their delivery log goes with the
    account's purge)."""
    db.webhooks.delete_many({"user_id": user_id})


def recent_deliveries(
    db: Database, user_id: str, hook_id: str, limit: int
) -> list[dict[str, Any]] | None:
    """Up to `limit` attempts to deliver to the person's webhook, newest first; None if the
    webhook is not theirs."""
    if own_webhook(db, user_id, hook_id) is None:
        return None
    found = db.webhook_attempts.find(
        {"hook_id": hook_id, "user_id": user_id},
        {field: 1 for field in DELIVERY_FIELDS},
        sort=NEWEST_ATTEMPTS_FIRST,
        limit=limit,
    )
    return list(found)


def _check_room(db: Database, user_id: str, max_per_user: int) -> None:
    kept = len(list(db.webhooks.find({"user_id": user_id}, {"_id": 1})))
    if kept >= max_per_user:
        raise TooManyWebhooks(
            f"you keep {kept} webhooks, the most one person may ({max_per_user}); delete one "
            "to add another",
            limit="webhooks_per_user",
            allowed=max_per_user,
            used=kept,
        )


def _document(user_id: str, new: NewWebhook, now: datetime) -> dict[str, Any]:
    return {
        "_id": uuid.uuid4().hex,
        "user_id": user_id,
        "url": new.url,
        "events": sorted(set(new.events)),
        "description": new.description,
        "secret": webhook_secrets.new_secret(),
        "created_at": now,
        "status": "active",
        "failing_since": None,
    }
