"""An upload a person deleted is purged after the grace period: its objects, images, texts and
completion record go, `upload.expired` says so, and the upload document goes last, so a purge
that S3 or the broker interrupts is found and finished by the next run."""

from __future__ import annotations

import pytest

from janitor.policies import deleted_uploads
from jaryo_shared import events, upload_listings
from tests.unit.janitor_world import MINUTE, START, USER, BrokerDown, S3Down, World, run_policy

DELETED_AT = START + 5 * MINUTE
EXPIRED = events.UploadExpired.event_type


def _deleted(world: World, upload_id: str = "aa01", images: int = 2) -> list[tuple[str, str]]:
    objects = world.upload(upload_id, images=images, deleted_at=DELETED_AT)
    world.db.upload_deletions.insert_one(
        {"_id": upload_id, "user_id": USER, "deleted_at": DELETED_AT}
    )
    return objects


def _left_of(world: World, upload_id: str) -> dict[str, int]:
    """How much of the upload is still anywhere."""
    image_ids = [f"{upload_id}-i{n}" for n in range(2)]
    return {
        "objects": len(world.upload_objects(upload_id)),
        "images": world.db.images.count_documents({"upload_id": upload_id}),
        "texts": sum(world.db.ocr_results.find_one({"_id": i}) is not None for i in image_ids),
        "completion": world.db.upload_completions.count_documents({"_id": upload_id}),
        "deletion": world.db.upload_deletions.count_documents({"_id": upload_id}),
        "upload": world.db.uploads.count_documents({"_id": upload_id}),
    }


NOTHING = {"objects": 0, "images": 0, "texts": 0, "completion": 0, "deletion": 0, "upload": 0}


def test_deleted_upload_is_kept_through_the_grace_period() -> None:
    world = World()
    _deleted(world)
    assert run_policy(deleted_uploads, world.janitor(DELETED_AT + 9 * MINUTE)) == []
    assert _left_of(world, "aa01")["upload"] == 1


def test_deleted_upload_loses_its_images_texts_and_objects_after_the_grace_period() -> None:
    world = World()
    objects = _deleted(world)
    world.upload("bb02", images=1)  # another upload, not deleted

    run_policy(deleted_uploads, world.janitor(DELETED_AT + 11 * MINUTE))

    assert _left_of(world, "aa01") == NOTHING
    assert world.db.uploads.count_documents({"_id": "bb02"}) == 1
    assert len(world.upload_objects("bb02")) == 2
    [expired] = world.events(EXPIRED)
    assert expired == {
        "upload_id": "aa01",
        "user_id": USER,
        "reason": "deleted",
        "objects": len(objects),
        "bytes": 10 * len(objects),
    }


def test_s3_failing_midway_leaves_the_upload_for_the_next_run_to_finish() -> None:
    world = World()
    _deleted(world)
    world.store.deletes_left = 1
    with pytest.raises(S3Down):
        run_policy(deleted_uploads, world.janitor(DELETED_AT + 11 * MINUTE))
    assert _left_of(world, "aa01")["upload"] == 1  # still found by the next run
    assert world.publisher.published == []

    world.store.deletes_left = None
    run_policy(deleted_uploads, world.janitor(DELETED_AT + 16 * MINUTE))

    assert _left_of(world, "aa01") == NOTHING
    assert len(world.events(EXPIRED)) == 1


def test_broker_down_keeps_the_upload_until_its_expiry_event_is_sent_with_the_same_id() -> None:
    world = World()
    _deleted(world)
    world.publisher.fail_with = BrokerDown()
    with pytest.raises(BrokerDown):
        run_policy(deleted_uploads, world.janitor(DELETED_AT + 11 * MINUTE))
    assert _left_of(world, "aa01")["upload"] == 1

    world.publisher.fail_with = None
    run_policy(deleted_uploads, world.janitor(DELETED_AT + 16 * MINUTE))

    assert _left_of(world, "aa01") == NOTHING
    [sent] = world.publisher.published
    # A consumer that saw an earlier send recognises the repeat by its id.
    assert sent.id == "expired-aa01"


def test_purging_an_upload_already_gone_does_nothing() -> None:
    world = World()
    _deleted(world)
    deps = world.janitor(DELETED_AT + 11 * MINUTE)
    [item] = deleted_uploads.plan(deps)
    deleted_uploads.purge(deps, item)
    deleted_uploads.purge(deps, item)  # a second janitor's stale plan
    assert len(world.events(EXPIRED)) == 1


def test_a_purged_upload_leaves_nothing_in_the_listing() -> None:
    world = World()
    _deleted(world)
    # Listed and marked settled before the DELETE removed it, which a crash may have cut short.
    listed = {"_id": "aa01", "user_id": USER, "created_at": START, "status": "completed"}
    listed |= {"image_type": "mixed-printed", "image_count": 2}
    upload_listings.add(world.db, listed)  # type: ignore[arg-type]
    upload_listings.mark_settled(world.db, listed)  # type: ignore[arg-type]

    run_policy(deleted_uploads, world.janitor(DELETED_AT + 11 * MINUTE))

    assert world.db[upload_listings.collection_name(USER)].count_documents({}) == 0
