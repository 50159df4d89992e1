"""The transactional outbox, kept inside the document that caused the events.

FerretDB has no transactions, so a document and the events it owes are written in one
`insert_one`/`update_one`: `outbox` holds the pending envelopes and `outbox_pending` flags the
document for the relay. Events are published at least once; consumers are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from jaryo_shared import events
from jaryo_shared.clock import Clock, SystemClock
from jaryo_shared.ports import EventPublisher

log = logging.getLogger(__name__)

CLAIM_SECONDS = 30


def pending(*envelopes: events.Envelope, now: datetime) -> dict[str, Any]:
    """Fields to merge into a new document so it owes these events. The writer claims them for
    a while, since it flushes them itself right after writing; the relay is the fallback."""
    return {
        "outbox": [{"id": e.id, "envelope": e.model_dump(mode="json")} for e in envelopes],
        "outbox_pending": bool(envelopes),
        "outbox_claimed_until": now + timedelta(seconds=CLAIM_SECONDS),
    }


def entries(*envelopes: events.Envelope) -> list[dict[str, Any]]:
    """Outbox entries as stored: pass the same list to `push` and then to `flush`."""
    return [{"id": e.id, "envelope": e.model_dump(mode="json")} for e in envelopes]


def push(
    *envelopes: events.Envelope,
    owed: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An update that adds events (or prepared `owed` entries) to a document's outbox. Like
    `pending`, it claims the document for the writer, who flushes right after: unclaimed, a
    relay pass in between published the same entry too (a team saw a deck.completed twice)."""
    now = now or SystemClock().now()
    return {
        "$push": {"outbox": {"$each": owed if owed is not None else entries(*envelopes)}},
        "$set": {
            "outbox_pending": True,
            "outbox_claimed_until": now + timedelta(seconds=CLAIM_SECONDS),
        },
    }


def record_and_flush(
    collection: Collection,
    document_id: Any,
    publisher: EventPublisher,
    envelope: events.Envelope,
    fields: dict[str, Any],
    *,
    upsert: bool = False,
    now: datetime | None = None,
) -> bool:
    """A writer's outcome: `fields` and the event they owe in one write to the document (by `_id`
    alone, see database.by_id: the caller checked it is unfinished), then that event published
    and cleared. Only this entry is flushed: another service may write to the same outbox.
    Returns whether the write took; if not, nothing is published. With `upsert`, losing the
    insert to another delivery (DuplicateKeyError) is "not written": that one publishes."""
    owed = entries(envelope)
    update = push(owed=owed, now=now)
    update["$set"].update(fields)
    try:
        written = collection.update_one({"_id": document_id}, update, upsert=upsert)
    except DuplicateKeyError:
        if not upsert:
            raise
        return False
    if not (written.modified_count or written.upserted_id is not None):
        return False
    flush(collection, document_id, publisher, owed)
    return True


def flush(
    collection: Collection,
    document_id: Any,
    publisher: EventPublisher,
    entries: list[dict[str, Any]] | None = None,
) -> int:
    """Publish what one document owes and clear it from its outbox; returns how many.
    A writer that has just written the document passes its `entries`: that saves a read, and
    it publishes only its own events when another service writes to the same document."""
    if entries is None:
        document = collection.find_one({"_id": document_id}, {"outbox": 1})
        entries = (document or {}).get("outbox") or []
    if not entries:
        _clear_flag_if_empty(collection, document_id)  # nothing owed: the relay can skip it
        return 0
    for entry in entries:
        publisher.publish(events.Envelope.model_validate(entry["envelope"]))
    # Remove only what was published (by whole value: FerretDB 1.x's $pull takes no query
    # condition): another writer may have pushed meanwhile. Every write goes by `_id` alone,
    # since FerretDB scans the whole collection for any other filter (database.by_id).
    collection.update_one({"_id": document_id}, {"$pullAll": {"outbox": entries}})
    _clear_flag_if_empty(collection, document_id)
    return len(entries)


def _clear_flag_if_empty(collection: Collection, document_id: Any) -> None:
    document = collection.find_one({"_id": document_id}, {"outbox": 1, "outbox_pending": 1})
    if document is not None and not document.get("outbox") and document.get("outbox_pending"):
        collection.update_one(
            {"_id": document_id},
            {"$set": {"outbox_pending": False, "outbox_claimed_until": None}},
        )


def relay_once(
    collection: Collection,
    publisher: EventPublisher,
    clock: Clock,
    after_write: Callable[[Any], None] | None = None,
) -> int:
    """Publish every pending outbox in the collection, claiming each document so that relays in
    other processes skip it meanwhile. A failed publish leaves the events for the next pass.
    `after_write(document_id)` runs after the relay's writes to a document, published or not
    (an upload's deletion is restored by it: upload_deletions)."""
    published = 0
    while True:
        now = clock.now()
        document = _claim(collection, now, now + timedelta(seconds=CLAIM_SECONDS))
        if document is None:
            return published
        try:
            published += flush(collection, document["_id"], publisher)
        finally:
            if after_write is not None:
                after_write(document["_id"])


# FerretDB 1.x implements no projection ("fields") in findAndModify: take the whole document.
def _claim(collection: Collection, now: datetime, until: datetime) -> dict[str, Any] | None:
    return collection.find_one_and_update(
        {
            "outbox_pending": True,
            "$or": [{"outbox_claimed_until": None}, {"outbox_claimed_until": {"$lt": now}}],
        },
        {"$set": {"outbox_claimed_until": until}},
        return_document=ReturnDocument.AFTER,
    )
