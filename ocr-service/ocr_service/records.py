"""`ocr_results` and `ocr_layouts` as the OCR service reads and writes them: the one place those
collections are written. One document of each per image (`_id` = the image's), so OCR never
races storage's write of `images`; each outcome is written with its `ocr.completed` event, then
the event published.

The layout (blocks, lines, words, figures: nearly all of a result's bytes) is inserted once, in
its own document, before the outcome: FerretDB 1.x rewrites a whole document on every update,
and the outcome's document is updated again when its event is flushed, so it is kept small
(bench/ocr_writes.py measures the three ways of keeping it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from jaryo_shared import database, events, outbox
from jaryo_shared.completion import OCR_FINISHED
from jaryo_shared.messaging import Publisher
from jaryo_shared.ocr_result import LAYOUT_FIELDS, OcrResult
from jaryo_shared.read_models.images import Image


class OcrResults:
    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._results = db.ocr_results
        self._layouts = db.ocr_layouts
        self._publisher = publisher

    def attempts_if_unfinished(self, image_id: str) -> int | None:
        """How often reading this image was started, or None if it is finished."""
        found = self._results.find_one({"_id": image_id}, {"status": 1, "attempts": 1}) or {}
        return None if found.get("status") in OCR_FINISHED else int(found.get("attempts", 0))

    def attempts_if_unread(self, image_id: str, reading: int) -> int | None:
        """How often reading this image for the upload's `reading` (a fix of its corners) was
        started, or None if that reading (or a later one) is finished."""
        found = (
            self._results.find_one({"_id": image_id}, {"status": 1, "attempts": 1, "reading": 1})
            or {}
        )
        done = found.get("reading", 0)
        if done > reading or (done == reading and found.get("status") in OCR_FINISHED):
            return None
        return int(found.get("attempts", 0)) if done == reading else 0

    def publish_owed(self, image_id: str) -> int:
        """Publish what an earlier delivery recorded but may not have sent."""
        return outbox.flush(self._results, image_id, self._publisher)

    def start_attempt(self, image: Image, now: datetime) -> None:
        database.start_attempt(
            self._results,
            image.id,
            "processing",
            now,
            upload_id=image.upload_id,
            user_id=image.user_id,
        )

    def start_reading_again(self, image: Image, reading: int, attempts: int, now: datetime) -> None:
        """Count an attempt at the upload's `reading` of the image (after `attempts` others
        at it): its earlier reading's result stays until this one is recorded over it. Upserted:
        an image the janitor failed before it was ever read has no result yet."""
        fields = {"status": "processing", "reading": reading, "attempts": attempts + 1}
        owner = {"upload_id": image.upload_id, "user_id": image.user_id}
        self._results.update_one(
            {"_id": image.id}, {"$set": {**owner, **fields, "started_at": now}}, upsert=True
        )

    def record_read(
        self,
        image: Image,
        result: OcrResult,
        now: datetime,
        event: events.Envelope,
        *,
        reading: int = 0,
    ) -> bool:
        # `code` cleared: a reading after a fix can succeed where the earlier one failed.
        fields = {**result.model_dump(mode="json"), "reading": reading, "code": None}
        fields["finished_at"] = now
        layout = {key: fields.pop(key) for key in LAYOUT_FIELDS}
        # Replaced, not inserted: a delivery that died before recording the outcome left one.
        try:
            self._layouts.replace_one(
                {"_id": image.id},
                {"upload_id": image.upload_id, "user_id": image.user_id, **layout},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # a duplicate message's reading inserted it at the same moment: the same layout
        return self._record(image, fields, event)

    def record_failure(
        self, image: Image, failed: events.OcrCompleted, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {
            "reading": failed.reading,
            # An earlier reading's text and page are no longer what the image shows.
            "text": None,
            "page": None,
            "clean_background": False,
            "status": "failed",
            "reason": failed.reason,
            "code": failed.code and failed.code.value,
            "engine": failed.engine,
            "finished_at": now,
        }
        return self._record(image, fields, event)

    def _record(self, image: Image, fields: dict[str, Any], event: events.Envelope) -> bool:
        owner = {"upload_id": image.upload_id, "user_id": image.user_id}
        # Upserted: an image gone from storage fails before any attempt is counted (no document
        # yet); losing that insert to another delivery means that one publishes.
        return outbox.record_and_flush(
            self._results, image.id, self._publisher, event, {**owner, **fields}, upsert=True
        )
