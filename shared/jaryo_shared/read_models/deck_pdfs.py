"""`deck_pdfs` as the gateway sees it: how the PDF of one built revision of a deck came out,
written by the deck service alone when it renders it (`_id` "{deck_id}:{revision}", the same
as the gateway's request in `deck_pdf_requests`, which the gateway alone writes: two writers of
one document can lose each other's updates on FerretDB). `rendering` while LibreOffice works,
then `ready` (the PDF's key, size and pages) or `failed` (reason, code): both final."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pymongo.database import Database

from jaryo_shared.read_models.base import ReadModel

PdfStatus = Literal["rendering", "ready", "failed"]
FINISHED = ("ready", "failed")
LEFT_OUT = {"outbox": 0, "outbox_pending": 0, "outbox_claimed_until": 0}


class DeckPdf(ReadModel):
    status: PdfStatus
    revision: int
    file_path: str | None = None  # the PDF's key in the decks bucket, when ready
    size: int | None = None
    page_count: int | None = None
    reason: str | None = None  # when failed
    code: str | None = None  # jaryo_shared.failures.FailureCode, when failed
    started_at: datetime | None = None  # the latest render's start, while rendering

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def stalled(self, now: datetime, after: timedelta) -> bool:
        """Rendering for longer than `after`: the delivery rendering it died and its message was
        dead-lettered (a render is bounded by the deck service's timeout, well under it)."""
        return (
            self.status == "rendering"
            and self.started_at is not None
            and now - self.started_at > after
        )


def pdf_id(deck_id: str, revision: int) -> str:
    """The `_id` of a revision's PDF request and of its outcome (also for revision 1)."""
    return f"{deck_id}:{revision}"


def of_revision(db: Database, deck_id: str, revision: int) -> DeckPdf | None:
    found = db.deck_pdfs.find_one({"_id": pdf_id(deck_id, revision)}, LEFT_OUT)
    return None if found is None else DeckPdf.model_validate(found)
