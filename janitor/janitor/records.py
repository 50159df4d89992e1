"""Every query the janitor's policies make of the database, in one place.

The janitor reads and deletes documents of every owner by design (retention and purges are a
concern of their own, run on a lease with a dry run: docs/architecture.md), so these queries
cross owners; gathering them here keeps that in one module rather than spread over the policies.
The lease's own collection is kept by `lease.py`; the settle, the deck claim, deletion records
and the outbox are the shared library's. Lookups and writes go by `_id` alone where they can
(database.by_id says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo.database import Database

from jaryo_shared import account_deletions, deck_outcomes
from jaryo_shared.completion import completion_id, latest_reading, page_fix_id
from jaryo_shared.database import by_id
from jaryo_shared.read_models.deck_pdfs import pdf_id
from jaryo_shared.read_models.decks import revision_id

Document = dict[str, Any]

# --- uploads and what hangs off them ---------------------------------------------------------


def uploads_deleted_before(db: Database, cutoff: datetime) -> Iterable[Document]:
    return db.uploads.find({"deleted_at": {"$ne": None, "$lt": cutoff}})


def uploads_created_before(db: Database, cutoff: datetime) -> Iterable[Document]:
    """Uploads older than the cutoff that nobody deleted (those have their own policy)."""
    return db.uploads.find({"created_at": {"$lt": cutoff}, "deleted_at": None})


def uploads_processing_since_before(db: Database, cutoff: datetime) -> Iterable[Document]:
    """Processing since the cutoff: since it was created, or since a fix of a page's corners
    opened its latest reading (`reopened_at`)."""
    found = db.uploads.find(
        {"status": "processing", "created_at": {"$lt": cutoff}, "deleted_at": None}
    )
    return (upload for upload in found if (upload.get("reopened_at") or cutoff) <= cutoff)


def upload(db: Database, upload_id: str) -> Document | None:
    return db.uploads.find_one({"_id": upload_id})


def image_ids_of_upload(db: Database, upload_id: str) -> list[str]:
    return [image["_id"] for image in db.images.find({"upload_id": upload_id})]


def images_of_upload_in_order(db: Database, upload_id: str) -> list[Document]:
    return sorted(db.images.find({"upload_id": upload_id}), key=lambda image: image["index"])


def delete_images_and_texts(db: Database, image_ids: list[str]) -> None:
    for image_id in image_ids:
        db.ocr_layouts.delete_one({"_id": image_id})
        db.ocr_results.delete_one({"_id": image_id})
        db.images.delete_one({"_id": image_id})


def delete_readings(db: Database, upload: Document) -> None:
    """The upload's completion records and its fixes of corners: one of each per reading, by
    `_id` (FerretDB reads a whole collection for any other filter)."""
    last = latest_reading(db, upload["_id"], upload.get("readings", 0))
    # The last first: a run that dies midway leaves no gap for the next run's probe to stop at.
    for reading in range(last, -1, -1):
        db.upload_completions.delete_one({"_id": completion_id(upload["_id"], reading)})
        if reading:
            db.page_fixes.delete_one({"_id": page_fix_id(upload["_id"], reading)})


def delete_upload(db: Database, upload_id: str) -> None:
    db.uploads.delete_one({"_id": upload_id})


# --- decks and their builds ------------------------------------------------------------------


def decks_deleted_before(db: Database, cutoff: datetime) -> Iterable[Document]:
    return db.decks.find({"deleted_at": {"$ne": None, "$lt": cutoff}}, {"spec": 0})


def decks_created_before(db: Database, cutoff: datetime) -> Iterable[Document]:
    """Decks older than the cutoff that nobody deleted, without their (large) spec."""
    return db.decks.find({"created_at": {"$lt": cutoff}, "deleted_at": None}, {"spec": 0})


def deck_ids_created_before(db: Database, cutoff: datetime) -> list[str]:
    found = db.decks.find({"created_at": {"$lt": cutoff}, "deleted_at": None}, {"_id": 1})
    return [deck["_id"] for deck in found]


def revisions_requested_before(db: Database, cutoff: datetime) -> list[tuple[str, int]]:
    """(deck id, revision) of each revision after the first asked for before the cutoff."""
    found = db.deck_revisions.find({"created_at": {"$lt": cutoff}}, {"deck_id": 1, "revision": 1})
    return [(revision["deck_id"], revision["revision"]) for revision in found]


def revisions_finished_among(
    db: Database, deck_ids: list[str], finished: Iterable[str]
) -> dict[str, int]:
    """The revision each of these decks' builds finished (in one of the `finished` states)."""
    found = db.deck_builds.find(
        {"_id": {"$in": deck_ids}, "status": {"$in": list(finished)}}, {"revision": 1}
    )
    return {build["_id"]: build.get("revision", 1) for build in found}


def builds_with_older_revisions(db: Database) -> Iterable[Document]:
    """Builds whose deck has revisions older than the one built, whose files may be left."""
    return db.deck_builds.find(
        {"built_revision": {"$gt": 1}}, {"user_id": 1, "built_revision": 1, "file_path": 1}
    )


def deck_to_purge(db: Database, deck_id: str) -> Document | None:
    return db.decks.find_one({"_id": deck_id}, {"spec": 0, "outbox": 0})


def deck_owner(db: Database, deck_id: str) -> Document | None:
    """The deck's `user_id` and `deleted_at`, or None if it is gone."""
    return db.decks.find_one({"_id": deck_id}, {"user_id": 1, "deleted_at": 1})


def build_status(db: Database, deck_id: str) -> tuple[str | None, int]:
    """The status of the deck's latest build attempt, and which revision it was of."""
    build = db.deck_builds.find_one({"_id": deck_id}, {"status": 1, "revision": 1}) or {}
    return build.get("status"), build.get("revision", 1)


def delete_build(db: Database, deck_id: str) -> None:
    db.deck_builds.delete_one({"_id": deck_id})


def delete_revisions(db: Database, deck_id: str, latest: int) -> None:
    """The deck's revisions `latest` down to 2 (revision 1 is the deck's own document). Newest
    first: the latest revision is found by counting up from 1 without a gap, so a purge cut
    short leaves revisions a rerun still finds, never ones above a gap."""
    for revision in range(latest, 1, -1):
        db.deck_revisions.delete_one({"_id": revision_id(deck_id, revision)})


def delete_pdfs(db: Database, deck_id: str, revisions: Iterable[int]) -> None:
    """These revisions' PDF requests (the gateway's) and their outcomes (the deck service's),
    by `_id` alone (any other filter scans on FerretDB)."""
    for revision in revisions:
        db.deck_pdf_requests.delete_one({"_id": pdf_id(deck_id, revision)})
        db.deck_pdfs.delete_one({"_id": pdf_id(deck_id, revision)})
        deck_outcomes.forget_pdf(db, deck_id, revision)


def delete_deck(db: Database, deck_id: str) -> None:
    db.decks.delete_one({"_id": deck_id})


# --- a deleted account: everything of one person ---------------------------------------------


def account_deletion(db: Database, user_id: str) -> Document | None:
    """The person's deletion record (`jaryo_shared.account_deletions`) while a purge is owed."""
    return db[account_deletions.COLLECTION].find_one({"_id": user_id})


def upload_ids_of_user(db: Database, user_id: str) -> list[str]:
    """Every upload of the person, deleted or not, whatever its status (a scan: an upload whose
    listing entry is missing is found too)."""
    return [upload["_id"] for upload in db.uploads.find({"user_id": user_id}, {"_id": 1})]


def deck_ids_of_user(db: Database, user_id: str) -> list[str]:
    return [deck["_id"] for deck in db.decks.find({"user_id": user_id}, {"_id": 1})]


def templates_of_user(db: Database, user_id: str) -> list[Document]:
    return list(db.templates.find({"user_id": user_id}, {"file_path": 1}))


def delete_template(db: Database, template_id: str) -> None:
    db.templates.delete_one({"_id": template_id})


def collection_names(db: Database) -> list[str]:
    return sorted(db.list_collection_names())


def delete_account_and_webhooks(db: Database, user_id: str) -> None:
    db.users.delete_one({"_id": user_id})
    db.webhooks.delete_many({"user_id": user_id})


# The collections whose documents are keyed by a person without a `user_id` field, and how: the
# account and its usage by the id itself, idempotency keys as `{id}:{key}`, the gateway's locks
# as `{action}:{id}`. Anchored to those shapes: another person's idempotency key may be this
# person's id (`{other}:{id}`), and that record is not this person's.
KEYED_BY_USER = {
    "users": "^{user}$",
    "upload_usage": "^{user}$",
    "idempotency_keys": "^{user}:",
    "user_locks": ":{user}$",
}


def delete_documents_of_user(db: Database, collection: str, user_id: str) -> int:
    """Every document of the collection that is the person's: its `user_id` is theirs, or its
    `_id` is keyed by them (KEYED_BY_USER). One scan of the collection (FerretDB reads it whole
    for this filter)."""
    mine: dict[str, Any] = {"user_id": user_id}
    keyed = KEYED_BY_USER.get(collection)
    if keyed is not None:
        pattern = keyed.format(user=re.escape(user_id))
        mine = {"$or": [mine, {"_id": {"$regex": pattern}}]}
    return int(db[collection].delete_many(mine).deleted_count)


# --- the webhook service's delivery log ------------------------------------------------------


def count_webhook_attempts_before(db: Database, cutoff: datetime) -> int:
    return db.webhook_attempts.count_documents({"at": {"$lt": cutoff}})


def delete_webhook_attempts_before(db: Database, cutoff: datetime) -> None:
    db.webhook_attempts.delete_many({"at": {"$lt": cutoff}})


# --- orphans and dangling images -------------------------------------------------------------


def exists(db: Database, collection: str, document_id: str) -> bool:
    return by_id(db[collection], document_id, {"_id": 1}) is not None


def stored_images(db: Database) -> Iterable[Document]:
    """Stored images with their original's key and whether they are already marked dangling."""
    return db.images.find({"storage.status": "stored"}, {"image_path": 1, "dangling": 1})


def mark_dangling(db: Database, image_id: str) -> None:
    db.images.update_one({"_id": image_id}, {"$set": {"dangling": True}})


# --- records that expire ---------------------------------------------------------------------


def expired_ids(db: Database, collection: str, now: datetime) -> list[Any]:
    return [
        record["_id"] for record in db[collection].find({"expires_at": {"$lte": now}}, {"_id": 1})
    ]


def delete_record(db: Database, collection: str, record_id: Any) -> None:
    db[collection].delete_one({"_id": record_id})
