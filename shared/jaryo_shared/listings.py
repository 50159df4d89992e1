"""What every listing family (upload_listings, deck_listings) shares: the partition a person's
entries are in, and inserts of documents that are written once and never updated."""

from __future__ import annotations

import hashlib
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

PARTITIONS = 256
DUPLICATE_KEY = 11000
BATCH = 500  # documents a backfill inserts at once


def partition_name(family: str, user_id: str) -> str:
    """The partition of this person's entries: the same for every process, on every run."""
    digest = hashlib.sha256(user_id.encode()).digest()
    return f"{family}_{int.from_bytes(digest[:4], 'big') % PARTITIONS:03d}"


def partition_names(family: str) -> list[str]:
    return [f"{family}_{number:03d}" for number in range(PARTITIONS)]


def insert_new(partition: Collection, document: dict[str, Any]) -> None:
    """Insert it unless it is there: a document already inserted is the same one."""
    try:
        partition.insert_one(document)
    except DuplicateKeyError:
        pass


def insert_all_new(partition: Collection, documents: list[dict[str, Any]]) -> None:
    """`insert_new` for many documents, a batch a round trip."""
    for first in range(0, len(documents), BATCH):
        try:
            partition.insert_many(documents[first : first + BATCH], ordered=False)
        except BulkWriteError as exc:
            if any(error["code"] != DUPLICATE_KEY for error in exc.details["writeErrors"]):
                raise
