"""A person's uploads as `GET /v1/uploads` lists them, kept small enough to read whole.

FerretDB 1.24 on SQLite answers every query by reading the whole collection, `_id` lookups too
(docs/listings.md measures it): a listing read from `uploads` costs seconds at 50,000 uploads. So
each upload also has an entry in one of `listings.PARTITIONS` small collections
(`upload_listings_000` ...), chosen by its owner, and a listing reads the owner's partition alone.
Entries are inserted once and never updated (FerretDB can lose one of two concurrent updates):
the entry when the upload is recorded, and a mark with its final status once it is settled.
An upload read again after a fix of a page's corners (its reading N) is settled again: a
`reopened` entry of reading N hides the earlier marks until a mark of reading N is inserted.
DELETE and the janitor's purge delete them all. On MongoDB the index on `user_id`
(database.INDEXES) serves the same read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from pymongo.database import Database

from jaryo_shared import listings
from jaryo_shared.listings import BATCH, insert_all_new, insert_new

log = logging.getLogger(__name__)

FAMILY = "upload_listings"
# What the listing shows of an upload that never changes once it is recorded.
LISTED = ("user_id", "created_at", "image_type", "image_count")
SETTLED = ("completed", "partial", "failed")  # settled for good, unless read again
MARKED = ":settled"  # the suffix of a first reading's mark's `_id`


def collection_name(user_id: str) -> str:
    """The partition of this person's entries: the same for every process, on every run."""
    return listings.partition_name(FAMILY, user_id)


def all_collection_names() -> list[str]:
    return listings.partition_names(FAMILY)


def mark_id(upload_id: str, reading: int = 0) -> str:
    return f"{upload_id}{MARKED}" if reading == 0 else f"{upload_id}{MARKED}:{reading}"


def _reopened_id(upload_id: str, reading: int) -> str:
    return f"{upload_id}:reopened:{reading}"


def add(db: Database, upload: dict[str, Any]) -> None:
    """List the upload (before its document is written: a crash between leaves an entry whose
    upload is missing, which the listing skips). A retried request's second add is a no-op."""
    insert_new(db[collection_name(upload["user_id"])], _entry(upload))


def mark_settled(db: Database, upload: dict[str, Any]) -> None:
    """Keep the upload's final status beside its entry, so the listing need not read `uploads`
    for it again; nothing for an upload still processing."""
    if upload["status"] in SETTLED:
        insert_new(db[collection_name(upload["user_id"])], _mark(upload))


def reopen(db: Database, user_id: str, upload_id: str, reading: int) -> None:
    """The upload is being read again (its `reading`): its earlier marks no longer hold."""
    insert_new(
        db[collection_name(user_id)],
        {
            "_id": _reopened_id(upload_id, reading),
            "user_id": user_id,
            "upload_id": upload_id,
            "reading": reading,
        },
    )


def _entry(upload: dict[str, Any]) -> dict[str, Any]:
    return {"_id": upload["_id"], **{field: upload[field] for field in LISTED}}


def _mark(upload: dict[str, Any]) -> dict[str, Any]:
    reading = upload.get("readings", 0)
    return {
        "_id": mark_id(upload["_id"], reading),
        "user_id": upload["user_id"],
        "upload_id": upload["_id"],
        "reading": reading,
        "status": upload["status"],
    }


def forget(db: Database, user_id: str, upload_id: str) -> None:
    """The upload leaves the listing (DELETE, the janitor's purge)."""
    partition = db[collection_name(user_id)]
    partition.delete_one({"_id": upload_id})
    partition.delete_one({"_id": mark_id(upload_id)})  # marks made before `upload_id` was kept
    partition.delete_many({"user_id": user_id, "upload_id": upload_id})


def of_user(db: Database, user_id: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The person's entries, in no particular order, and the settled statuses by upload id:
    an upload's latest reading's, and none while a later reading is under way."""
    entries: list[dict[str, Any]] = []
    marks: dict[str, tuple[int, str]] = {}
    reopened: dict[str, int] = {}
    for found in db[collection_name(user_id)].find({"user_id": user_id}):
        upload_id, _, kind = found["_id"].partition(":")
        reading = int(found.get("reading", 0))
        if not kind:
            entries.append(found)
        elif kind.startswith("reopened"):
            reopened[upload_id] = max(reading, reopened.get(upload_id, 0))
        elif reading >= marks.get(upload_id, (-1, ""))[0]:
            marks[upload_id] = (reading, found["status"])
    statuses = {
        upload_id: status
        for upload_id, (reading, status) in marks.items()
        if reading >= reopened.get(upload_id, 0)
    }
    return entries, statuses


def listed_ids(db: Database) -> Iterator[str]:
    """Every listed upload's id, from every partition (the backfill's check)."""
    for name in all_collection_names():
        for found in db[name].find({}, {"_id": 1}):
            if ":" not in found["_id"]:  # not a mark or a reopening
                yield found["_id"]


def backfill(db: Database) -> int:
    """List the live uploads recorded before listings existed (run by provision, before the
    services start; a second run adds nothing). Returns how many it listed."""
    listed = set(listed_ids(db))
    owed: dict[str, list[dict[str, Any]]] = {}
    added = 0
    fields = dict.fromkeys((*LISTED, "status"), 1)
    for upload in db.uploads.find({"deleted_at": None}, fields):
        if upload["_id"] in listed:
            continue
        if not all(field in upload for field in fields):  # not as the gateway writes one
            log.warning("upload %s lacks a listed field; not listed", upload["_id"])
            continue
        name = collection_name(upload["user_id"])
        marked = [_mark(upload)] if upload["status"] in SETTLED else []
        owed.setdefault(name, []).extend([_entry(upload), *marked])
        added += 1
        if len(owed[name]) >= BATCH:  # a batch at a time: provision runs in little memory
            insert_all_new(db[name], owed.pop(name))
    for name, documents in owed.items():
        insert_all_new(db[name], documents)
    return added
