"""MongoDB access (pymongo) and the indexes of Jaryo's collections.

Locally the server is FerretDB on SQLite, so nothing here relies on transactions, TTL indexes,
change streams or $lookup. Nor on atomic updates: FerretDB 1.x applies an update by reading and
rewriting the whole document, so two concurrent updates of one document can lose one of them
(even two `$inc`s). Hence each document has one writer at a time: the storage service writes
`images`, the OCR service `ocr_results`, the deck service `deck_builds` (the gateway owns
`uploads` and `decks`), and an upload is settled by inserting its `upload_completions` record,
whose unique `_id` lets only one service win. The one document with two writers, the upload
(DELETE and the settle), keeps the deletion in `upload_deletions` too, so a lost write is
restored (upload_deletions.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient
from pymongo.collection import Collection
from pymongo.database import Database

from jaryo_shared import deck_listings, upload_listings
from jaryo_shared.settings import Settings

INDEXES: dict[str, list[IndexModel]] = {
    "users": [IndexModel([("username_key", ASCENDING)], unique=True, name="username_unique")],
    "uploads": [
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user_newest"),
        IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending"),
    ],
    "images": [
        IndexModel([("upload_id", ASCENDING), ("index", ASCENDING)], name="by_upload"),
        IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending"),
    ],
    "ocr_results": [
        IndexModel([("upload_id", ASCENDING)], name="by_upload"),
        IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending"),
    ],
    "upload_completions": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "page_fixes": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "refresh_tokens": [IndexModel([("user_id", ASCENDING)], name="by_user")],
    "decks": [
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="by_user_newest"),
        IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending"),
    ],
    "deck_revisions": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "deck_builds": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "deck_pdf_requests": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "deck_pdfs": [IndexModel([("outbox_pending", ASCENDING)], name="outbox_pending")],
    "templates": [IndexModel([("user_id", ASCENDING)], name="by_user")],
    "webhooks": [IndexModel([("user_id", ASCENDING)], name="by_user")],
    "webhook_attempts": [IndexModel([("hook_id", ASCENDING)], name="by_hook")],
    # What a listing reads on MongoDB (FerretDB 1.24 reads the small partition whole).
    **{
        name: [IndexModel([("user_id", ASCENDING)], name="by_user")]
        for name in (
            *upload_listings.all_collection_names(),
            *deck_listings.all_collection_names(),
        )
    },
}


def by_id(
    collection: Collection, document_id: str, projection: dict[str, int] | None = None, **match: Any
) -> dict[str, Any] | None:
    """The document with this `_id` if its fields equal `match` (e.g. the caller's user_id).

    Looked up by `_id` alone and checked here: FerretDB 1.x on SQLite hands a filter that is
    exactly `{_id: ...}` to SQLite, and decodes every document itself for any other (measured
    with 300 documents of 50 kB: 9 ms vs 130 ms). SQLite still reads the rows in turn up to the
    match (its `_id` index is not used, docs/listings.md): a miss in 50,000 uploads costs about
    200 ms."""
    document = collection.find_one({"_id": document_id}, projection)
    if document is None or any(document.get(key) != value for key, value in match.items()):
        return None
    return document


def connect(settings: Settings) -> MongoClient:
    return MongoClient(
        settings.mongo_url,
        serverSelectionTimeoutMS=settings.mongo_timeout_ms,
        connectTimeoutMS=settings.mongo_timeout_ms,
        # A server that stops answering mid-request would otherwise hold the caller for good.
        socketTimeoutMS=settings.mongo_socket_timeout_ms,
        tz_aware=True,
        appname=settings.service_name,
    )


def database(client: MongoClient, settings: Settings) -> Database:
    return client[settings.mongo_db]


def ensure_indexes(db: Database) -> None:
    # One index per command: FerretDB 1.24 panics (drops the connection) on a createIndexes
    # that names several indexes which all exist already.
    for collection, indexes in INDEXES.items():
        for index in indexes:
            db[collection].create_indexes([index])


def start_attempt(
    collection: Collection, document_id: str, status: str, now: datetime, **fields: Any
) -> None:
    """Count one more attempt at a document's work before the work starts (upserted: the first
    attempt creates it), so the next delivery knows if this one took its process down."""
    collection.update_one(
        {"_id": document_id},
        {"$set": {**fields, "status": status, "started_at": now}, "$inc": {"attempts": 1}},
        upsert=True,
    )
