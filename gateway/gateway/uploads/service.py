"""What the /v1/uploads views ask of the database, as plain functions: each takes the database
(and the clock) and the caller, and returns documents or a yes/no, so the views only parse the
request, call one of these and shape the answer (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from gateway import paging
from jaryo_shared import upload_deletions
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.read_models import images as read_images
from jaryo_shared.read_models import ocr_results


def own_upload(db: Database, user_id: str, upload_id: str) -> dict[str, Any] | None:
    """The caller's live upload; None also for another user's (existence is not leaked)."""
    return by_id(db.uploads, upload_id, user_id=user_id, deleted_at=None)


def images(db: Database, user_id: str, upload_id: str) -> list[dict[str, Any]]:
    """The caller's images of this upload, in upload order (read model: images)."""
    return [image.document() for image in read_images.in_upload(db, user_id, upload_id)]


def own_image(db: Database, user_id: str, upload_id: str, image_id: str) -> dict[str, Any] | None:
    found = read_images.own_in_upload(db, user_id, upload_id, image_id)
    return None if found is None else found.document()


def results(
    db: Database, user_id: str, images: list[dict[str, Any]], **projection: int
) -> dict[str, dict[str, Any]]:
    """The OCR results of the caller's images, by image id (none yet for unread images); a
    projection of `text=0` or `blocks=0` leaves those out (read model: ocr_results)."""
    found = ocr_results.of_images(
        db,
        [image["_id"] for image in images],
        with_text=projection.get("text", 1) != 0,
        with_blocks=projection.get("blocks", 1) != 0,
    )
    return {key: result.document() for key, result in found.items() if result.user_id == user_id}


def newest_first(
    db: Database, user_id: str, page_request: paging.PageRequest
) -> list[dict[str, Any]]:
    """The caller's live uploads from the cursor on, one more than the page holds (so
    `paging.page_of` knows whether another page follows)."""
    query: dict[str, Any] = {"user_id": user_id, "deleted_at": None, **page_request.filter()}
    return list(db.uploads.find(query).sort(paging.NEWEST_FIRST).limit(page_request.limit + 1))


def delete_upload(db: Database, clock: Clock, user_id: str, upload_id: str) -> bool:
    """Mark the caller's upload deleted; False if there is no such live upload."""
    if own_upload(db, user_id, upload_id) is None:
        return False
    # The record first, then the upload (upload_deletions says why).
    deleted_at = upload_deletions.record(db, upload_id, user_id, clock.now())
    upload_deletions.mark(db, upload_id, deleted_at)
    return True
