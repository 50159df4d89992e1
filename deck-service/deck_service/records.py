"""`deck_builds` as the deck service reads and writes it: the one place the service writes that
collection. One document per deck (`_id` = the deck's), beside the gateway's deck document, so
the two never overwrite each other; each outcome is written with its event, then published.
`status` and `revision` are the latest attempt's; `file_path` and the rest of a built deck are
the latest built revision's (`built_revision`), kept while a newer revision builds or fails.
That revision's previews follow its `completed`: `previews_status` pending, then ready (with
`deck.previews_ready`) or failed; `rendered_revision` and `rendered_hashes` name the latest
revision whose previews are all stored, and what each of its slides looked like."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import database, events, outbox
from jaryo_shared.messaging import Publisher
from jaryo_shared.read_models.deck_builds import PreviewsStatus

FINISHED = ("completed", "failed")


@dataclass(frozen=True)
class BuiltDeck:
    file_path: str
    file_size: int
    slide_count: int
    previews_status: PreviewsStatus  # pending, or unavailable where previews cannot be made
    slide_hashes: list[str] = field(default_factory=list)  # what each slide's look depends on
    revision: int = 1


@dataclass(frozen=True)
class OwedPreviews:
    """The built revision's previews, still to be made, and what can be copied instead."""

    deck_id: str
    revision: int
    user_id: str
    file_path: str
    slide_hashes: list[str]
    attempts: int
    rendered_revision: int | None
    rendered_hashes: list[str]


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
        fields.update(preview_count=None, preview_attempts=0)
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

    def owed_previews(self, deck_id: str) -> OwedPreviews | None:
        """The built revision's previews if they are pending, else None."""
        build = self._builds.find_one({"_id": deck_id}, {"outbox": 0}) or {}
        if build.get("previews_status") != "pending" or build.get("file_path") is None:
            return None
        return OwedPreviews(
            deck_id=deck_id,
            revision=build["built_revision"],
            user_id=build["user_id"],
            file_path=build["file_path"],
            slide_hashes=build.get("slide_hashes") or [],
            attempts=build.get("preview_attempts", 0),
            rendered_revision=build.get("rendered_revision"),
            rendered_hashes=build.get("rendered_hashes") or [],
        )

    def count_render_attempt(self, deck_id: str, change: int = 1) -> None:
        """Counted before LibreOffice starts, so the next delivery knows if one took the
        process down; given back (-1) when only a server was out of reach."""
        self._builds.update_one({"_id": deck_id}, {"$inc": {"preview_attempts": change}})

    def mark_previews_ready(
        self, deck_id: str, revision: int, hashes: list[str], event: events.Envelope
    ) -> bool:
        if not self._still_built(deck_id, revision):
            return False
        fields = {
            "previews_status": "ready",
            "preview_count": len(hashes),
            "rendered_revision": revision,
            "rendered_hashes": hashes,
        }
        return self._record(deck_id, fields, event)

    def mark_previews_failed(self, deck_id: str, revision: int) -> None:
        if self._still_built(deck_id, revision):
            self._builds.update_one({"_id": deck_id}, {"$set": {"previews_status": "failed"}})

    def _still_built(self, deck_id: str, revision: int) -> bool:
        """Whether `revision` is still the built one: a newer revision's completion, meanwhile,
        owes previews of its own, which a late outcome of these must not overwrite."""
        build = self._builds.find_one({"_id": deck_id}, {"built_revision": 1}) or {}
        return build.get("built_revision") == revision
