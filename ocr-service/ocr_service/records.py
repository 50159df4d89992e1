"""`ocr_results` as the OCR service reads and writes it: the one place that collection is
written. One document per image (`_id` = the image's), so OCR never races storage's write of
`images`; each outcome is written with its `ocr.completed` event, then the event published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import database, events, outbox
from jaryo_shared.completion import OCR_FINISHED
from jaryo_shared.messaging import Publisher
from jaryo_shared.ocr_result import OcrResult
from jaryo_shared.read_models.images import Image


class OcrResults:
    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._results = db.ocr_results
        self._publisher = publisher

    def attempts_if_unfinished(self, image_id: str) -> int | None:
        """How often reading this image was started, or None if it is finished."""
        found = self._results.find_one({"_id": image_id}, {"status": 1, "attempts": 1}) or {}
        return None if found.get("status") in OCR_FINISHED else int(found.get("attempts", 0))

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

    def record_read(
        self, image: Image, result: OcrResult, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {**result.model_dump(mode="json"), "finished_at": now}
        return self._record(image, fields, event)

    def record_failure(
        self, image: Image, failed: events.OcrCompleted, now: datetime, event: events.Envelope
    ) -> bool:
        fields = {
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
