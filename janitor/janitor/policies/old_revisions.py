"""A deck's older revisions' files and previews are deleted once a newer revision is built and
has been for `JARYO_DELETED_GRACE_MINUTES` (default 10: a download of the older file may still
be running). The API only ever serves the latest revision built; the revisions' specs stay
with the deck until it is purged."""

from __future__ import annotations

from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned
from jaryo_shared.keys import deck_prefix, revision_of_deck_key

NAME = "old-revisions"


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(minutes=deps.settings.deleted_grace_minutes)
    planned = []
    for build in records.builds_with_older_revisions(deps.db):
        deck_id, user_id = build["_id"], build["user_id"]
        stored = list(deps.store.listing(deps.settings.bucket_decks, deck_prefix(user_id, deck_id)))
        built_at = [obj.last_modified for obj in stored if obj.key == build["file_path"]]
        if not built_at or built_at[0] >= cutoff:
            continue
        older = [
            (deps.settings.bucket_decks, obj.key, obj.size)
            for obj in stored
            if revision_of_deck_key(obj.key, user_id, deck_id) < build["built_revision"]
        ]
        if older:
            planned.append(Planned(NAME, deck_id, older))
    return planned


def purge(deps: Dependencies, planned: Planned) -> None:
    """The objects (their PDFs among them: keys.deck_pdf_key), then the records of those
    revisions' PDFs, which pointed at them; nothing else points at an older revision's files."""
    revisions = set()
    for bucket, key, _ in planned.objects:
        deps.store.delete(bucket, key)
        user_id = key.split("/", 1)[0]
        revisions.add(revision_of_deck_key(key, user_id, planned.subject))
    records.delete_pdfs(deps.db, planned.subject, sorted(revisions))
