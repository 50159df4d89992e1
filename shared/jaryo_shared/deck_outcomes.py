"""Who finishes a deck: the deck service (built or failed) or the janitor (stuck too long).

Both write the deck's `deck_builds` document and owe its `deck.completed` or `deck.failed`; the
deck must end one way, with one event. FerretDB 1.x has no atomic conditional update, so the
finisher is decided by an insert with the deck's id as `_id` here, which only one can win. The
winner may write again after a crash (a redelivery, the next janitor run); the loser drops its
outcome."""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError


def claim(db: Database, deck_id: str, by: str, now: datetime) -> bool:
    """True if `by` finishes this deck: it claimed it now, or had claimed it before."""
    try:
        db.deck_outcomes.insert_one({"_id": deck_id, "by": by, "claimed_at": now})
    except DuplicateKeyError:
        return finisher(db, deck_id) == by
    return True


def finisher(db: Database, deck_id: str) -> str | None:
    found = db.deck_outcomes.find_one({"_id": deck_id}, {"by": 1})
    return None if found is None else str(found["by"])


def forget(db: Database, deck_id: str) -> None:
    """The deck is purged: its claim goes with it."""
    db.deck_outcomes.delete_one({"_id": deck_id})
