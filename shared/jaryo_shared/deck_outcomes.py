"""Who finishes a deck's revision: the deck service (built or failed) or the janitor (stuck too
long).

Both write the deck's `deck_builds` document and owe its `deck.completed` or `deck.failed`; each
revision must end one way, with one event. FerretDB 1.x has no atomic conditional update, so the
finisher is decided by an insert with the revision's id as `_id` here (the deck's id for
revision 1, "{deck_id}:{N}" after: read_models.decks.revision_id), which only one can win. The
winner may write again after a crash (a redelivery, the next janitor run); the loser drops its
outcome."""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from jaryo_shared.read_models.decks import revision_id


def claim(db: Database, deck_id: str, by: str, now: datetime, revision: int = 1) -> bool:
    """True if `by` finishes this revision: it claimed it now, or had claimed it before."""
    try:
        db.deck_outcomes.insert_one(
            {"_id": revision_id(deck_id, revision), "by": by, "claimed_at": now}
        )
    except DuplicateKeyError:
        return finisher(db, deck_id, revision) == by
    return True


def claim_pdf(db: Database, deck_id: str, revision: int, by: str, now: datetime) -> bool:
    """True if the delivery `by` (its message's id) records how this revision's PDF came out:
    two deliveries of two asks can render the same PDF at once, and only one outcome and one
    `deck.pdf_rendered` may stand (a later `failed` must not overwrite a `ready`)."""
    key = _pdf_claim(deck_id, revision)
    try:
        db.deck_outcomes.insert_one({"_id": key, "by": by, "claimed_at": now})
    except DuplicateKeyError:
        found = db.deck_outcomes.find_one({"_id": key}, {"by": 1})
        return found is not None and found["by"] == by
    return True


def pdf_finisher(db: Database, deck_id: str, revision: int) -> str | None:
    """The delivery that recorded the PDF's outcome, if one has."""
    found = db.deck_outcomes.find_one({"_id": _pdf_claim(deck_id, revision)}, {"by": 1})
    return None if found is None else str(found["by"])


def forget_pdf(db: Database, deck_id: str, revision: int) -> None:
    db.deck_outcomes.delete_one({"_id": _pdf_claim(deck_id, revision)})


def _pdf_claim(deck_id: str, revision: int) -> str:
    return f"pdf:{deck_id}:{revision}"


def finisher(db: Database, deck_id: str, revision: int = 1) -> str | None:
    found = db.deck_outcomes.find_one({"_id": revision_id(deck_id, revision)}, {"by": 1})
    return None if found is None else str(found["by"])


def forget(db: Database, deck_id: str, revisions: int = 1) -> None:
    """The deck is purged: the claims of its revisions 1 to `revisions` go with it."""
    for revision in range(1, revisions + 1):  # by `_id` alone: any other filter scans
        db.deck_outcomes.delete_one({"_id": revision_id(deck_id, revision)})
