"""A janitor run over the fakes: one janitor acts at a time (the lease), a dry run lists what a
real run purges and changes nothing, a run that loses its lease stops, a failing policy gives
the lease back; and the staging bucket's lifecycle rule where S3 has one."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from minio.error import S3Error
from prometheus_client import REGISTRY

from janitor.lease import LEASE_ID
from janitor.lifecycle import RULE_ID, install_staging_expiry
from janitor.run import run_once
from tests.unit.janitor_world import DAY, MINUTE, START, S3Down, World

LATER = START + 40 * DAY


def _world() -> World:
    """Something for most policies: old staged files, a deleted upload, an old deck."""
    world = World()
    world.store.put(world.settings.bucket_staging, "staged-a.png")
    world.store.put(world.settings.bucket_staging, "staged-b.png")
    world.upload("aa01", deleted_at=START + MINUTE)
    world.deck("dk01")
    world.db.rate_limits.insert_one({"_id": "slot", "expires_at": START})
    return world


def _snapshot(world: World) -> Any:
    return (  # a collection read for the first time appears, empty: not a write
        {n: copy.deepcopy(c.documents) for n, c in world.db.collections.items() if c.documents},
        dict(world.store.objects),
        list(world.publisher.published),
    )


def _runs(outcome: str) -> float:
    return REGISTRY.get_sample_value("jaryo_janitor_runs_total", {"outcome": outcome}) or 0.0


def test_dry_run_lists_what_a_real_run_then_purges_and_changes_nothing() -> None:
    world = _world()
    before = _snapshot(world)
    said: list[str] = []

    dry = run_once(world.janitor(LATER, retention_days=30), dry_run=True, say=said.append)

    assert _snapshot(world) == before
    assert dry.acted and len(said) == len(dry.planned)
    assert "would purge [staging] staged-a.png: 1 objects, 10 bytes" in said
    real = run_once(world.janitor(LATER, retention_days=30), say=said.append)
    assert [(p.policy, p.subject) for p in real.planned] == [
        (p.policy, p.subject) for p in dry.planned
    ]
    assert world.store.objects == {}
    assert real.totals()["staging"] == {"items": 3, "objects": 3, "bytes": 30}


def test_lease_held_by_another_janitor_stops_this_one() -> None:
    world = _world()
    world.db.leases.insert_one(
        {"_id": LEASE_ID, "holder": "the-other-janitor", "expires_at": LATER + MINUTE}
    )
    before, skipped = _snapshot(world), _runs("skipped")

    report = run_once(world.janitor(LATER, retention_days=30), say=lambda _: None)

    assert (report.acted, report.planned) == (False, [])
    assert _snapshot(world) == before  # the other janitor's lease too
    assert _runs("skipped") == skipped + 1


def test_lease_of_a_janitor_that_died_is_taken_over_once_it_expires() -> None:
    world = _world()
    world.db.leases.insert_one(
        {"_id": LEASE_ID, "holder": "dead-janitor", "expires_at": LATER - timedelta(seconds=1)}
    )
    report = run_once(world.janitor(LATER), say=lambda _: None)
    assert report.acted and world.store.objects.keys().isdisjoint(
        {(world.settings.bucket_staging, "staged-a.png")}
    )
    assert world.db.leases.find() == []  # given back at the end


def test_run_that_loses_its_lease_midway_stops_before_the_next_item() -> None:
    world = _world()
    world.store.delete(world.settings.bucket_staging, "alice/uploadaa01/0.png")
    deleting = world.store.delete

    def taken_over_while_deleting(bucket: str, key: str) -> None:
        deleting(bucket, key)
        world.db.leases.update_one({"_id": LEASE_ID}, {"$set": {"holder": "another-janitor"}})

    world.store.delete = taken_over_while_deleting  # type: ignore[method-assign]
    lost = _runs("lost_lease")

    run_once(world.janitor(LATER), say=lambda _: None)

    assert list(world.store.keys(world.settings.bucket_staging)) == ["staged-b.png"]
    assert world.db.uploads.count_documents({"_id": "aa01"}) == 1  # left for the next run
    assert world.db.leases.find_one({"_id": LEASE_ID})["holder"] == "another-janitor"
    assert _runs("lost_lease") == lost + 1


def test_failing_policy_gives_the_lease_back_and_the_next_run_finishes_the_work() -> None:
    world = _world()
    world.store.deletes_left = 1
    failed = _runs("failed")
    with pytest.raises(S3Down):
        run_once(world.janitor(LATER), say=lambda _: None)
    assert world.db.leases.find() == []
    assert _runs("failed") == failed + 1

    world.store.deletes_left = None
    report = run_once(world.janitor(LATER + MINUTE), say=lambda _: None)
    assert report.acted and world.store.objects == {}
    assert world.db.uploads.find() == []


def test_staging_bucket_gets_a_lifecycle_rule_a_day_after_the_janitors_own_limit() -> None:
    world = World()
    deps = world.janitor(START, staging_retention_hours=30)
    assert install_staging_expiry(deps) == 3  # 30 h -> 2 days, plus one
    assert world.store.rules == {world.settings.bucket_staging: (3, RULE_ID)}


def test_s3_without_lifecycle_rules_is_noted_and_not_fatal() -> None:
    world = World()
    world.store.no_lifecycle = S3Error(None, "NotImplemented", "no lifecycle", "", "", "")  # type: ignore[arg-type]
    assert install_staging_expiry(world.janitor(START)) is None
