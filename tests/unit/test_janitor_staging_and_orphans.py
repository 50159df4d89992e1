"""The janitor's object policies over the fakes: staged files go at the end of their retention,
objects whose owner document is gone go after the orphan limit, and a stored image whose original
is missing is marked, never deleted."""

from __future__ import annotations

from datetime import timedelta

from janitor.policies import orphans, staging
from jaryo_shared.keys import upload_prefix
from tests.unit.janitor_world import DAY, START, USER, World, run_policy

SECOND = timedelta(seconds=1)


def test_staged_file_goes_just_after_its_retention_and_not_just_before() -> None:
    world = World()
    bucket = world.settings.bucket_staging
    world.store.put(bucket, "old.png", at=START)
    world.store.put(bucket, "newer.png", at=START + SECOND * 2)

    assert run_policy(staging, world.janitor(START + DAY - SECOND)) == []
    planned = run_policy(staging, world.janitor(START + DAY + SECOND))

    assert [item.subject for item in planned] == ["old.png"]
    assert list(world.store.keys(bucket)) == ["newer.png"]


def test_staging_retention_is_the_setting_not_a_fixed_day() -> None:
    world = World()
    world.store.put(world.settings.bucket_staging, "old.png", at=START)
    run_policy(staging, world.janitor(START + timedelta(hours=2), staging_retention_hours=1))
    assert list(world.store.keys(world.settings.bucket_staging)) == []


def _image_object(world: World, upload_id: str, at=START) -> tuple[str, str]:
    key = f"{upload_prefix(USER, upload_id)}0/original.png"
    world.store.put(world.settings.bucket_images, key, at=at)
    return world.settings.bucket_images, key


def test_object_whose_upload_is_gone_is_deleted_after_the_orphan_limit() -> None:
    world = World()
    gone = _image_object(world, "aa01")
    kept = _image_object(world, "bb02")
    world.db.uploads.insert_one({"_id": "bb02", "user_id": USER})

    assert run_policy(orphans, world.janitor(START + DAY - SECOND)) == []
    planned = run_policy(orphans, world.janitor(START + DAY + SECOND))

    assert [(item.policy, item.subject) for item in planned] == [
        (orphans.NAME, f"{gone[0]}/{gone[1]}")
    ]
    assert list(world.store.objects) == [kept]


def test_deck_file_and_template_without_their_documents_go_and_other_keys_stay() -> None:
    world = World()
    decks = world.settings.bucket_decks
    world.store.put(decks, f"{USER}/deckcc03/deck.pptx")
    world.store.put(decks, f"{USER}/templates/dd04.pptx")
    world.store.put(decks, "not-a-known-layout.txt")  # not ours to judge: kept
    world.store.put(decks, f"{USER}/deckee05/deck.pptx")
    world.db.decks.insert_one({"_id": "ee05", "user_id": USER})

    run_policy(orphans, world.janitor(START + 2 * DAY))

    assert sorted(k for _, k in world.store.objects) == [
        f"{USER}/deckee05/deck.pptx",
        "not-a-known-layout.txt",
    ]


def test_stored_image_whose_original_is_missing_is_marked_dangling_and_nothing_is_deleted() -> None:
    world = World()
    world.db.uploads.insert_one({"_id": "aa01", "user_id": USER})
    present = _image_object(world, "aa01")
    world.db.images.insert_one(
        {"_id": "i-here", "image_path": present[1], "storage": {"status": "stored"}}
    )
    world.db.images.insert_one(
        {
            "_id": "i-gone",
            "image_path": "alice/uploadaa01/9/original.png",
            "storage": {"status": "stored"},
        }
    )

    planned = run_policy(orphans, world.janitor(START + 2 * DAY))

    assert [(item.policy, item.subject) for item in planned] == [(orphans.DANGLING, "i-gone")]
    assert world.db.images.find_one({"_id": "i-gone"})["dangling"] is True
    assert "dangling" not in world.db.images.find_one({"_id": "i-here"})
    assert list(world.store.objects) == [present]
    # Marked once: the next run does not report it again.
    assert run_policy(orphans, world.janitor(START + 3 * DAY)) == []
