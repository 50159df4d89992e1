"""`deck_builds` as the gateway sees it: how a deck's build went, written by the deck service
(and failed by the janitor when stuck); `_id` is the deck's. `status` and `revision` are the
latest attempt's; the file and previews are those of `built_revision`, the latest revision
built, kept while a newer one builds or fails. Its previews follow it: `previews_status`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pymongo.database import Database

from jaryo_shared.read_models.base import ReadModel

BuildStatus = Literal["building", "completed", "failed"]
# pending until rendered after the deck completed; unavailable where they cannot be made
PreviewsStatus = Literal["pending", "ready", "failed", "unavailable"]
LEFT_OUT = {"outbox": 0, "outbox_pending": 0, "outbox_claimed_until": 0}


class DeckBuild(ReadModel):
    status: BuildStatus
    revision: int = 1  # absent before revisions: every build was of revision 1
    attempts: int = 0
    started_at: datetime | None = None
    completed_at: datetime | None = None
    file_path: str | None = None
    file_size: int | None = None
    slide_count: int | None = None
    preview_count: int | None = None
    previews_status: PreviewsStatus | None = None  # None: built before previews followed
    built_revision: int | None = None  # None with a file_path: built before revisions, so 1
    reason: str | None = None
    code: str | None = None  # jaryo_shared.failures.FailureCode; absent before codes existed

    def file_revision(self) -> int | None:
        """The revision the kept file and previews are of; None if none was built."""
        if self.file_path is None:
            return None
        return self.built_revision or 1

    def previews(self) -> PreviewsStatus | None:
        """How the built revision's previews stand; None if none was built. A deck built
        before previews followed it had them (a count) or could not (none) when completed."""
        if self.file_path is None:
            return None
        if self.previews_status is not None:
            return self.previews_status
        return "unavailable" if self.preview_count is None else "ready"


def of_deck(db: Database, deck_id: str) -> DeckBuild | None:
    found = db.deck_builds.find_one({"_id": deck_id}, LEFT_OUT)
    return None if found is None else DeckBuild.model_validate(found)


def of_decks(db: Database, deck_ids: list[str]) -> dict[str, DeckBuild]:
    found = db.deck_builds.find({"_id": {"$in": deck_ids}}, LEFT_OUT)
    return {build["_id"]: DeckBuild.model_validate(build) for build in found}
