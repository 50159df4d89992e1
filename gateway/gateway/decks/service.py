"""What the /v1/decks views ask of the database, as plain functions given their collaborators
(database, publisher, clock) and the caller, so the views only parse the request, call one of
these and shape the answer (docs/architecture.md)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pymongo.database import Database

from gateway import paging
from jaryo_shared import events, outbox, upload_deletions
from jaryo_shared.clock import Clock
from jaryo_shared.completion import ocr_results
from jaryo_shared.database import by_id
from jaryo_shared.messaging import Publisher

log = logging.getLogger(__name__)

BUILD_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_claimed_until": 0, "user_id": 0}


def live_upload(db: Database, user_id: str, upload_id: str) -> dict[str, Any] | None:
    """The caller's upload unless it is deleted (also if only its deletion record says so)."""
    upload = by_id(db.uploads, upload_id, user_id=user_id, deleted_at=None)
    if upload is None or upload_deletions.deleted_among(db, [upload["_id"]]):
        return None
    return upload


def read_images(
    db: Database, user_id: str, upload_id: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The upload's images in order, and their OCR results by image id."""
    images = sorted(
        db.images.find({"upload_id": upload_id, "user_id": user_id}),
        key=lambda image: image["index"],
    )
    return images, ocr_results(db, [image["_id"] for image in images])


def has_template(db: Database, user_id: str, template_id: str) -> bool:
    return by_id(db.templates, template_id, user_id=user_id) is not None


def stored_images(db: Database, user_id: str, wanted: set[str]) -> set[str]:
    """Which of these image ids are the caller's stored images. An image of a deleted upload
    is gone like the upload (404, as every other route answers for it), not copied into a new
    deck."""
    stored = list(
        db.images.find(
            {"_id": {"$in": sorted(wanted)}, "user_id": user_id, "storage.status": "stored"},
            {"upload_id": 1},
        )
    )
    gone = upload_deletions.deleted_among(db, sorted({i["upload_id"] for i in stored}))
    return {image["_id"] for image in stored if image["upload_id"] not in gone}


def record_deck(
    db: Database,
    publisher: Publisher,
    deck: dict[str, Any],
    envelope: events.Envelope,
    now: datetime,
) -> None:
    """The deck document and its deck.requested event in one insert, then the event is sent
    (left to the outbox relay if the broker is away)."""
    document = {**deck, **outbox.pending(envelope, now=now)}
    db.decks.insert_one(document)
    log.info(
        "deck %s requested: %d slides on %s", deck["_id"], deck["slide_count"], deck["template_id"]
    )
    try:
        outbox.flush(db.decks, deck["_id"], publisher, document["outbox"])
    except Exception:
        log.warning(
            "broker unavailable; deck %s's event left to the outbox relay",
            deck["_id"],
            exc_info=True,
        )


def newest_first(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """The caller's live decks from the cursor on, one more than the page holds (so
    `paging.page_of` knows whether another page follows)."""
    query: dict[str, Any] = {"user_id": user_id, "deleted_at": None, **page_request.filter()}
    return list(
        db.decks.find(query, {"spec": 0, "outbox": 0})
        .sort(paging.NEWEST_FIRST)
        .limit(page_request.limit + 1)
    )


def own_deck(
    db: Database, user_id: str, deck_id: str, projection: dict[str, int] | None
) -> dict[str, Any] | None:
    """The caller's deck with how its build went: the gateway's document, merged with the
    deck service's `deck_builds` one (each service writes only its own)."""
    deck = by_id(db.decks, deck_id, projection or None, user_id=user_id, deleted_at=None)
    if deck is None:
        return None
    build = db.deck_builds.find_one({"_id": deck_id}, BUILD_FIELDS) or {}
    return {**deck, **build}


def with_builds(db: Database, decks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [deck["_id"] for deck in decks]
    builds = {b["_id"]: b for b in db.deck_builds.find({"_id": {"$in": ids}}, BUILD_FIELDS)}
    return [{**deck, **builds.get(deck["_id"], {})} for deck in decks]


def delete_deck(db: Database, clock: Clock, user_id: str, deck_id: str) -> bool:
    """Mark the caller's deck deleted; False if there is no such live deck."""
    result = db.decks.update_one(
        {"_id": deck_id, "user_id": user_id, "deleted_at": None},
        {"$set": {"deleted_at": clock.now()}},
    )
    return result.matched_count > 0
