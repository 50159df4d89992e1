"""The stuck-upload policy's failure paths beside those in test_settle.py: the broker down while
it settles leaves `upload.completed` owed in the completion record for the relay, and deleted or
young uploads are not settled."""

from __future__ import annotations

import pytest

from janitor.policies import stuck_uploads
from jaryo_shared import events, outbox
from jaryo_shared.clock import FixedClock
from tests.unit.janitor_world import MINUTE, START, BrokerDown, World, run_policy

LATE = START + 61 * MINUTE
COMPLETED = events.UploadCompleted.event_type


def _processing(world: World, upload_id: str, **fields: object) -> None:
    world.db.uploads.insert_one(
        {
            "_id": upload_id,
            "user_id": "alice",
            "status": "processing",
            "created_at": START,
            "deleted_at": None,
            **fields,
        }
    )
    world.db.images.insert_one(
        {
            "_id": f"{upload_id}-i0",
            "upload_id": upload_id,
            "index": 0,
            "storage": {"status": "stored"},
        }
    )


def test_broker_down_while_settling_leaves_upload_completed_owed_not_lost() -> None:
    world = World()
    _processing(world, "aa01")
    world.publisher.fail_with = BrokerDown()
    with pytest.raises(BrokerDown):
        run_policy(stuck_uploads, world.janitor(LATE))
    assert world.db.uploads.find_one({"_id": "aa01"})["status"] == "failed"
    assert world.db.upload_completions.find_one({"_id": "aa01"})["outbox_pending"] is True

    world.publisher.fail_with = None
    relay_clock = FixedClock(LATE + MINUTE)
    assert outbox.relay_once(world.db.upload_completions, world.publisher, relay_clock) == 1  # type: ignore[arg-type]
    [completed] = world.events(COMPLETED)
    assert (completed["upload_id"], completed["status"]) == ("aa01", "failed")
    assert run_policy(stuck_uploads, world.janitor(LATE + MINUTE)) == []  # settled for good


def test_deleted_or_young_processing_uploads_are_not_settled() -> None:
    world = World()
    _processing(world, "deleted", deleted_at=START + MINUTE)
    _processing(world, "young", created_at=START + 2 * MINUTE)
    assert run_policy(stuck_uploads, world.janitor(LATE)) == []
    assert {u["status"] for u in world.db.uploads.find()} == {"processing"}
