"""When an upload is finished: every image stored (or rejected) by the storage service and read
(or failed) by the OCR service, which work in parallel. Whichever service finishes last settles
the upload; the settling update is conditional on `processing`, so `upload.completed` is owed
exactly once however the two race.

Each service writes its own outcome first and reads all images after, so at least one of them
sees both outcomes of the last image.
"""

from __future__ import annotations

from typing import Any, Literal

from pymongo.database import Database

from jaryo_shared import events, outbox
from jaryo_shared.clock import Clock
from jaryo_shared.messaging import Publisher

STORAGE_FINISHED = ("stored", "rejected")
OCR_FINISHED = ("done", "failed")


def image_finished(image: dict[str, Any]) -> bool:
    return (
        image.get("storage", {}).get("status") in STORAGE_FINISHED
        and (image.get("ocr") or {}).get("status") in OCR_FINISHED
    )


def image_failure(image: dict[str, Any]) -> str | None:
    """Why a finished image is unusable, or None if it was stored and read."""
    storage, ocr = image.get("storage", {}), image.get("ocr") or {}
    if storage.get("status") == "rejected":
        return str(storage.get("reason") or "the image was rejected")
    if ocr.get("status") == "failed":
        return str(ocr.get("reason") or "the text could not be read")
    return None


def settle_upload(
    db: Database,
    publisher: Publisher,
    clock: Clock,
    *,
    upload_id: str,
    user_id: str,
    source: str,
    correlation_id: str | None,
) -> None:
    images = list(db.images.find({"upload_id": upload_id}))
    if not images or not all(image_finished(image) for image in images):
        return
    failures = [
        {"image_id": image["_id"], "reason": reason}
        for image in sorted(images, key=lambda i: i["index"])
        if (reason := image_failure(image)) is not None
    ]
    ok = len(images) - len(failures)
    status: Literal["completed", "partial", "failed"] = (
        "completed" if not failures else "partial" if ok else "failed"
    )
    stored = sum(1 for image in images if image["storage"]["status"] == "stored")
    read = sum(1 for image in images if image["ocr"]["status"] == "done")
    completed = events.UploadCompleted(
        upload_id=upload_id,
        user_id=user_id,
        status=status,
        image_count=len(images),
        stored_count=stored,
        rejected_count=len(images) - stored,
        read_count=read,
        unread_count=len(images) - read,
        failures=[events.ImageFailure(**failure) for failure in failures],
    )
    published = events.wrap(
        completed, source=source, subject=upload_id, correlation_id=correlation_id
    )
    update = outbox.push(published)
    update["$set"].update({"status": status, "failures": failures, "completed_at": clock.now()})
    db.uploads.update_one({"_id": upload_id, "status": "processing"}, update)
    outbox.flush(db.uploads, upload_id, publisher)
