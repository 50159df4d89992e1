"""Accounts their owners deleted (`DELETE /v1/me`) are purged after the grace period for deleted
uploads (in-flight work of the account settles meanwhile): every upload and deck of the person
the way their own purges go (each with its `upload.expired` or `deck.expired`), their templates,
every object left under `{user_id}/` in every bucket, and every document of any collection that
is theirs; then `user.deleted` tells other teams to forget the user, and the deletion record goes
last, so a purge cut short is found and finished by the next run. Every step is idempotent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from janitor.policies.deleted_uploads import plan_objects, purge_upload
from janitor.policies.retention import plan_deck, purge_deck
from jaryo_shared import account_deletions, deck_listings, events, upload_listings

log = logging.getLogger(__name__)

NAME = "deleted-accounts"
SOURCE = "jaryo/janitor"
# The collections known to hold a person's documents (docs/architecture.md names the janitor
# as deleting there on an account's purge). The sweep is not bounded by them: it goes through
# every collection of the database, so one added later is swept too.
HOLDING_USERS = (
    "users",
    "refresh_tokens",
    "refresh_redemptions",
    "refresh_family_revocations",
    "idempotency_keys",
    "upload_usage",
    "user_locks",
    "uploads",
    "upload_listings",
    "upload_deletions",
    "decks",
    "deck_listings",
    "deck_builds",
    "templates",
)


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.deleted_grace_minutes)
    return [
        _plan_account(deps, deletion["_id"])
        for deletion in account_deletions.requested_before(deps.db, cutoff)
    ]


def _plan_account(deps: Dependencies, user_id: str) -> Planned:
    """Every object of the person, in every bucket (uploads, decks and templates alike)."""
    objects = [
        (bucket, obj.key, obj.size)
        for bucket in deps.settings.buckets
        for obj in deps.store.listing(bucket, _prefix(user_id))
    ]
    return Planned(NAME, user_id, objects)


def purge(deps: Dependencies, planned: Planned) -> None:
    user_id = planned.subject
    deletion = records.account_deletion(deps.db, user_id)
    if deletion is None:
        return  # purged already (a second janitor's stale plan)
    # First what acts for the person: the account (left if the gateway stopped between its
    # record and its delete) and its webhooks, which would otherwise be sent the expiry events
    # of the purge below.
    records.delete_account_and_webhooks(deps.db, user_id)
    uploads = _purge_uploads(deps, user_id)
    decks = _purge_decks(deps, user_id)
    templates = _purge_templates(deps, user_id)
    # What the purges above left (an object whose document was never written, a revision's
    # files of a deck already gone), and what came since the plan.
    for bucket in deps.settings.buckets:
        for obj in list(deps.store.listing(bucket, _prefix(user_id))):
            deps.store.delete(bucket, obj.key)
    swept = _sweep(deps, user_id)
    log.info(
        "purged account %s: %d uploads, %d decks, %d templates, %d objects; swept %s",
        user_id,
        uploads,
        decks,
        templates,
        len(planned.objects),
        swept,
    )
    deleted = events.UserDeleted(
        user_id=user_id,
        requested_at=deletion["requested_at"],
        uploads=uploads,
        decks=decks,
        templates=templates,
        objects=len(planned.objects),
        bytes=planned.bytes,
    )
    # A fixed id: if the janitor dies before the record goes, the re-sent event is the same.
    deps.publisher.publish(
        events.wrap(deleted, source=SOURCE, subject=user_id, event_id=f"user-deleted-{user_id}")
    )
    account_deletions.forget(deps.db, user_id)


def _prefix(user_id: str) -> str:
    return f"{user_id}/"  # everything of a person lives under it (jaryo_shared.keys)


def _purge_uploads(deps: Dependencies, user_id: str) -> int:
    """Each upload of the person, deleted or not, whatever its status: those their listing
    names and those a scan of `uploads` finds (a listing entry may be missing)."""
    entries, _ = upload_listings.of_user(deps.db, user_id)
    upload_ids = {entry["_id"] for entry in entries} | set(
        records.upload_ids_of_user(deps.db, user_id)
    )
    purged = 0
    for upload_id in sorted(upload_ids):
        upload = {"_id": upload_id, "user_id": user_id}
        if records.upload(deps.db, upload_id) is None:
            upload_listings.forget(deps.db, user_id, upload_id)  # an entry without its upload
            continue
        purge_upload(deps, plan_objects(deps, upload, NAME), "deleted")
        purged += 1
    return purged


def _purge_decks(deps: Dependencies, user_id: str) -> int:
    listed = {listed.deck["deck_id"] for listed in deck_listings.of_user(deps.db, user_id)}
    deck_ids = listed | set(records.deck_ids_of_user(deps.db, user_id))
    purged = 0
    for deck_id in sorted(deck_ids):
        if records.deck_owner(deps.db, deck_id) is None:
            deck_listings.forget(deps.db, user_id, deck_id)  # an entry without its deck
            continue
        purge_deck(deps, plan_deck(deps, {"_id": deck_id, "user_id": user_id}, NAME), "deleted")
        purged += 1
    return purged


def _purge_templates(deps: Dependencies, user_id: str) -> int:
    """The file first, the document that points at it last."""
    templates = records.templates_of_user(deps.db, user_id)
    for template in templates:
        deps.store.delete(deps.settings.bucket_decks, template["file_path"])
        records.delete_template(deps.db, template["_id"])
    return len(templates)


def _sweep(deps: Dependencies, user_id: str) -> dict[str, int]:
    """Every document of every collection that is the person's, whatever wrote it (listings,
    usage, locks, idempotency keys, refresh tokens, webhooks, collections added later), but the
    deletion record, which goes last. Returns how many went, by collection."""
    swept: dict[str, int] = {}
    # Of the listing partitions, only the person's own can hold their documents (each scan of
    # the others, up to 510 small collections, would find nothing).
    others = {
        *upload_listings.all_collection_names(),
        *deck_listings.all_collection_names(),
    } - {upload_listings.collection_name(user_id), deck_listings.collection_name(user_id)}
    for collection in records.collection_names(deps.db):
        if collection in (account_deletions.COLLECTION, "leases") or collection in others:
            continue
        count = records.delete_documents_of_user(deps.db, collection, user_id)
        if count:
            swept[collection] = count
    return swept
