"""Uploads still processing after `JARYO_STUCK_MINUTES` (default 60) are settled as failed,
with the reason on every unfinished image. Settling is the same insert of the upload's
completion record the services use, so `upload.completed` is still owed exactly once: if a
service settles it first, the janitor's insert loses and it changes nothing."""

from __future__ import annotations

from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared import events, outbox, upload_deletions
from jaryo_shared.completion import image_failure, image_finished, ocr_results

NAME = "stuck-uploads"
SOURCE = "jaryo/janitor"


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.stuck_minutes)
    stuck = deps.db.uploads.find(
        {"status": "processing", "created_at": {"$lt": cutoff}, "deleted_at": None}
    )
    return [Planned(NAME, upload["_id"]) for upload in stuck]


def purge(deps: Dependencies, planned: Planned) -> None:
    upload = deps.db.uploads.find_one({"_id": planned.subject})
    if upload is None or upload["status"] != "processing":
        return
    reason = f"processing did not finish within {deps.settings.stuck_minutes:g} minutes"
    images = sorted(deps.db.images.find({"upload_id": upload["_id"]}), key=lambda i: i["index"])
    results = ocr_results(deps.db, [image["_id"] for image in images], text=0, blocks=0)
    failures = []
    for image in images:
        result = results.get(image["_id"])
        why = image_failure(image, result) if image_finished(image, result) else reason
        if why:
            failures.append({"image_id": image["_id"], "reason": why})
    stored = sum(1 for i in images if i.get("storage", {}).get("status") == "stored")
    read = sum(1 for r in results.values() if r.get("status") == "done")
    completed = events.UploadCompleted(
        upload_id=upload["_id"],
        user_id=upload["user_id"],
        status="failed",
        image_count=len(images),
        stored_count=stored,
        rejected_count=len(images) - stored,
        read_count=read,
        unread_count=len(images) - read,
        failures=[events.ImageFailure(**failure) for failure in failures],
    )
    envelope = events.wrap(completed, source=SOURCE, subject=upload["_id"])
    now = deps.clock.now()
    record = {
        "_id": upload["_id"],
        "user_id": upload["user_id"],
        "status": "failed",
        "failures": failures,
        "completed_at": now,
        **outbox.pending(envelope, now=now),
    }
    try:
        deps.db.upload_completions.insert_one(record)
    except DuplicateKeyError:
        return  # a service settled it meanwhile
    deps.db.uploads.update_one(
        {"_id": upload["_id"]},
        {"$set": {"status": "failed", "failures": failures, "completed_at": now}},
    )
    upload_deletions.restore(deps.db, upload["_id"])  # a DELETE racing this write is not lost
    # Published after the upload shows it (as completion.settle_upload does): a waiting client
    # woken by the event reads the outcome.
    outbox.flush(deps.db.upload_completions, upload["_id"], deps.publisher, record["outbox"])
