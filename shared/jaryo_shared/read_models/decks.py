"""`decks` as the deck service sees it: the request the gateway recorded (spec, owner, title),
and whether the person has deleted it since."""

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


def of_user(db: Database, user_id: str, deck_id: str) -> Deck | None:
    found = by_id(db.decks, deck_id, user_id=user_id)
    return None if found is None else Deck.model_validate(found)
