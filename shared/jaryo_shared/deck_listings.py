"""A person's decks as `GET /v1/decks` lists them, kept small enough to read whole (as
upload_listings keeps uploads; docs/listings.md says why FerretDB needs it).

A deck's partition holds three kinds of document, each inserted once and never updated: the
deck's entry (inserted when the deck is recorded, before its document), one per later revision
(inserted when a PUT claims it: the latest revision is the highest one listed), and a mark per
settled revision with what the listing shows of its build, inserted by the listing when it
first finds that revision's build over. A newer revision makes the older marks stale: they are
keyed by revision. DELETE and the janitor's purge delete all of a deck's documents.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from jaryo_shared import listings
from jaryo_shared.listings import BATCH, insert_all_new, insert_new

FAMILY = "deck_listings"
# What a revision sets that the listing shows (the rest of the deck's row never changes).
REVISED = ("title", "template_id", "slide_count")
DECK, REVISION, SETTLED = "deck", "revision", "settled"  # the kinds of document


@dataclass(frozen=True)
class Listed:
    """One deck as its partition has it: its fields at the latest revision listed, and its
    build as shown when that revision settled (None until then)."""

    deck: dict[str, Any]
    settled: dict[str, Any] | None


def collection_name(user_id: str) -> str:
    return listings.partition_name(FAMILY, user_id)


def all_collection_names() -> list[str]:
    return listings.partition_names(FAMILY)


def add(db: Database, deck: dict[str, Any]) -> None:
    """List the deck as POST records it (before its document: a crash between leaves an entry
    whose deck is missing, which the listing skips). A second add is a no-op."""
    insert_new(db[collection_name(deck["user_id"])], _entry(deck))


def _entry(deck: dict[str, Any]) -> dict[str, Any]:
    return {
        "_id": deck["_id"],
        "kind": DECK,
        "deck_id": deck["_id"],
        "user_id": deck["user_id"],
        "created_at": deck["created_at"],
        **{field: deck[field] for field in REVISED},
    }


def add_revision(db: Database, revision: dict[str, Any]) -> None:
    """List a revision a PUT claimed (`deck_id`, `user_id`, `revision` and REVISED)."""
    insert_new(db[collection_name(revision["user_id"])], _revision(revision))


def _revision(revision: dict[str, Any]) -> dict[str, Any]:
    return {
        "_id": f"{revision['deck_id']}:{REVISION}:{revision['revision']}",
        "kind": REVISION,
        **{field: revision[field] for field in ("deck_id", "user_id", "revision", *REVISED)},
    }


def mark_settled(
    db: Database, user_id: str, deck_id: str, revision: int, shown: dict[str, Any]
) -> None:
    """Keep what the listing shows of this revision's finished build beside the deck, so the
    listing need not read the deck's documents again while it is the latest."""
    insert_new(db[collection_name(user_id)], settled_mark(user_id, deck_id, revision, shown))


def settled_mark(
    user_id: str, deck_id: str, revision: int, shown: dict[str, Any]
) -> dict[str, Any]:
    """The document `mark_settled` inserts (bench/listings.py inserts them in batches)."""
    return {
        "_id": f"{deck_id}:{SETTLED}:{revision}",
        "kind": SETTLED,
        "deck_id": deck_id,
        "user_id": user_id,
        "revision": revision,
        "shown": shown,
    }


def forget(db: Database, user_id: str, deck_id: str) -> None:
    """The deck leaves the listing (DELETE, the janitor's purge); only the owner's documents."""
    partition = db[collection_name(user_id)]
    for document in partition.find({"deck_id": deck_id, "user_id": user_id}, {"_id": 1}):
        partition.delete_one({"_id": document["_id"]})


def of_user(db: Database, user_id: str) -> list[Listed]:
    """The person's decks, in no particular order."""
    found: dict[str, list[dict[str, Any]]] = {DECK: [], REVISION: [], SETTLED: []}
    for document in db[collection_name(user_id)].find({"user_id": user_id}):
        found[document["kind"]].append(document)
    latest: dict[str, dict[str, Any]] = {}
    for revision in found[REVISION]:
        known = latest.get(revision["deck_id"])
        if known is None or revision["revision"] > known["revision"]:
            latest[revision["deck_id"]] = revision
    marks = {(mark["deck_id"], mark["revision"]): mark["shown"] for mark in found[SETTLED]}
    decks = []
    for entry in found[DECK]:
        revised = latest.get(entry["_id"], {"revision": 1})
        deck = {**entry, **{key: revised[key] for key in ("revision", *REVISED) if key in revised}}
        decks.append(Listed(deck, marks.get((deck["_id"], deck["revision"]))))
    return decks


def backfill(db: Database) -> int:
    """List the live decks and their revisions recorded before listings existed (run by
    provision, before the services start; a second run adds nothing). Returns how many decks
    it listed; their builds are marked by the listing that first finds them settled."""
    listed = {
        document["_id"]
        for name in all_collection_names()
        for document in db[name].find({"kind": DECK}, {"_id": 1})
    }
    fields = dict.fromkeys(("user_id", "created_at", *REVISED), 1)
    added = _insert_batched(
        db, (_entry(deck) for deck in db.decks.find({"deleted_at": None}, fields)), listed
    )
    revisions = db.deck_revisions.find(
        {}, dict.fromkeys(("deck_id", "user_id", "revision", *REVISED), 1)
    )
    _insert_batched(db, (_revision(found) for found in revisions if found["deck_id"] in added))
    return len(added)


def _insert_batched(
    db: Database, documents: Iterable[dict[str, Any]], skipped: Container[str] = ()
) -> set[str]:
    """Insert each document not in `skipped` into its owner's partition, a batch at a time
    (provision runs in little memory); returns the ids of the decks they are of."""
    owed: dict[str, list[dict[str, Any]]] = {}
    decks: set[str] = set()
    for document in documents:
        if document["_id"] in skipped:
            continue
        name = collection_name(document["user_id"])
        owed.setdefault(name, []).append(document)
        decks.add(document["deck_id"])
        if len(owed[name]) >= BATCH:
            insert_all_new(db[name], owed.pop(name))
    for name, batch in owed.items():
        insert_all_new(db[name], batch)
    return decks
