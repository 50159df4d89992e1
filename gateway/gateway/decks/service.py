"""What the /v1/decks views ask of the database, as plain functions given their collaborators
(database, publisher, clock) and the caller, so the views only parse the request, call one of
these and shape the answer (docs/architecture.md)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from pymongo.database import Database

from gateway import paging
from jaryo_shared import events, outbox
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.messaging import Publisher
from jaryo_shared.read_models import deck_builds, images, ocr_results, uploads

log = logging.getLogger(__name__)


def live_upload(db: Database, user_id: str, upload_id: str) -> dict[str, Any] | None:
    """The caller's upload unless it is deleted (also if only its deletion record says so)."""
    upload = by_id(db.uploads, upload_id, user_id=user_id, deleted_at=None)
    if upload is None or uploads.deleted_among(db, [upload["_id"]]):
        return None
    return upload


def read_images(
    db: Database, user_id: str, upload_id: str
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The upload's images in order, and their OCR results by image id (read models)."""
    found = images.in_upload(db, user_id, upload_id)
    results = ocr_results.of_images(db, [image.id for image in found])
    return (
        [image.document() for image in found],
        {image_id: result.document() for image_id, result in results.items()},
    )


def has_template(db: Database, user_id: str, template_id: str) -> bool:
    return by_id(db.templates, template_id, user_id=user_id) is not None


def stored_images(db: Database, user_id: str, wanted: set[str]) -> set[str]:
    """Which of these image ids are the caller's stored images. An image of a deleted upload
    is gone like the upload (404, as every other route answers for it), not copied into a new
    deck."""
    stored = images.stored_among(db, user_id, wanted)
    gone = uploads.deleted_among(db, sorted({image.upload_id for image in stored}))
    return {image.id for image in stored if image.upload_id not in gone}


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
    build = deck_builds.of_deck(db, deck_id)
    return {**deck, **(build.document() if build else {})}


def with_builds(db: Database, decks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    builds = deck_builds.of_decks(db, [deck["_id"] for deck in decks])
    return [
        {**deck, **(builds[deck["_id"]].document() if deck["_id"] in builds else {})}
        for deck in decks
    ]


def delete_deck(db: Database, clock: Clock, user_id: str, deck_id: str) -> bool:
    """Mark the caller's deck deleted; False if there is no such live deck."""
    result = db.decks.update_one(
        {"_id": deck_id, "user_id": user_id, "deleted_at": None},
        {"$set": {"deleted_at": clock.now()}},
    )
    return result.matched_count > 0
