"""Staged files older than the staging retention (default 24 h) are deleted. The storage and
OCR services read them within seconds; after that the durable copy is in the images bucket."""

from __future__ import annotations

from datetime import timedelta

from janitor.bootstrap import Dependencies
from janitor.policies import Planned

NAME = "staging"


def plan(deps: Dependencies) -> list[Planned]:
    bucket = deps.settings.bucket_staging
    cutoff = deps.clock.now() - timedelta(hours=deps.settings.staging_retention_hours)
    return [
        Planned(NAME, obj.key, [(bucket, obj.key, obj.size)])
        for obj in deps.store.listing(bucket)
        if obj.last_modified < cutoff
    ]


def purge(deps: Dependencies, planned: Planned) -> None:
    for bucket, key, _ in planned.objects:
        deps.store.delete(bucket, key)
