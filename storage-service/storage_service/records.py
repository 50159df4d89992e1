"""`images` as the storage service reads and writes it: the one place storage touches that
collection. Storage writes only the image's `storage` outcome and the event it owes (in the
image's outbox); the gateway wrote the rest when it received the upload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import database, events, outbox
from jaryo_shared.completion import STORAGE_FINISHED
from jaryo_shared.messaging import Publisher
from storage_service.normalise import NormalisedImage


class ImageRecords:
    """Each outcome is written with its event in one write, then the event is published."""

    def __init__(self, db: Database, publisher: Publisher) -> None:
        self._images = db.images
        self._publisher = publisher

    def of_upload(self, upload_id: str, image_id: str) -> dict[str, Any] | None:
        return database.by_id(self._images, image_id, upload_id=upload_id)

    @staticmethod
    def finished(image: dict[str, Any]) -> bool:
        return image.get("storage", {}).get("status") in STORAGE_FINISHED

    def publish_owed(self, image_id: str) -> int:
        """Publish what an earlier delivery recorded but may not have sent."""
        return outbox.flush(self._images, image_id, self._publisher)

    def mark_stored(
        self,
        image_id: str,
        stored: NormalisedImage,
        thumbnail_path: str,
        now: datetime,
        event: events.Envelope,
    ) -> bool:
        fields = {
            "storage.status": "stored",
            "storage.width": stored.width,
            "storage.height": stored.height,
            "storage.sha256": stored.sha256,
            "storage.size": len(stored.data),
            "storage.media_type": stored.media_type,
            "storage.thumbnail_path": thumbnail_path,
            "storage.stored_at": now,
        }
        return self._record(image_id, fields, event)

    def mark_rejected(
        self,
        image_id: str,
        rejected: events.ImageRejected,
        now: datetime,
        event: events.Envelope,
    ) -> bool:
        fields = {
            "storage.status": "rejected",
            "storage.reason": rejected.reason,
            "storage.code": rejected.code and rejected.code.value,
            "storage.stored_at": now,
        }
        return self._record(image_id, fields, event)

    def _record(self, image_id: str, fields: dict[str, Any], event: events.Envelope) -> bool:
        # Only this entry is flushed: the relay may be publishing the document's others.
        return outbox.record_and_flush(self._images, image_id, self._publisher, event, fields)
