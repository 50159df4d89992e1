"""`decks` and `deck_revisions` as the deck service sees them: the request the gateway recorded
(spec, owner, title) at a given revision, whether the person has deleted the deck since, and
which revision is the latest.

Revision 1 is the deck's own document (as POST made it); each PUT of its spec adds revision
N+1 as a `deck_revisions` document with `_id` "{deck_id}:{N+1}", claimed by a unique insert
only after revision N was seen. So revisions are numbered without gaps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared.database import by_id
from jaryo_shared.read_models.base import ReadModel


class Deck(ReadModel):
    """The spec is kept as stored: the builder checks it against today's rules itself."""

    user_id: str
    title: str
    spec: dict[str, Any]
    deleted_at: datetime | None = None
    revision: int = 1


def revision_id(deck_id: str, revision: int) -> str:
    """The `_id` of a revision's document (revision 1 is the deck's own: its id alone)."""
    return deck_id if revision == 1 else f"{deck_id}:{revision}"


def of_user(db: Database, user_id: str, deck_id: str, revision: int = 1) -> Deck | None:
    """The caller's deck at that revision (its spec and title then), or None."""
    found = by_id(db.decks, deck_id, user_id=user_id)
    if found is None or revision == 1:
        return None if found is None else Deck.model_validate(found)
    stored = by_id(db.deck_revisions, revision_id(deck_id, revision), user_id=user_id)
    if stored is None:
        return None
    edited = {"spec": stored["spec"], "title": stored["title"], "revision": revision}
    return Deck.model_validate({**found, **edited})


def latest_revision(db: Database, deck_id: str, at_least: int = 1) -> int:
    """The deck's latest revision, given one known to exist (the build's). Since revisions
    have no gaps, it is found by `_id` lookups alone (database.by_id): doubling the step until
    a revision is missing, then halving back, so even hundreds of edits cost a few lookups."""
    low, step = max(at_least, 1), 1
    while _exists(db, deck_id, low + step):
        low, step = low + step, step * 2
    high = low + step  # missing
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _exists(db, deck_id, middle) else (low, middle)
    return low


def _exists(db: Database, deck_id: str, revision: int) -> bool:
    found = db.deck_revisions.find_one({"_id": revision_id(deck_id, revision)}, {"_id": 1})
    return found is not None
