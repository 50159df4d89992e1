"""What the /v1/decks views ask of the database, as plain functions given their collaborators
(database, publisher, clock) and the caller, so the views only parse the request, call one of
these and shape the answer (docs/architecture.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway import paging
from jaryo_shared import deck_listings, events, outbox
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.messaging import UNREACHABLE, Publisher
from jaryo_shared.read_models import deck_builds, deck_pdfs, images, ocr_results, uploads
from jaryo_shared.read_models.deck_builds import DeckBuild
from jaryo_shared.read_models.deck_pdfs import DeckPdf
from jaryo_shared.read_models.decks import latest_revision, revision_id

log = logging.getLogger(__name__)

FINISHED = ("completed", "failed")
# An ask for a PDF that the deck service has recorded nothing of after this long was lost.
ASK_AGAIN_AFTER = timedelta(minutes=10)
# What a revision changes in how the deck reads: its spec and what follows from it.
REVISED = ("title", "template_id", "spec", "slide_count")
# What `build_state` may show of a deck's builds: a settled revision's is kept in its listing.
SHOWN_STATE = (
    "status",
    "file_path",
    "file_size",
    "preview_count",
    "previews_status",
    "built_revision",
    "completed_at",
    "reason",
    "code",
)


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
    """The deck's listing entry, then the deck document and its deck.requested event in one
    insert, then the event is sent (left to the outbox relay if the broker is away)."""
    deck_listings.add(db, deck)
    document = {**deck, **outbox.pending(envelope, now=now)}
    try:
        db.decks.insert_one(document)
    except Exception:
        # Not recorded (the caller gets the error): out of the listing again if we can.
        deck_listings.forget(db, deck["user_id"], deck["_id"])
        raise
    log.info(
        "deck %s requested: %d slides on %s", deck["_id"], deck["slide_count"], deck["template_id"]
    )
    _send(db.decks, deck["_id"], publisher, document["outbox"])


def record_revision(
    db: Database,
    publisher: Publisher,
    revision: dict[str, Any],
    envelope: events.Envelope,
    now: datetime,
) -> bool:
    """Claim the deck's next revision by inserting its document with its deck.requested (the
    unique `_id` is FerretDB's one atomic decision: of two edits of the same revision, one
    wins), list it, then send the event. False if another edit claimed that revision first."""
    document = {**revision, **outbox.pending(envelope, now=now)}
    try:
        db.deck_revisions.insert_one(document)
    except DuplicateKeyError:
        return False
    deck_listings.add_revision(db, revision)
    log.info("deck %s: revision %d requested", revision["deck_id"], revision["revision"])
    _send(db.deck_revisions, document["_id"], publisher, document["outbox"])
    return True


def request_pdf(
    db: Database,
    publisher: Publisher,
    request: dict[str, Any],
    envelope: events.Envelope,
    now: datetime,
    made: DeckPdf | None = None,
) -> bool:
    """Ask for a built revision's PDF: its request with its deck.pdf_requested in one insert
    into `deck_pdf_requests` (`_id` the revision's PDF's), then the event is sent. The unique
    `_id` makes it once per revision: False if another request got there first (it sent the
    event; this one sends nothing), unless that ask was lost: `made`, what the deck service
    recorded of it, is nothing or a render stalled for ASK_AGAIN_AFTER, and the ask is that old
    (dead-lettered, taken by a deck service that did not know it, or its render's worker died
    for good). Then it is sent again. A finished PDF is never asked for again."""
    if made is not None and (made.finished or not made.stalled(now, ASK_AGAIN_AFTER)):
        return False
    document = {**request, **outbox.pending(envelope, now=now)}
    try:
        db.deck_pdf_requests.insert_one(document)
    except DuplicateKeyError:
        _ask_again_if_lost(db, publisher, document["_id"], envelope, now)
        return False
    log.info("deck %s: revision %d's PDF requested", request["deck_id"], request["revision"])
    _send(db.deck_pdf_requests, document["_id"], publisher, document["outbox"])
    return True


def _ask_again_if_lost(
    db: Database, publisher: Publisher, request_id: str, envelope: events.Envelope, now: datetime
) -> None:
    asked = db.deck_pdf_requests.find_one({"_id": request_id}, {"requested_at": 1})
    if asked is None or now - asked["requested_at"] < ASK_AGAIN_AFTER:
        return
    # The gateway alone writes requests; two requests asking again at once send twice (the
    # deck service takes a repeated ask as a redelivery).
    db.deck_pdf_requests.update_one({"_id": request_id}, {"$set": {"requested_at": now}})
    log.warning(
        "%s: the PDF asked for at %s is not being made; asked again",
        request_id,
        asked["requested_at"],
    )
    try:
        publisher.publish(envelope)
    except UNREACHABLE:
        log.warning("broker unavailable; %s asked again later", request_id, exc_info=True)


def pdf_of(db: Database, deck_id: str, revision: int) -> DeckPdf | None:
    """How the revision's PDF came out, as the deck service records it; None before it starts."""
    return deck_pdfs.of_revision(db, deck_id, revision)


def current_revision(db: Database, deck_id: str, at_least: int = 1) -> int:
    return latest_revision(db, deck_id, at_least)


def _send(
    collection: Collection, document_id: str, publisher: Publisher, owed: list[dict[str, Any]]
) -> None:
    try:
        outbox.flush(collection, document_id, publisher, owed)
    except Exception:
        log.warning(
            "broker unavailable; %s's event left to the outbox relay", document_id, exc_info=True
        )


def newest_first(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """The caller's live decks at their latest revision with how their builds went, from the
    cursor on, one more than the page holds (so `paging.page_of` knows whether another page
    follows). Read from the caller's listing partition (jaryo_shared.deck_listings), not from
    `decks`, which FerretDB would read whole; only a deck whose latest revision has not
    settled is looked up in its documents."""

    def shown(listed: deck_listings.Listed) -> dict[str, Any] | None:
        if listed.settled is not None:
            return {**listed.deck, **listed.settled}
        return _unsettled(db, listed.deck)

    listed = deck_listings.of_user(db, user_id)
    return paging.newest_shown(listed, page_request, lambda deck: deck.deck, shown)


def _unsettled(db: Database, listed: dict[str, Any]) -> dict[str, Any] | None:
    """The deck at its latest revision with its build's state, kept beside its entry once
    settled; None if its recording never finished. Its entry shows it is not deleted (DELETE
    removes it first) and a build that it was recorded, so `decks` is read only before its build
    starts. A revision found newer than the listing knows (its PUT died before listing it) is
    listed."""
    build = deck_builds.of_deck(db, listed["_id"])
    if build is None and not _recorded(db, listed):
        return None
    deck = _at_latest(db, listed, build, {"spec": 0, "outbox": 0})
    if deck["revision"] > listed["revision"]:
        deck_listings.add_revision(db, {**deck, "deck_id": deck["_id"]})
    state = {key: deck[key] for key in SHOWN_STATE if key in deck}
    if state["status"] in FINISHED and state.get("previews_status") != "pending":
        deck_listings.mark_settled(db, deck["user_id"], deck["_id"], deck["revision"], state)
    return deck


def _recorded(db: Database, listed: dict[str, Any]) -> bool:
    """Whether the listed deck's document was written (and is not deleted)."""
    mine = {"user_id": listed["user_id"], "deleted_at": None}
    return by_id(db.decks, listed["_id"], dict.fromkeys(mine, 1), **mine) is not None


def own_deck(
    db: Database, user_id: str, deck_id: str, with_spec: bool = False
) -> dict[str, Any] | None:
    """The caller's deck at its latest revision with how its builds went: the gateway's
    documents (the deck's, the revision's), merged with the deck service's `deck_builds` one
    (each service writes only its own)."""
    projection = None if with_spec else {"spec": 0, "outbox": 0}
    deck = by_id(db.decks, deck_id, projection, user_id=user_id, deleted_at=None)
    if deck is None:
        return None
    return _at_latest(db, deck, deck_builds.of_deck(db, deck_id), projection)


def _at_latest(
    db: Database, deck: dict[str, Any], build: DeckBuild | None, projection: dict[str, int] | None
) -> dict[str, Any]:
    revision = latest_revision(db, deck["_id"], at_least=build.revision if build else 1)
    if revision > 1:
        stored = by_id(db.deck_revisions, revision_id(deck["_id"], revision), projection) or {}
        deck = {**deck, **{field: stored[field] for field in REVISED if field in stored}}
    return {**deck, "revision": revision, **build_state(build, revision)}


def build_state(build: DeckBuild | None, revision: int) -> dict[str, Any]:
    """The status is the latest revision's (`queued` until its build starts), with its outcome
    once it has one; the file and previews are those of the latest revision built, which
    may be older (`built_revision`), so a client can tell a stale file from a new one."""
    if build is None:
        return {"status": "queued"}
    state: dict[str, Any] = {"status": "queued"}
    if build.file_path is not None:
        state.update(
            file_path=build.file_path,
            file_size=build.file_size,
            preview_count=build.preview_count,
            previews_status=build.previews(),
            built_revision=build.file_revision(),
        )
    if build.revision == revision:
        state["status"] = build.status
        if build.status in FINISHED:
            outcome = {"completed_at": build.completed_at, "reason": build.reason}
            outcome["code"] = build.code
            state.update({key: value for key, value in outcome.items() if value is not None})
    return state


def delete_deck(db: Database, clock: Clock, user_id: str, deck_id: str) -> bool:
    """Mark the caller's deck deleted; False if there is no such live deck."""
    # Out of the listing first: a DELETE that fails after it is retried and finds the deck.
    deck_listings.forget(db, user_id, deck_id)
    result = db.decks.update_one(
        {"_id": deck_id, "user_id": user_id, "deleted_at": None},
        {"$set": {"deleted_at": clock.now()}},
    )
    return result.matched_count > 0
