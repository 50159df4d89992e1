"""`deck_pdfs` as the deck service writes it, the one place it does: one document per rendered
revision (`_id` "{deck_id}:{revision}", read_models.deck_pdfs.pdf_id). The gateway's request for
the PDF is a document of its own in `deck_pdf_requests` (same `_id`): each collection has one
writer, so neither can lose the other's update. Each render is counted before LibreOffice
starts; the outcome is written with its `deck.pdf_rendered` in one write, then published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import database, events, outbox
from jaryo_shared.messaging import Publisher
from jaryo_shared.read_models.deck_pdfs import pdf_id


class DeckPdfs:
    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._pdfs = db.deck_pdfs
        self._publisher = publisher

    def state(self, deck_id: str, revision: int) -> dict[str, Any] | None:
        return self._pdfs.find_one({"_id": pdf_id(deck_id, revision)}, {"status": 1, "attempts": 1})

    def publish_owed(self, deck_id: str, revision: int) -> int:
        """Publish what an earlier delivery recorded but may not have sent (a crash)."""
        return outbox.flush(self._pdfs, pdf_id(deck_id, revision), self._publisher)

    def count_attempt(self, deck_id: str, revision: int, user_id: str, now: datetime) -> None:
        """Counted before LibreOffice starts, so the next delivery knows if one took the
        process down (upserted: the first attempt creates the document)."""
        database.start_attempt(
            self._pdfs,
            pdf_id(deck_id, revision),
            "rendering",
            now,
            deck_id=deck_id,
            user_id=user_id,
            revision=revision,
        )

    def restore_outcome(self, deck_id: str, revision: int) -> None:
        """Another delivery recorded the outcome, then this one's counted attempt wrote
        `rendering` over it (they raced): the outcome's fields are still there, only the status
        was lost. It is what they say: ready with a file, else failed."""
        key = pdf_id(deck_id, revision)
        found = self._pdfs.find_one({"_id": key}, {"status": 1, "file_path": 1, "completed_at": 1})
        if found is None or found.get("status") != "rendering" or not found.get("completed_at"):
            return
        status = "ready" if found.get("file_path") else "failed"
        self._pdfs.update_one({"_id": key}, {"$set": {"status": status}})

    def give_back_attempt(self, deck_id: str, revision: int) -> None:
        """Only a server was out of reach, not the render: this one does not count."""
        self._pdfs.update_one({"_id": pdf_id(deck_id, revision)}, {"$inc": {"attempts": -1}})

    def record(
        self, rendered: events.DeckPdfRendered, now: datetime, event: events.Envelope
    ) -> bool:
        """The outcome and its event in one write (upserted: a failure found before any render
        was counted has no document yet), then the event is published."""
        fields: dict[str, Any] = {
            "deck_id": rendered.deck_id,
            "user_id": rendered.user_id,
            "revision": rendered.revision,
            "status": rendered.status,
            "file_path": rendered.file_path,
            "size": rendered.size,
            "page_count": rendered.page_count,
            "reason": rendered.reason,
            "code": rendered.code and rendered.code.value,
            "completed_at": now,
        }
        key = pdf_id(rendered.deck_id, rendered.revision)
        return outbox.record_and_flush(
            self._pdfs, key, self._publisher, event, fields, upsert=True, now=now
        )
