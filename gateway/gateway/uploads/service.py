"""What the /v1/uploads views ask of the database, as plain functions: each takes the database
(and the clock) and the caller, and returns documents or a yes/no, so the views only parse the
request, call one of these and shape the answer (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from pymongo.database import Database

from gateway import paging
from jaryo_shared import upload_deletions, upload_listings
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.read_models import images as read_images
from jaryo_shared.read_models import ocr_results


def own_upload(db: Database, user_id: str, upload_id: str) -> dict[str, Any] | None:
    """The caller's live upload; None also for another user's (existence is not leaked). A
    deletion is also looked up in its own record: a write racing the DELETE (the announcer's,
    just after the 202) can hide its `deleted_at` until that writer restores it."""
    upload = by_id(db.uploads, upload_id, user_id=user_id, deleted_at=None)
    if upload is None or upload_deletions.recorded(db, upload_id):
        return None
    return upload


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
    `paging.page_of` knows whether another page follows). Read from the caller's listing
    partition (jaryo_shared.upload_listings), not from `uploads`, which FerretDB would read
    whole; only an upload not yet known to be settled is looked up there."""
    entries, statuses = upload_listings.of_user(db, user_id)

    def shown(entry: dict[str, Any]) -> dict[str, Any] | None:
        status = statuses.get(entry["_id"]) or _status_of_unsettled(db, entry)
        return None if status is None else {**entry, "status": status}

    return paging.newest_shown(entries, page_request, lambda entry: entry, shown)


def _status_of_unsettled(db: Database, entry: dict[str, Any]) -> str | None:
    """The upload's status from its document, kept beside the entry once it is final; None if
    the upload is deleted or its recording never finished."""
    upload = by_id(db.uploads, entry["_id"], {"outbox": 0}, user_id=entry["user_id"])
    if upload is None or upload["deleted_at"] is not None:
        return None
    upload_listings.mark_settled(db, upload)
    return upload["status"]


def delete_upload(db: Database, clock: Clock, user_id: str, upload_id: str) -> bool:
    """Mark the caller's upload deleted; False if there is no such live upload."""
    if own_upload(db, user_id, upload_id) is None:
        return False
    # Out of the listing first: a DELETE that fails after it is retried and finds the upload.
    upload_listings.forget(db, user_id, upload_id)
    # The record first, then the upload (upload_deletions says why).
    deleted_at = upload_deletions.record(db, upload_id, user_id, clock.now())
    upload_deletions.mark(db, upload_id, deleted_at)
    return True
