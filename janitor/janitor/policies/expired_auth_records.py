"""The gateway's auth records past their `expires_at` are deleted: rate-limit slots of ended
windows, refresh tokens and their redemptions once the token itself has expired, and revoked
sign-ins once no token of theirs can still be valid. None of them decides anything after that
time, and FerretDB has no TTL index to drop them; left alone, every username an attacker tries
would stay a document."""

from __future__ import annotations

from janitor import records
from janitor.bootstrap import Dependencies
from janitor.policies import Planned

NAME = "expired-auth-records"
COLLECTIONS = ("rate_limits", "refresh_tokens", "refresh_redemptions", "refresh_family_revocations")


def plan(deps: Dependencies) -> list[Planned]:
    now = deps.clock.now()
    return [
        Planned(NAME, f"{collection}/{record_id}")
        for collection in COLLECTIONS
        for record_id in records.expired_ids(deps.db, collection, now)
    ]


def purge(deps: Dependencies, planned: Planned) -> None:
    collection, _, record_id = planned.subject.partition("/")
    records.delete_record(deps.db, collection, record_id)
