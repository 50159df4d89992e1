"""A fix of a photo's page corners (PUT .../images/{id}/page): the image is read again,
flattened from the person's corners, and its upload is processing until it settles again.

The fix opens the upload's next reading N (docs/ocr.md, "Fixing the corners"). Its record in
`page_fixes` (`{upload_id}:{N}`) is inserted first, owing `image.corners_fixed`: that unique
insert is the claim, so of twenty racing requests one opens reading N and the others are 409.
Then the image records the fix (which makes it unfinished until its OCR result is of reading N:
jaryo_shared.completion), the listing and the upload are reopened, and the event is sent; the
outbox relay sends it if this process dies first. The records, not the upload's `readings`,
say which reading is the latest, and a fix not yet settled has its steps finished by whoever
meets it, so a lost write never blocks the next fix."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from gateway.bootstrap import Dependencies
from gateway.problems import (
    NotAPhoto,
    NotFound,
    NotReady,
    RejectedImage,
    TooManyPageFixes,
    UploadProcessing,
)
from gateway.uploads import service
from jaryo_shared import events, outbox, upload_deletions, upload_listings
from jaryo_shared.completion import is_settled, latest_reading, mark_again, page_fix_id
from jaryo_shared.logs import current_correlation_id
from jaryo_shared.ocr_result import Corner

log = logging.getLogger(__name__)

SOURCE = "jaryo/gateway"


def fix_corners(
    deps: Dependencies, user_id: str, upload_id: str, image_id: str, corners: Sequence[Corner]
) -> None:
    """Open the upload's next reading for this image. Raises NotFound, UploadProcessing,
    NotAPhoto, RejectedImage or TooManyPageFixes."""
    db = deps.db
    upload = service.own_upload(db, user_id, upload_id)
    image = None if upload is None else service.own_image(db, user_id, upload_id, image_id)
    if upload is None or image is None:
        raise NotFound("no such image")
    _check_fixable(deps, image)
    latest = latest_reading(db, upload_id, upload.get("readings", 0))
    if latest and not is_settled(db, upload_id, latest):
        if upload.get("readings", 0) < latest:  # its request died, or a write of it was lost
            _finish_reopening(deps, page_fix_id(upload_id, latest))
        raise _another_fix()
    if upload["status"] == "processing":
        raise UploadProcessing(
            "the upload is still being read; fix its pages once it has settled",
            upload_status="processing",
        )
    reading = latest + 1
    now = deps.clock.now()
    fixed = events.ImageCornersFixed(
        upload_id=upload_id,
        user_id=user_id,
        image_id=image_id,
        image_type=upload["image_type"],
        corners=list(corners),
        reading=reading,
        upload_image_ids=[i["_id"] for i in service.images(db, user_id, upload_id)],
    )
    envelope = events.wrap(
        fixed, source=SOURCE, subject=upload_id, correlation_id=current_correlation_id()
    )
    record = {
        "_id": page_fix_id(upload_id, reading),
        "upload_id": upload_id,
        "user_id": user_id,
        "image_id": image_id,
        "reading": reading,
        "corners": [corner.model_dump() for corner in corners],
        "created_at": now,
        **outbox.pending(envelope, now=now),
    }
    try:
        db.page_fixes.insert_one(record)
    except DuplicateKeyError:
        raise _another_fix() from None  # the winner is reopening the upload
    _reopen(db, record, counted=True)
    _send(deps, record)


def _another_fix() -> UploadProcessing:
    return UploadProcessing(
        "another fix of this upload's pages came first; try again once it has settled",
        upload_status="processing",
    )


def _reopen(db: Database, record: dict[str, Any], *, counted: bool = False) -> None:
    """The fix's steps after its claim, the same however often they are taken (but for the
    count of the image's fixes, which only the claim's winner adds): the image records the
    fix (which keeps it unfinished until read again), the listing and the upload are reopened,
    and a DELETE racing the upload's write is restored. If the reading was read and settled
    meanwhile (the relay of another gateway can send the event first), the upload is marked
    with that outcome again, so it is never left processing after its last event."""
    upload_id, reading = record["upload_id"], record["reading"]
    fix = {"reading": reading, "corners": record["corners"], "at": record["created_at"]}
    count = {"$inc": {"fixes": 1}} if counted else {}
    db.images.update_one({"_id": record["image_id"]}, {"$set": {"fix": fix}, **count})
    upload_listings.reopen(db, record["user_id"], upload_id, reading)
    reopened = {"status": "processing", "readings": reading, "reopened_at": record["created_at"]}
    db.uploads.update_one({"_id": upload_id}, {"$set": reopened})
    upload_deletions.restore(db, upload_id)
    if is_settled(db, upload_id, reading):
        mark_again(db, upload_id, reading)


def _finish_reopening(deps: Dependencies, fix_id: str) -> None:
    """A fix whose reading is not settled: finish its steps in case its request died after its
    claim or one of its writes was lost (FerretDB can lose one of two concurrent updates), so
    its upload shows it and the next fix counts from it."""
    record = deps.db.page_fixes.find_one({"_id": fix_id}, {"outbox": 0})
    if record is not None:
        _reopen(deps.db, record)


def _check_fixable(deps: Dependencies, image: dict[str, Any]) -> None:
    if image.get("page") is not None:
        raise NotAPhoto(
            "this image is a page of a PDF, read as it is drawn: it has no corners to fix"
        )
    storage = image.get("storage", {}).get("status", "queued")
    if storage == "rejected":
        raise RejectedImage("this image was rejected when it was stored: it cannot be read")
    if storage != "stored":
        raise NotReady(f"the image is not stored ({storage})", image_status=storage)
    allowed = deps.settings.max_page_fixes_per_image
    if image.get("fixes", 0) >= allowed:
        raise TooManyPageFixes(
            f"this image's corners were fixed {allowed} times, as often as one image may be",
            limit="page_fixes_per_image",
            allowed=allowed,
        )


def _send(deps: Dependencies, record: dict[str, Any]) -> None:
    """Send the fix's event now if the broker takes it; the relay sends it otherwise."""
    try:
        outbox.flush(deps.db.page_fixes, record["_id"], deps.publisher, record["outbox"])
    except Exception:
        log.warning(
            "broker unavailable; fix %s's event left to the outbox relay",
            record["_id"],
            exc_info=True,
        )
