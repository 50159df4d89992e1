"""`deck_builds` as the gateway sees it: how a deck's build went, written by the deck service
(and failed by the janitor when stuck); `_id` is the deck's."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pymongo.database import Database

from jaryo_shared.read_models.base import ReadModel

BuildStatus = Literal["building", "completed", "failed"]
LEFT_OUT = {"outbox": 0, "outbox_pending": 0, "outbox_claimed_until": 0}


class DeckBuild(ReadModel):
    status: BuildStatus
    attempts: int = 0
    started_at: datetime | None = None
    completed_at: datetime | None = None
    file_path: str | None = None
    file_size: int | None = None
    slide_count: int | None = None
    preview_count: int | None = None
    reason: str | None = None
    code: str | None = None  # jaryo_shared.failures.FailureCode; absent before codes existed


def of_deck(db: Database, deck_id: str) -> DeckBuild | None:
    found = db.deck_builds.find_one({"_id": deck_id}, LEFT_OUT)
    return None if found is None else DeckBuild.model_validate(found)


def of_decks(db: Database, deck_ids: list[str]) -> dict[str, DeckBuild]:
    found = db.deck_builds.find({"_id": {"$in": deck_ids}}, LEFT_OUT)
    return {build["_id"]: DeckBuild.model_validate(build) for build in found}
