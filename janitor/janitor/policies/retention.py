"""Uploads and decks older than the retention period (`JARYO_RETENTION_DAYS`, default 30; 0
keeps them forever) are purged with everything of theirs (a deck's revisions, PDFs and listing
too), and `upload.expired` or `deck.expired` is published. The API shows each one's `expires_at`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from janitor.policies.deleted_uploads import plan_objects, purge_upload
from jaryo_shared import deck_listings, deck_outcomes, events
from jaryo_shared.keys import deck_prefix
from jaryo_shared.read_models.decks import latest_revision

UPLOADS = "retention-uploads"
DECKS = "retention-decks"
DELETED_DECKS = "deleted-decks"
SOURCE = "jaryo/janitor"


def plan(deps: Dependencies) -> list[Planned]:
    """Decks people deleted (after the grace period), then whatever outlived retention."""
    now = deps.clock.now()
    grace = now - timedelta(minutes=deps.settings.deleted_grace_minutes)
    planned = [
        plan_deck(deps, deck, DELETED_DECKS)
        for deck in records.decks_deleted_before(deps.db, grace)
    ]
    days = deps.settings.retention_days
    if not days:
        return planned
    cutoff = now - timedelta(days=days)
    planned += [
        plan_objects(deps, upload, UPLOADS)
        for upload in records.uploads_created_before(deps.db, cutoff)
    ]
    planned += [
        plan_deck(deps, deck, DECKS) for deck in records.decks_created_before(deps.db, cutoff)
    ]
    return planned


def plan_deck(deps: Dependencies, deck: dict[str, Any], policy: str) -> Planned:
    """The deck's objects (every revision's file, PDF and previews, under its prefix)."""
    prefix = deck_prefix(deck["user_id"], deck["_id"])
    objects = [
        (deps.settings.bucket_decks, obj.key, obj.size)
        for obj in deps.store.listing(deps.settings.bucket_decks, prefix)
    ]
    return Planned(policy, deck["_id"], objects)


def purge(deps: Dependencies, planned: Planned) -> None:
    if planned.policy == UPLOADS:
        purge_upload(deps, planned, "retention")
        return
    purge_deck(deps, planned, "deleted" if planned.policy == DELETED_DECKS else "retention")


def purge_deck(
    deps: Dependencies, planned: Planned, reason: Literal["deleted", "retention"]
) -> None:
    """The deck planned (`plan_deck`) with everything of it: out of its owner's listing, its
    objects, PDFs, build, outcomes and revisions, then `deck.expired`, and the deck document
    last, so a purge cut short is found and finished by the next run."""
    deck = records.deck_to_purge(deps.db, planned.subject)
    if deck is None:
        return
    # Out of its owner's listing first: what follows deletes what the listing would show.
    deck_listings.forget(deps.db, deck["user_id"], deck["_id"])
    for bucket, key, _ in planned.objects:
        deps.store.delete(bucket, key)
    latest = latest_revision(deps.db, deck["_id"])
    records.delete_pdfs(deps.db, deck["_id"], range(1, latest + 1))
    records.delete_build(deps.db, deck["_id"])
    deck_outcomes.forget(deps.db, deck["_id"], latest)
    records.delete_revisions(deps.db, deck["_id"], latest)
    expired = events.DeckExpired(
        deck_id=deck["_id"],
        user_id=deck["user_id"],
        reason=reason,
        objects=len(planned.objects),
        bytes=planned.bytes,
    )
    deps.publisher.publish(
        events.wrap(expired, source=SOURCE, subject=deck["_id"], event_id=f"expired-{deck['_id']}")
    )
    records.delete_deck(deps.db, deck["_id"])
