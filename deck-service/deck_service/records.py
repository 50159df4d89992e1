"""`deck_builds` as the deck service reads and writes it: the one place the service writes that
collection. One document per deck (`_id` = the deck's), beside the gateway's deck document, so
the two never overwrite each other; each outcome is written with its event, then published."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import database, events, outbox
from jaryo_shared.messaging import Publisher

FINISHED = ("completed", "failed")


@dataclass(frozen=True)
class BuiltDeck:
    file_path: str
    file_size: int
    slide_count: int
    preview_count: int | None  # None: previews cannot be made where the deck was built


class DeckBuilds:
    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._builds = db.deck_builds
        self._publisher = publisher

    def finished(self, deck_id: str) -> bool:
        build = self._builds.find_one({"_id": deck_id}, {"status": 1}) or {}
        return build.get("status") in FINISHED

    def publish_owed(self, deck_id: str) -> int:
        """Publish what an earlier delivery recorded but may not have sent (a crash)."""
        return outbox.flush(self._builds, deck_id, self._publisher)

    def start_attempt(self, deck_id: str, user_id: str, now: datetime) -> None:
        database.start_attempt(self._builds, deck_id, "building", now, user_id=user_id)

    def mark_completed(
        self, deck_id: str, built: BuiltDeck, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {"status": "completed", **asdict(built), "completed_at": now}
        return self._record(deck_id, fields, event)

    def mark_failed(
        self, deck_id: str, failed: events.DeckFailed, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {
            "status": "failed",
            "reason": failed.reason,
            "code": failed.code and failed.code.value,
            "completed_at": now,
        }
        return self._record(deck_id, fields, event)

    def _record(self, deck_id: str, fields: dict[str, Any], event: events.Envelope) -> bool:
        return outbox.record_and_flush(self._builds, deck_id, self._publisher, event, fields)
