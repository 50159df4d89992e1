"""An account its owner deleted is purged after the grace period: every upload (listed or not,
deleted or not), deck, template, object and document of the person goes, each upload and deck
with its own expiry event, then one `user.deleted`; the deletion record goes last, so a purge
that S3 or the broker cuts short is finished by the next run. Another person's things stay."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from janitor.policies import deleted_accounts
from janitor.run import run_once
from jaryo_shared import account_deletions, deck_listings, events, upload_listings
from jaryo_shared.keys import template_key
from tests.unit.janitor_world import MINUTE, START, USER, BrokerDown, S3Down, World, run_policy

OTHER = "bob"
ASKED = START + 30 * MINUTE
USER_DELETED = events.UserDeleted.event_type


def _account(world: World) -> None:
    """Alice's: a listed upload, a deleted one, one whose listing entry is missing, a deck,
    a template, a stray object, and the records the gateway keeps of a person."""
    for upload_id, listed, fields in (
        ("aa01", True, {}),
        ("aa02", True, {"deleted_at": START + MINUTE}),
        ("aa03", False, {"status": "processing"}),
    ):
        world.upload(upload_id, images=2, **fields)
        if listed:
            upload_listings.add(world.db, _listed(upload_id, USER))  # type: ignore[arg-type]
    world.deck("dk01")
    deck_listings.add(world.db, _deck_listed("dk01", USER))  # type: ignore[arg-type]
    world.db.templates.insert_one(
        {"_id": "tp01", "user_id": USER, "file_path": template_key(USER, "tp01")}
    )
    world.store.put(world.settings.bucket_decks, template_key(USER, "tp01"), size=50)
    world.store.put(world.settings.bucket_images, f"{USER}/upload-never-recorded/x.png")
    world.db.refresh_tokens.insert_one({"_id": "jti1", "user_id": USER, "expires_at": ASKED})
    world.db.idempotency_keys.insert_one({"_id": f"{USER}:key-1", "upload_id": "aa01"})
    world.db.upload_usage.insert_one({"_id": USER, "uploads": {"aa01": 10}})
    world.db.webhooks.insert_one({"_id": "wh01", "user_id": USER, "url": "https://x.test"})


def _others(world: World) -> dict[str, Any]:
    """Bob's things, as they are now."""
    world.db.uploads.insert_one({"_id": "bb01", "user_id": OTHER, "created_at": START})
    upload_listings.add(world.db, _listed("bb01", OTHER))  # type: ignore[arg-type]
    world.db.decks.insert_one({"_id": "dk02", "user_id": OTHER, "created_at": START})
    world.db.templates.insert_one({"_id": "tp02", "user_id": OTHER, "file_path": "bob/t.pptx"})
    world.db.refresh_tokens.insert_one({"_id": "jti2", "user_id": OTHER, "expires_at": ASKED})
    world.store.put(world.settings.bucket_images, f"{OTHER}/uploadbb01/0/original.png")
    world.store.put(world.settings.bucket_decks, f"{OTHER}/templates/tp02.pptx")
    return _everything(world, OTHER)


def _listed(upload_id: str, user_id: str) -> dict[str, Any]:
    return {
        "_id": upload_id,
        "user_id": user_id,
        "created_at": START,
        "image_type": "mixed-printed",
        "image_count": 2,
        "status": "completed",
    }


def _deck_listed(deck_id: str, user_id: str) -> dict[str, Any]:
    fields = dict.fromkeys(deck_listings.REVISED, "x")
    return {"_id": deck_id, "user_id": user_id, "created_at": START, **fields}


def _deleted(world: World) -> None:
    account_deletions.record(world.db, USER, "alice-name", ASKED)  # type: ignore[arg-type]


def _everything(world: World, who: str) -> dict[str, Any]:
    """Every document that names the person anywhere in it, and every object of theirs."""
    documents = {
        f"{name}/{document_id}": document
        for name, collection in world.db.collections.items()
        for document_id, document in collection.documents.items()
        if who in json.dumps(document, default=str)
    }
    objects = sorted(f"{b}:{k}" for b, k in world.store.objects if who in k)
    return {"documents": documents, "objects": objects}


def test_an_account_is_kept_through_the_grace_period() -> None:
    world = World()
    _account(world)
    _deleted(world)
    before = _everything(world, USER)
    assert run_policy(deleted_accounts, world.janitor(ASKED + 9 * MINUTE)) == []
    assert _everything(world, USER) == before
    assert world.publisher.published == []


def test_a_dry_run_lists_the_account_and_changes_nothing() -> None:
    world = World()
    _account(world)
    _deleted(world)
    before = _everything(world, USER)
    said: list[str] = []

    report = run_once(world.janitor(ASKED + 11 * MINUTE), dry_run=True, say=said.append)

    [planned] = [p for p in report.planned if p.policy == deleted_accounts.NAME]
    assert planned.subject == USER
    assert len(planned.objects) == len(before["objects"])
    assert f"would purge [deleted-accounts] {USER}: {len(planned.objects)} objects" in "\n".join(
        said
    )
    assert _everything(world, USER) == before
    assert world.publisher.published == []


def test_after_the_grace_nothing_of_the_person_is_left_and_others_keep_theirs() -> None:
    world = World()
    _account(world)
    bobs = _others(world)
    _deleted(world)
    objects = len(_everything(world, USER)["objects"])

    run_policy(deleted_accounts, world.janitor(ASKED + 11 * MINUTE))

    assert _everything(world, USER) == {"documents": {}, "objects": []}
    assert world.db.account_deletions.count_documents({}) == 0
    assert _everything(world, OTHER) == bobs
    expired = world.events(events.UploadExpired.event_type)
    assert sorted(e["upload_id"] for e in expired) == ["aa01", "aa02", "aa03"]
    assert [e["deck_id"] for e in world.events(events.DeckExpired.event_type)] == ["dk01"]
    [sent] = [e for e in world.publisher.published if e.type == USER_DELETED]
    assert sent.id == f"user-deleted-{USER}"
    assert sent.data == {
        "user_id": USER,
        "requested_at": ASKED.isoformat().replace("+00:00", "Z"),
        "uploads": 3,
        "decks": 1,
        "templates": 1,
        "objects": objects,
        "bytes": 10 * (objects - 2) + 100 + 50,  # the deck's file is 100, the template 50
    }
    assert world.publisher.published[-1] is sent  # after every upload's and deck's own


@pytest.mark.parametrize("deletes_before_failing", [1, 7])
def test_a_purge_s3_cuts_short_is_finished_by_the_next_run(deletes_before_failing: int) -> None:
    world = World()
    _account(world)
    bobs = _others(world)
    _deleted(world)
    world.store.deletes_left = deletes_before_failing
    with pytest.raises(S3Down):
        run_policy(deleted_accounts, world.janitor(ASKED + 11 * MINUTE))
    assert world.db.account_deletions.count_documents({"_id": USER}) == 1  # found again
    assert USER_DELETED not in world.publisher.types()

    world.store.deletes_left = None
    run_policy(deleted_accounts, world.janitor(ASKED + 16 * MINUTE))

    assert _everything(world, USER) == {"documents": {}, "objects": []}
    assert _everything(world, OTHER) == bobs
    assert world.publisher.types().count(USER_DELETED) == 1


def test_a_broker_down_keeps_the_record_until_user_deleted_is_sent_with_the_same_id() -> None:
    world = World()
    _account(world)
    _deleted(world)
    world.publisher.fail_with = BrokerDown()
    with pytest.raises(BrokerDown):
        run_policy(deleted_accounts, world.janitor(ASKED + 11 * MINUTE))
    assert world.db.account_deletions.count_documents({"_id": USER}) == 1

    world.publisher.fail_with = None
    run_policy(deleted_accounts, world.janitor(ASKED + 16 * MINUTE))

    assert _everything(world, USER) == {"documents": {}, "objects": []}
    [sent] = [e for e in world.publisher.published if e.type == USER_DELETED]
    assert sent.id == f"user-deleted-{USER}"


def test_a_second_janitors_stale_plan_does_nothing() -> None:
    world = World()
    _account(world)
    _deleted(world)
    deps = world.janitor(ASKED + 11 * MINUTE)
    [item] = deleted_accounts.plan(deps)
    deleted_accounts.purge(deps, item)
    deleted_accounts.purge(deps, item)
    assert world.publisher.types().count(USER_DELETED) == 1


def test_webhook_attempts_go_after_their_days_and_newer_ones_stay() -> None:
    from janitor.policies import webhook_attempts

    world = World()
    for n, age in enumerate((timedelta(days=8), timedelta(days=6, hours=23))):
        world.db.webhook_attempts.insert_one({"_id": f"at{n}", "at": START - age})
    said: list[str] = []
    run_once(world.janitor(START), dry_run=True, say=said.append)
    assert world.db.webhook_attempts.count_documents({}) == 2
    assert any("[webhook-attempts]" in line and "(1 attempts)" in line for line in said)

    run_policy(webhook_attempts, world.janitor(START))

    assert [a["_id"] for a in world.db.webhook_attempts.find({})] == ["at1"]


def test_another_persons_records_keyed_with_this_persons_id_stay() -> None:
    """Bob chose Alice's id as his idempotency key (alone, or inside a longer one): neither
    record is Alice's, and her purge leaves both; of the locks, hers goes and Bob's stays."""
    world = World()
    _account(world)
    world.db.idempotency_keys.insert_one({"_id": f"{OTHER}:{USER}", "upload_id": "bb01"})
    world.db.idempotency_keys.insert_one({"_id": f"{OTHER}:x-{USER}", "upload_id": "bb02"})
    world.db.user_locks.insert_one({"_id": f"add-template:{OTHER}", "holder": USER})
    world.db.user_locks.insert_one({"_id": f"add-template:{USER}", "holder": "h"})
    _deleted(world)

    run_policy(deleted_accounts, world.janitor(ASKED + 11 * MINUTE))

    assert sorted(world.db.idempotency_keys.documents) == sorted(
        [f"{OTHER}:{USER}", f"{OTHER}:x-{USER}"]
    )
    assert sorted(world.db.user_locks.documents) == [f"add-template:{OTHER}"]
