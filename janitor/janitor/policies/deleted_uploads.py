"""Uploads a person deleted are purged after a short grace period: every object (staged files,
originals, thumbnails) and every document (images, OCR results, the completion record), then
`upload.expired`, then its listing entry and the upload document itself, last, so an
interrupted purge is found and finished by the next run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared import events, upload_deletions, upload_listings
from jaryo_shared.keys import upload_prefix

NAME = "deleted-uploads"
SOURCE = "jaryo/janitor"


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.deleted_grace_minutes)
    uploads = records.uploads_deleted_before(deps.db, cutoff)
    return [plan_objects(deps, upload, NAME) for upload in uploads]


def purge(deps: Dependencies, planned: Planned) -> None:
    purge_upload(deps, planned, "deleted")


def plan_objects(deps: Dependencies, upload: dict[str, Any], policy: str) -> Planned:
    prefix = upload_prefix(upload["user_id"], upload["_id"])
    objects = [
        (bucket, obj.key, obj.size)
        for bucket in (deps.settings.bucket_staging, deps.settings.bucket_images)
        for obj in deps.store.listing(bucket, prefix)
    ]
    return Planned(policy, upload["_id"], objects)


def purge_upload(
    deps: Dependencies, planned: Planned, reason: Literal["deleted", "retention"]
) -> None:
    upload = records.upload(deps.db, planned.subject)
    if upload is None:
        return
    for bucket, key, _ in planned.objects:
        deps.store.delete(bucket, key)
    records.delete_images_and_texts(deps.db, records.image_ids_of_upload(deps.db, upload["_id"]))
    records.delete_readings(deps.db, upload)
    expired = events.UploadExpired(
        upload_id=upload["_id"],
        user_id=upload["user_id"],
        reason=reason,
        objects=len(planned.objects),
        bytes=planned.bytes,
    )
    # A fixed id: if the janitor dies before the document goes, the re-sent event is the same.
    deps.publisher.publish(
        events.wrap(
            expired, source=SOURCE, subject=upload["_id"], event_id=f"expired-{upload['_id']}"
        )
    )
    upload_listings.forget(deps.db, upload["user_id"], upload["_id"])
    records.delete_upload(deps.db, upload["_id"])
    upload_deletions.forget(deps.db, upload["_id"])
