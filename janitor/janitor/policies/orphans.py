"""Objects with no document, and documents whose objects are gone.

- An object in the images or decks bucket whose upload, deck or template document does not
  exist is deleted once it is older than `JARYO_ORPHAN_HOURS` (default 24: a request may still be
  writing its documents). Staged files have their own, shorter policy.
- A stored image whose original is missing is marked `dangling` and reported in the log; nothing
  is deleted, since that is a fault to look into, not retention.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned

log = logging.getLogger(__name__)

NAME = "orphan-objects"
DANGLING = "dangling-images"
OWNERS = (
    (re.compile(r"^[^/]+/upload([0-9a-f]+)/"), "uploads"),
    (re.compile(r"^[^/]+/deck([0-9a-f]+)/"), "decks"),
    (re.compile(r"^[^/]+/templates/([0-9a-f]+)\.pptx$"), "templates"),
)


def plan(deps: Dependencies) -> list[Planned]:
    cutoff = deps.clock.now() - timedelta(hours=deps.settings.orphan_hours)
    known: dict[tuple[str, str], bool] = {}
    planned = []
    for bucket in (deps.settings.bucket_images, deps.settings.bucket_decks):
        for obj in deps.store.listing(bucket):
            if obj.last_modified >= cutoff:
                continue
            owner = _owner(obj.key)
            if owner is None:
                continue
            if owner not in known:
                collection, owner_id = owner
                known[owner] = records.exists(deps.db, collection, owner_id)
            if not known[owner]:
                planned.append(Planned(NAME, f"{bucket}/{obj.key}", [(bucket, obj.key, obj.size)]))
    return planned + _dangling(deps)


def purge(deps: Dependencies, planned: Planned) -> None:
    if planned.policy == DANGLING:
        log.error("image %s is stored but its original is gone; marked dangling", planned.subject)
        records.mark_dangling(deps.db, planned.subject)
        return
    for bucket, key, _ in planned.objects:
        deps.store.delete(bucket, key)


def _owner(key: str) -> tuple[str, str] | None:
    for pattern, collection in OWNERS:
        match = pattern.match(key)
        if match:
            return collection, match.group(1)
    return None


def _dangling(deps: Dependencies) -> list[Planned]:
    """Stored images whose original is gone, not yet marked."""
    found = []
    for image in records.stored_images(deps.db):
        if image.get("dangling"):
            continue
        if deps.store.size(deps.settings.bucket_images, image["image_path"]) is None:
            found.append(Planned(DANGLING, image["_id"]))
    return found
