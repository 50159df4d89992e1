"""`deck_builds` as the deck service reads and writes it: the one place the service writes that
collection. One document per deck (`_id` = the deck's), beside the gateway's deck document, so
the two never overwrite each other; each outcome is written with its event, then published.
`status` and `revision` are the latest attempt's; `file_path` and the rest of a built deck are
the latest built revision's (`built_revision`), kept while a newer revision builds or fails."""

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
    revision: int = 1


class DeckBuilds:
    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._builds = db.deck_builds
        self._publisher = publisher

    def finished(self, deck_id: str, revision: int) -> bool:
        build = self._builds.find_one({"_id": deck_id}, {"status": 1, "revision": 1}) or {}
        return build.get("revision", 1) == revision and build.get("status") in FINISHED

    def attempted_after(self, deck_id: str, revision: int) -> bool:
        """Whether a newer revision's attempt has started: this one's outcome must not
        overwrite it."""
        build = self._builds.find_one({"_id": deck_id}, {"revision": 1}) or {}
        return int(build.get("revision", 1)) > revision

    def publish_owed(self, deck_id: str) -> int:
        """Publish what an earlier delivery recorded but may not have sent (a crash)."""
        return outbox.flush(self._builds, deck_id, self._publisher)

    def start_attempt(self, deck_id: str, revision: int, user_id: str, now: datetime) -> None:
        database.start_attempt(
            self._builds, deck_id, "building", now, user_id=user_id, revision=revision
        )

    def mark_completed(
        self, deck_id: str, built: BuiltDeck, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {"status": "completed", **asdict(built), "completed_at": now}
        # The reason of a failed earlier revision no longer applies.
        fields.update(built_revision=built.revision, reason=None, code=None)
        return self._record(deck_id, fields, event)

    def mark_failed(
        self, deck_id: str, failed: events.DeckFailed, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {
            "status": "failed",
            "revision": failed.revision,
            "reason": failed.reason,
            "code": failed.code and failed.code.value,
            "completed_at": now,
        }
        return self._record(deck_id, fields, event)

    def _record(self, deck_id: str, fields: dict[str, Any], event: events.Envelope) -> bool:
        return outbox.record_and_flush(self._builds, deck_id, self._publisher, event, fields)
