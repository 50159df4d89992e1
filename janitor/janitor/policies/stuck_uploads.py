"""Uploads still processing after `JARYO_STUCK_MINUTES` (default 60) are settled as failed,
with the reason on every unfinished image. Settling is the same insert of the upload's
completion record the services use (`completion.settle`, the one settle), so `upload.completed`
is still owed exactly once: if a service settles it first, the janitor's insert loses and the
upload gets the service's outcome; if an earlier janitor run claimed it and died before marking
the upload, this run marks it from that record and the relay publishes the event it left."""

from __future__ import annotations

from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared.completion import latest_reading, ocr_results, outcome, settle

NAME = "stuck-uploads"
SOURCE = "jaryo/janitor"


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.stuck_minutes)
    stuck = records.uploads_processing_since_before(deps.db, cutoff)
    return [Planned(NAME, upload["_id"]) for upload in stuck]


def purge(deps: Dependencies, planned: Planned) -> None:
    upload = records.upload(deps.db, planned.subject)
    if upload is None or upload["status"] != "processing":
        return
    reason = f"processing did not finish within {deps.settings.stuck_minutes:g} minutes"
    images = records.images_of_upload_in_order(deps.db, upload["_id"])
    results = ocr_results(deps.db, [image["_id"] for image in images], text=0, blocks=0)
    # The reading a fix of corners opened, from its records (the upload's own count can lag).
    reading = latest_reading(deps.db, upload["_id"], upload.get("readings", 0))
    completed = outcome(
        upload["_id"], upload["user_id"], images, results, unfinished=reason, reading=reading
    )
    settle(deps.db, deps.publisher, deps.clock, completed, source=SOURCE)
