"""What the run's documents still owe: whether any outbox still holds an event (the run reads
the outside queue once none does), and where an item the run calls lost had stopped when its
owner last read it, one line of its documents, so a failed run names the step that never came
(an event still owed in an outbox, an image not stored, not read, not settled)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from jaryo_shared import database
from tests.faults.load import Accepted

# Where events wait to be published (each service relays those it writes: docs/architecture.md).
OUTBOX_COLLECTIONS = (
    "uploads",
    "images",
    "ocr_results",
    "upload_completions",
    "decks",
    "deck_builds",
    "deck_pdf_requests",
    "deck_pdfs",
)


def outboxes_empty(settings) -> bool:
    client = database.connect(settings)
    try:
        db = database.database(client, settings)
        return not any(db[name].find_one({"outbox_pending": True}) for name in OUTBOX_COLLECTIONS)
    finally:
        client.close()


def where_stopped(settings, items: list[Accepted]) -> dict[str, str]:
    """item id → a line on each of its documents, read now."""
    if not items:
        return {}
    client = database.connect(settings)
    try:
        db = database.database(client, settings)
        return {item.id: _line(db, item) for item in items}
    finally:
        client.close()


def _line(db, item: Accepted) -> str:
    now = time.monotonic()
    seen = (
        f"read at {datetime.now(UTC):%H:%M:%S} UTC, accepted {now - item.accepted_at:.0f} s "
        f"before, last seen {item.status or 'nothing'}"
    )
    if item.kind == "deck":
        deck, build = db.decks.find_one({"_id": item.id}), db.deck_builds.find_one({"_id": item.id})
        return f"{seen}; deck {_outbox(deck)}; build {_outbox(build)}"
    upload = db.uploads.find_one({"_id": item.id})
    parts = [seen, f"upload {_outbox(upload)}"]
    for image in db.images.find({"upload_id": item.id}):
        ocr = db.ocr_results.find_one({"_id": image["_id"]}) or {}
        storage = image.get("storage", {}).get("status")
        parts.append(f"image {image['_id'][:8]} storage {storage}, ocr {ocr.get('status')}")
    parts.append(f"settle {_outbox(db.upload_completions.find_one({'_id': item.id}))}")
    return "; ".join(parts)


def _outbox(document: dict[str, Any] | None) -> str:
    """A document's status and what it still owes, with its claim."""
    if document is None:
        return "absent"
    owed = len(document.get("outbox") or [])
    claimed = document.get("outbox_claimed_until")
    until = f", claimed until {claimed:%H:%M:%S}" if isinstance(claimed, datetime) else ""
    return f"{document.get('status', '-')}, owes {owed} event(s){until}"
