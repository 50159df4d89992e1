"""The gateway's auth records past their `expires_at` are deleted by the janitor; the rest stay."""

from __future__ import annotations

from datetime import timedelta

from janitor.policies import expired_auth_records
from tests.unit.janitor_world import START, World, run_policy


def test_auth_records_past_their_expiry_go_and_live_ones_stay() -> None:
    world = World()
    for collection in expired_auth_records.COLLECTIONS:
        world.db[collection].insert_one({"_id": "ended", "expires_at": START})
        world.db[collection].insert_one({"_id": "live", "expires_at": START + timedelta(seconds=1)})

    planned = run_policy(expired_auth_records, world.janitor(START))

    assert sorted(item.subject for item in planned) == sorted(
        f"{collection}/ended" for collection in expired_auth_records.COLLECTIONS
    )
    for collection in expired_auth_records.COLLECTIONS:
        assert [d["_id"] for d in world.db[collection].find()] == ["live"]
