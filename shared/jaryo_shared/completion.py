"""When an upload is finished: every image stored (or rejected) by the storage service and read
(or failed) by the OCR service, which work in parallel on their own documents (`images` and
`ocr_results`). Whichever service finishes an upload's last image settles it.

Settling inserts the upload's `upload_completions` record, which carries `upload.completed` in
its outbox. Its `_id` is the upload's, so when both services try at once only one insert wins
(FerretDB 1.x has no atomic conditional update to rely on): the event is owed exactly once. The
upload document is then marked with the same outcome; a service that lost the race, or is
redelivered the message after a crash, repeats that idempotent step from the record. The winner
publishes the event only after that mark, so whoever the event wakes reads the outcome.

Each service writes its own outcome first and reads both collections after, so at least one of
them sees both outcomes of the last image. The janitor settles an upload stuck for too long as
failed through the same `settle`, so its event too is owed exactly once.

A fix of a page's corners (image.corners_fixed) opens the upload's next reading N: the image's
document records the fix (`fix.reading`), and the image is unfinished until its OCR result is
of that reading. The upload is then settled again, under a completion record of its own
(`{upload_id}:{N}`), so each reading's `upload.completed` is owed exactly once too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from jaryo_shared import events, outbox, upload_deletions
from jaryo_shared.clock import Clock
from jaryo_shared.database import by_id
from jaryo_shared.failures import FailureCode
from jaryo_shared.ports import EventPublisher

STORAGE_FINISHED = ("stored", "rejected")
OCR_FINISHED = ("done", "failed")


def image_finished(image: dict[str, Any], ocr: dict[str, Any] | None) -> bool:
    return (
        image.get("storage", {}).get("status") in STORAGE_FINISHED
        and (ocr or {}).get("status") in OCR_FINISHED
        and (ocr or {}).get("reading", 0) >= fix_reading(image)
    )


def fix_reading(image: dict[str, Any]) -> int:
    """The reading its latest fix of the page's corners opened; 0 for an image never fixed."""
    return int((image.get("fix") or {}).get("reading", 0))


def completion_id(upload_id: str, reading: int) -> str:
    """The `upload_completions` record of the upload's reading (the first keeps the bare id)."""
    return upload_id if reading == 0 else f"{upload_id}:{reading}"


def page_fix_id(upload_id: str, reading: int) -> str:
    """The `page_fixes` record (the gateway's) of the fix that opened the upload's reading: its
    unique insert is what lets one fix at a time open a reading."""
    return f"{upload_id}:{reading}"


def latest_reading(db: Database, upload_id: str, recorded: int) -> int:
    """The upload's latest reading as its `page_fixes` records show it, looked up by `_id` from
    the one its document records (`readings`), which a lost write can leave behind."""
    reading = recorded
    while db.page_fixes.find_one({"_id": page_fix_id(upload_id, reading + 1)}, {"_id": 1}):
        reading += 1
    return reading


def is_settled(db: Database, upload_id: str, reading: int) -> bool:
    found = db.upload_completions.find_one({"_id": completion_id(upload_id, reading)}, {"_id": 1})
    return found is not None


def image_failure(image: dict[str, Any], ocr: dict[str, Any] | None) -> events.ImageFailure | None:
    """Why a finished image is unusable, or None if it was stored and read. An outcome recorded
    before failure codes existed has the code `unspecified`."""
    storage, ocr = image.get("storage", {}), ocr or {}
    if storage.get("status") == "rejected":
        why, fallback = storage, "the image was rejected"
    elif ocr.get("status") == "failed":
        why, fallback = ocr, "the text could not be read"
    else:
        return None
    return events.ImageFailure(
        image_id=image["_id"],
        reason=str(why.get("reason") or fallback),
        code=why.get("code") or FailureCode.UNSPECIFIED,
    )


def _timed_out(image: dict[str, Any], reason: str) -> events.ImageFailure:
    return events.ImageFailure(
        image_id=image["_id"], reason=reason, code=FailureCode.PROCESSING_TIMED_OUT
    )


def ocr_results(db: Database, image_ids: list[str], **projection: int) -> dict[str, dict[str, Any]]:
    """The OCR results of these images, by image id (absent while an image is unread).

    One lookup by `_id` each: FerretDB 1.x on SQLite answers `_id` equality from its primary
    key but scans the whole collection for any other filter (measured: 9 ms vs 230 ms with 300
    results of 50 kB), and OCR results are the largest documents."""
    found = (
        db.ocr_results.find_one({"_id": image_id}, projection or None) for image_id in image_ids
    )
    return {result["_id"]: result for result in found if result is not None}


def settle_upload(
    db: Database,
    publisher: EventPublisher,
    clock: Clock,
    *,
    upload_id: str,
    user_id: str,
    image_ids: list[str],
    source: str,
    correlation_id: str | None,
    reading: int = 0,
) -> None:
    """Settle the upload if every one of its images is finished; `image_ids` are the upload's
    images, as its upload.received event lists them; `reading`, the reading a fix of corners
    opened, if the caller has just read it (the images' `fix` says so too, unless its write was
    lost)."""
    finished = _all_finished(db, upload_id, image_ids)
    if finished is None:
        return
    images, results = finished
    completed = outcome(upload_id, user_id, images, results, reading=reading)
    settle(db, publisher, clock, completed, source=source, correlation_id=correlation_id)


def _all_finished(
    db: Database, upload_id: str, image_ids: list[str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]] | None:
    """The upload's images (in order) and their OCR results if every image is finished, else
    None. Checked last image first, stopping at the first unfinished one: images are taken in
    upload order, so while an upload is under way one of its last images is the unfinished one,
    and an image's message costs two reads instead of two per image of its upload."""
    images: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any]] = {}
    for image_id in reversed(image_ids):
        image = by_id(db.images, image_id, upload_id=upload_id)
        if image is None:
            continue  # not recorded (a half-written upload): nothing to wait for
        result = db.ocr_results.find_one({"_id": image_id}, {"text": 0, "blocks": 0})
        if not image_finished(image, result):
            return None
        images.append(image)
        if result is not None:
            results[image_id] = result
    if not images:
        return None
    return sorted(images, key=lambda i: i["index"]), results


def settle_image(
    db: Database,
    publisher: EventPublisher,
    clock: Clock,
    received: events.Envelope,
    event: events.ImageReceived,
    *,
    source: str,
) -> None:
    """`settle_upload` for a service that has just finished its part of one image: storage
    and OCR call it after each image.received they handle."""
    settle_upload(
        db,
        publisher,
        clock,
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_ids=event.upload_image_ids,
        source=source,
        correlation_id=received.correlationid,
    )


def settle_received(
    db: Database,
    publisher: EventPublisher,
    clock: Clock,
    received: events.Envelope,
    event: events.UploadReceived,
    *,
    source: str,
) -> None:
    """`settle_upload` for a service that has just finished its part of `event`: storage and
    OCR call it after each upload.received they handle."""
    settle_upload(
        db,
        publisher,
        clock,
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_ids=[image.image_id for image in event.images],
        source=source,
        correlation_id=received.correlationid,
    )


def outcome(
    upload_id: str,
    user_id: str,
    images: list[dict[str, Any]],
    results: dict[str, dict[str, Any]],
    *,
    unfinished: str | None = None,
    reading: int = 0,
) -> events.UploadCompleted:
    """What happened to the upload's `images` (in order) with their OCR `results`. Given an
    `unfinished` reason (the janitor's, for an upload that took too long), each image not yet
    finished fails with it (code `processing-timed-out`) and the upload has failed, whatever
    its finished images say."""
    failures = []
    for image in images:
        result = results.get(image["_id"])
        if image_finished(image, result):
            failure = image_failure(image, result)
        else:
            failure = None if unfinished is None else _timed_out(image, unfinished)
        if failure is not None:
            failures.append(failure)
    status: Literal["completed", "partial", "failed"] = "completed"
    if unfinished is not None or (failures and len(failures) == len(images)):
        status = "failed"
    elif failures:
        status = "partial"
    stored = sum(1 for i in images if i.get("storage", {}).get("status") == "stored")
    read = sum(1 for i in images if results.get(i["_id"], {}).get("status") == "done")
    # One fix at a time (the gateway takes none while the upload processes): the latest is it.
    reading = max([reading, *(fix_reading(image) for image in images)])
    return events.UploadCompleted(
        upload_id=upload_id,
        user_id=user_id,
        status=status,
        image_count=len(images),
        stored_count=stored,
        rejected_count=len(images) - stored,
        read_count=read,
        unread_count=len(images) - read,
        failures=failures,
        reading=reading,
    )


def settle(
    db: Database,
    publisher: EventPublisher,
    clock: Clock,
    completed: events.UploadCompleted,
    *,
    source: str,
    correlation_id: str | None = None,
) -> None:
    """The one settle, for the services and the janitor alike: claim the upload's completion
    record, mark the upload with the record's outcome (the winner's, if another settle claimed
    it first), and publish `upload.completed` if this call won. Losing the claim still marks the
    upload, so a settle that died between its claim and its mark is finished by the next."""
    upload_id = completed.upload_id
    published = events.wrap(
        completed, source=source, subject=upload_id, correlation_id=correlation_id
    )
    record, won = _claim(db, _record(completed, published, clock.now()))
    _mark(db, upload_id, record)
    # Published only now that the upload shows its outcome: a client woken by the event reads
    # it at once (the gateway's ?wait and event stream). A crash before this leaves the event
    # in the record's outbox for the relay.
    if won:
        outbox.flush(db.upload_completions, record["_id"], publisher, record["outbox"])


def _record(
    completed: events.UploadCompleted, published: events.Envelope, now: datetime
) -> dict[str, Any]:
    """The upload's completion record, owing `published` in its outbox."""
    return {
        "_id": completion_id(completed.upload_id, completed.reading),
        "upload_id": completed.upload_id,
        "reading": completed.reading,
        "user_id": completed.user_id,
        "status": completed.status,
        "failures": [failure.model_dump(mode="json") for failure in completed.failures],
        "completed_at": now,
        **outbox.pending(published, now=now),
    }


def _claim(db: Database, record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Insert the record (the claim); on losing it, the winner's record. Whether this won."""
    try:
        db.upload_completions.insert_one(record)
    except DuplicateKeyError:
        return db.upload_completions.find_one({"_id": record["_id"]}) or record, False
    return record, True


def mark_again(db: Database, upload_id: str, reading: int) -> None:
    """Mark the upload with its reading's recorded outcome again (a write that reopened it
    after that reading was settled)."""
    record = db.upload_completions.find_one({"_id": completion_id(upload_id, reading)})
    if record is not None:
        _mark(db, upload_id, record)


def _mark(db: Database, upload_id: str, record: dict[str, Any]) -> None:
    """The upload shows the record's outcome: the same values each time, so a repeat is safe;
    never an earlier reading's over a later one a fix of corners has opened (a late repeat)."""
    upload = db.uploads.find_one({"_id": upload_id}, {"readings": 1}) or {}
    if upload.get("readings", 0) > record.get("reading", 0):
        upload_deletions.restore(db, upload_id)
        return
    db.uploads.update_one(  # by _id alone (database.by_id says why)
        {"_id": upload_id},
        {
            "$set": {
                "status": record["status"],
                "failures": record["failures"],
                "completed_at": record["completed_at"],
            }
        },
    )
    upload_deletions.restore(db, upload_id)  # a DELETE racing this write is not lost
