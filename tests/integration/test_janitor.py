"""Retention over the real servers with a moved clock: staged files and deleted uploads go at
exactly their time and nothing else goes; a dry run lists what a real run then purges; one
janitor acts at a time; an interrupted purge is finished by the next run."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from janitor.bootstrap import bootstrap
from janitor.lease import Lease
from janitor.run import run_once
from janitor.settings import JanitorSettings
from jaryo_shared.clock import FixedClock
from jaryo_shared.keys import upload_prefix
from tests.helpers import png_bytes, wait_until
from tests.integration.processes import service_env

pytestmark = pytest.mark.integration

DAY = timedelta(hours=24)
SECOND = timedelta(seconds=1)


@pytest.fixture
def janitor_settings(settings) -> JanitorSettings:
    # A janitor facing a held lease waits this long (real time) before giving up.
    return JanitorSettings(**{**settings.model_dump(), "lease_wait_seconds": 2})


@pytest.fixture
def janitor(janitor_settings, db):
    """A janitor whose clock only moves when told to."""
    made = []

    def make(at, **overrides):
        chosen = janitor_settings.model_copy(update=overrides)
        deps = bootstrap(chosen, FixedClock(at))
        made.append(deps)
        return deps

    db.leases.delete_many({})
    yield make
    for deps in made:
        deps.publisher.close()


def _runs(outcome: str) -> float:
    return REGISTRY.get_sample_value("jaryo_janitor_runs_total", {"outcome": outcome}) or 0.0


def _staged(store, settings, key: str):
    store.put_bytes(settings.bucket_staging, key, b"x" * 10, "application/octet-stream")
    (found,) = [o for o in store.listing(settings.bucket_staging, key) if o.key == key]
    return found


def test_staged_file_goes_one_second_past_24_hours_and_not_one_second_before(
    janitor, store, settings
):
    old = _staged(store, settings, "janitor-test/old.png")
    time.sleep(2.1)
    newer = _staged(store, settings, "janitor-test/newer.png")
    keys = set(store.keys(settings.bucket_staging, "janitor-test/"))

    run_once(janitor(old.last_modified + DAY - SECOND), say=lambda _: None)
    assert set(store.keys(settings.bucket_staging, "janitor-test/")) == keys

    report = run_once(janitor(old.last_modified + DAY + SECOND), say=lambda _: None)
    assert set(store.keys(settings.bucket_staging, "janitor-test/")) == {newer.key}
    assert "janitor-test/old.png" in [p.subject for p in report.planned]
    store.delete(settings.bucket_staging, newer.key)


def _deleted_upload(client, make_user, db) -> tuple:
    user = make_user()
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(300, 200)), "page.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    assert client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).status_code == 200
    kept = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(30, 20)), "keep.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    ).get_json()["upload_id"]
    assert client.get(f"/v1/uploads/{kept}?wait=60", headers=user.auth).status_code == 200
    assert client.delete(f"/v1/uploads/{upload_id}", headers=user.auth).status_code == 204
    deleted_at = db.uploads.find_one({"_id": upload_id})["deleted_at"]
    return user, upload_id, kept, deleted_at


def _everything_of(db, store, settings, user_id: str, upload_id: str) -> dict:
    prefix = upload_prefix(user_id, upload_id)
    image_ids = [i["_id"] for i in db.images.find({"upload_id": upload_id})]
    return {
        "objects": sorted(
            f"{bucket}:{key}"
            for bucket in (settings.bucket_staging, settings.bucket_images)
            for key in store.keys(bucket, prefix)
        ),
        "upload": db.uploads.count_documents({"_id": upload_id}),
        "images": len(image_ids),
        "ocr_results": sum(db.ocr_results.count_documents({"_id": i}) for i in image_ids),
        "ocr_layouts": sum(db.ocr_layouts.count_documents({"_id": i}) for i in image_ids),
        "completion": db.upload_completions.count_documents({"_id": upload_id}),
        "deletion": db.upload_deletions.count_documents({"_id": upload_id}),
    }


def test_deleted_upload_is_purged_with_everything_after_the_grace_and_only_it(
    client, make_user, db, store, settings, workers, janitor, janitor_settings, probe
):
    user, upload_id, kept, deleted_at = _deleted_upload(client, make_user, db)
    grace = timedelta(minutes=janitor_settings.deleted_grace_minutes)
    before = _everything_of(db, store, settings, user.user_id, upload_id)
    assert before["objects"] and before["upload"] == before["images"] == before["deletion"] == 1
    assert before["ocr_results"] == before["ocr_layouts"] == 1  # read before it was deleted
    kept_before = _everything_of(db, store, settings, user.user_id, kept)

    run_once(janitor(deleted_at + grace - SECOND), say=lambda _: None)
    assert _everything_of(db, store, settings, user.user_id, upload_id) == before

    run_once(janitor(deleted_at + grace + SECOND), say=lambda _: None)
    assert _everything_of(db, store, settings, user.user_id, upload_id) == {
        "objects": [],
        "upload": 0,
        "images": 0,
        "ocr_results": 0,
        "ocr_layouts": 0,
        "completion": 0,
        "deletion": 0,
    }
    assert _everything_of(db, store, settings, user.user_id, kept) == kept_before
    expired = [
        p
        for e, p in probe.until("jaryo.upload.expired.v1", upload_id=upload_id)
        if e.type == "jaryo.upload.expired.v1"
    ]
    assert len(expired) == 1 and expired[0].reason == "deleted"
    assert expired[0].objects == len(before["objects"]) and expired[0].bytes > 0


def test_dry_run_lists_exactly_what_a_real_run_then_purges_and_changes_nothing(
    client, make_user, db, store, settings, workers, janitor, janitor_settings
):
    user, upload_id, _, deleted_at = _deleted_upload(client, make_user, db)
    later = deleted_at + timedelta(minutes=janitor_settings.deleted_grace_minutes) + SECOND
    before = _everything_of(db, store, settings, user.user_id, upload_id)
    printed: list[str] = []

    dry = run_once(janitor(later), dry_run=True, say=printed.append)

    assert _everything_of(db, store, settings, user.user_id, upload_id) == before
    real = run_once(janitor(later), say=lambda _: None)
    assert [(p.policy, p.subject, p.objects) for p in dry.planned] == [
        (p.policy, p.subject, p.objects) for p in real.planned
    ]
    assert any(upload_id in line for line in printed)
    assert len(printed) == len(real.planned)


def test_one_janitor_acts_at_a_time_and_a_dead_ones_lease_expires(janitor, db, store, settings):
    now = _staged(store, settings, "janitor-lease/a.png").last_modified + DAY + SECOND
    first, second = janitor(now), janitor(now)
    holder = Lease(first.db, first.clock, first.settings.lease_seconds)
    assert holder.acquire()  # a janitor that then dies without releasing

    skipped_before = _runs("skipped")
    started = time.monotonic()
    assert run_once(second, say=lambda _: None).acted is False
    assert time.monotonic() - started >= second.settings.lease_wait_seconds  # it waited first
    assert _runs("skipped") == skipped_before + 1  # and operators can see it did nothing
    assert list(store.keys(settings.bucket_staging, "janitor-lease/")) == ["janitor-lease/a.png"]

    later = janitor(now + timedelta(seconds=first.settings.lease_seconds + 1))
    assert run_once(later, say=lambda _: None).acted is True
    assert list(store.keys(settings.bucket_staging, "janitor-lease/")) == []


def test_a_janitor_whose_lease_was_taken_over_stops_and_is_not_counted_as_a_run(
    janitor, store, settings, monkeypatch
):
    now = _staged(store, settings, "janitor-lost/a.png").last_modified + DAY + SECOND
    acted, lost = _runs("acted"), _runs("lost_lease")
    monkeypatch.setattr(Lease, "renew", lambda self: False)  # another janitor took it over

    assert run_once(janitor(now), say=lambda _: None).planned == []
    assert list(store.keys(settings.bucket_staging, "janitor-lost/")) == ["janitor-lost/a.png"]
    assert (_runs("acted"), _runs("lost_lease")) == (acted, lost + 1)


def test_two_janitors_started_together_do_the_work_once_without_errors(janitor, store, settings):
    olds = [_staged(store, settings, f"janitor-pair/{n}.png") for n in range(5)]
    now = max(o.last_modified for o in olds) + DAY + SECOND
    reports, errors = [], []

    def go() -> None:
        try:
            # The second waits for the first's lease (long enough for a whole run), then runs.
            reports.append(run_once(janitor(now, lease_wait_seconds=60), say=lambda _: None))
        except Exception as exc:  # noqa: BLE001 - the test reports any error
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [r.acted for r in reports] == [True, True]
    purged = [p.subject for r in reports for p in r.planned if p.subject.startswith("janitor-pair")]
    assert sorted(purged) == sorted(o.key for o in olds)  # each once, by whichever acted
    assert list(store.keys(settings.bucket_staging, "janitor-pair/")) == []


def test_purge_interrupted_half_way_is_finished_by_the_next_run(
    client, make_user, db, store, settings, workers, janitor, janitor_settings
):
    user, upload_id, _, deleted_at = _deleted_upload(client, make_user, db)
    later = deleted_at + timedelta(minutes=janitor_settings.deleted_grace_minutes) + SECOND
    dying = janitor(later)
    real_delete = dying.store.delete
    calls = []

    def delete_then_die(bucket: str, key: str) -> None:
        if calls:
            raise RuntimeError("the janitor's pod was killed")
        calls.append(key)
        real_delete(bucket, key)

    dying.store.delete = delete_then_die  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        run_once(dying, say=lambda _: None)
    half = _everything_of(db, store, settings, user.user_id, upload_id)
    assert half["upload"] == 1 and half["objects"]  # half done: something went, not all

    run_once(janitor(later), say=lambda _: None)
    assert _everything_of(db, store, settings, user.user_id, upload_id) == {
        "objects": [],
        "upload": 0,
        "images": 0,
        "ocr_results": 0,
        "ocr_layouts": 0,
        "completion": 0,
        "deletion": 0,
    }


def _upload(client, user) -> str:
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(300, 200)), "page.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    assert client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).status_code == 200
    return upload_id


def test_uploads_and_decks_go_one_second_past_retention_with_all_they_own(
    client, make_user, db, store, settings, workers, deck_worker, janitor, janitor_settings, probe
):
    user = make_user()
    old = _upload(client, user)
    deck_location = client.post(
        "/v1/decks",
        json={"template_id": "clean", "title": "old", "from_upload": old},
        headers=user.auth,
    ).headers["Location"]
    deck = client.get(f"{deck_location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed"
    time.sleep(2.1)
    newer = _upload(client, user)
    detail = client.get(f"/v1/uploads/{old}", headers=user.auth).get_json()
    created = db.uploads.find_one({"_id": old})["created_at"]
    retention = timedelta(days=janitor_settings.retention_days)
    assert detail["expires_at"] == (created + retention).isoformat()
    deck_created = db.decks.find_one({"_id": deck["deck_id"]})["created_at"]
    before = _everything_of(db, store, settings, user.user_id, old)
    deck_objects = list(store.keys(settings.bucket_decks, f"{user.user_id}/deck{deck['deck_id']}/"))
    assert deck_objects

    run_once(janitor(created + retention - SECOND), say=lambda _: None)
    kept = _everything_of(db, store, settings, user.user_id, old)
    # Only its staged file is gone by then (the 24-hour staging policy); all else stays.
    durable = [o for o in before["objects"] if o.startswith(settings.bucket_images)]
    assert {**kept, "objects": durable} == {**before, "objects": durable}
    assert kept["objects"] == durable
    assert client.get(deck["links"]["file"], headers=user.auth).status_code == 200

    run_once(janitor(max(created, deck_created) + retention + SECOND), say=lambda _: None)
    assert _everything_of(db, store, settings, user.user_id, old) == {
        "objects": [],
        "upload": 0,
        "images": 0,
        "ocr_results": 0,
        "ocr_layouts": 0,
        "completion": 0,
        "deletion": 0,
    }
    assert list(store.keys(settings.bucket_decks, f"{user.user_id}/deck{deck['deck_id']}/")) == []
    assert client.get(deck_location, headers=user.auth).status_code == 404
    assert client.get(f"/v1/uploads/{newer}", headers=user.auth).status_code == 200
    seen = probe.until("jaryo.deck.expired.v1", timeout=10)
    kinds = {
        (e.type, getattr(p, "reason", None))
        for e, p in seen
        if e.type.endswith(".expired.v1") and e.subject in (old, deck["deck_id"])
    }
    assert kinds == {
        ("jaryo.upload.expired.v1", "retention"),
        ("jaryo.deck.expired.v1", "retention"),
    }


def test_upload_stuck_in_processing_is_failed_with_a_reason_once(
    client, make_user, db, janitor, janitor_settings, probe, purge_queues
):
    purge_queues()
    user = make_user()  # no workers run: the upload stays processing
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(30, 20)), "page.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = response.get_json()["upload_id"]
    created = db.uploads.find_one({"_id": upload_id})["created_at"]
    limit = timedelta(minutes=janitor_settings.stuck_minutes)

    run_once(janitor(created + limit - SECOND), say=lambda _: None)
    assert db.uploads.find_one({"_id": upload_id})["status"] == "processing"

    run_once(janitor(created + limit + SECOND), say=lambda _: None)
    run_once(janitor(created + limit + 2 * SECOND), say=lambda _: None)  # again: no change
    detail = client.get(f"/v1/uploads/{upload_id}", headers=user.auth).get_json()
    assert detail["status"] == "failed"
    assert detail["failures"] == [
        {
            "image_id": detail["images"][0]["image_id"],
            "reason": "processing did not finish within 60 minutes",
            "code": "processing-timed-out",
        }
    ]
    seen = probe.until("jaryo.upload.completed.v1", upload_id=upload_id)
    completed = [p for e, p in seen if e.type == "jaryo.upload.completed.v1"]
    assert len(completed) == 1 and completed[0].status == "failed"


def test_orphan_objects_go_after_a_day_and_dangling_images_are_marked_not_deleted(
    client, make_user, db, store, settings, workers, janitor
):
    user = make_user()
    upload_id = _upload(client, user)
    image = db.images.find_one({"upload_id": upload_id})
    orphan_key = f"{user.user_id}/upload{'0' * 32}/images/lost.png"
    store.put_bytes(settings.bucket_images, orphan_key, b"lost", "image/png")
    (orphan,) = list(store.listing(settings.bucket_images, orphan_key))
    store.delete(settings.bucket_images, image["image_path"])  # its original vanished

    printed: list[str] = []
    run_once(janitor(orphan.last_modified + DAY - SECOND), dry_run=True, say=printed.append)
    assert any(image["_id"] in line for line in printed)
    assert "dangling" not in db.images.find_one({"_id": image["_id"]})  # dry: nothing changed
    run_once(janitor(orphan.last_modified + DAY - SECOND), say=lambda _: None)
    assert store.size(settings.bucket_images, orphan_key) == 4
    assert db.images.find_one({"_id": image["_id"]})["dangling"] is True

    run_once(janitor(orphan.last_modified + DAY + SECOND), say=lambda _: None)
    assert store.size(settings.bucket_images, orphan_key) is None
    thumbnail = image["storage"]["thumbnail_path"]
    assert store.size(settings.bucket_images, thumbnail) is not None  # it has its upload
    assert db.images.find_one({"_id": image["_id"]}) is not None  # marked, never deleted


def test_run_once_cli_dry_run_prints_and_changes_nothing_then_a_real_run_purges(
    client, make_user, db, store, settings, workers, janitor
):
    user, upload_id, _, _ = _deleted_upload(client, make_user, db)
    env = {**service_env(settings), "JARYO_DELETED_GRACE_MINUTES": "0"}
    before = _everything_of(db, store, settings, user.user_id, upload_id)

    dry = subprocess.run(
        [sys.executable, "-m", "janitor", "run-once", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert f"would purge [deleted-uploads] {upload_id}" in dry.stdout
    assert _everything_of(db, store, settings, user.user_id, upload_id) == before

    subprocess.run(
        [sys.executable, "-m", "janitor", "run-once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert _everything_of(db, store, settings, user.user_id, upload_id)["upload"] == 0
    assert store.expiry_days(settings.bucket_staging) == 2  # the S3 rule, a day after ours


def test_freed_objects_and_bytes_are_counted_per_policy(janitor, store, settings):
    from prometheus_client import REGISTRY

    def counted(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"policy": "staging"}) or 0.0

    objects, size = (
        counted("jaryo_janitor_objects_freed_total"),
        counted("jaryo_janitor_bytes_freed_total"),
    )
    old = _staged(store, settings, "janitor-metrics/a.png")
    report = run_once(janitor(old.last_modified + DAY + SECOND), say=lambda _: None)
    staged = [p for p in report.planned if p.policy == "staging"]
    assert counted("jaryo_janitor_objects_freed_total") - objects == len(staged) >= 1
    assert counted("jaryo_janitor_bytes_freed_total") - size == sum(p.bytes for p in staged)


def test_deck_not_built_in_time_is_failed_once_and_a_late_build_changes_nothing(
    client, make_user, db, janitor, janitor_settings, probe, purge_queues, run_worker, settings
):
    purge_queues()
    user = make_user()  # no deck worker runs yet: the deck waits in its queue
    spec = {"template_id": "clean", "title": "late", "slides": [{"elements": []}]}
    location = client.post("/v1/decks", json=spec, headers=user.auth).headers["Location"]
    deck_id = location.rsplit("/", 1)[-1]
    created = db.decks.find_one({"_id": deck_id})["created_at"]
    limit = timedelta(minutes=15)  # the default

    run_once(janitor(created + limit - SECOND), say=lambda _: None)
    assert client.get(location, headers=user.auth).get_json()["status"] == "queued"

    run_once(janitor(created + limit + SECOND), say=lambda _: None)
    run_once(janitor(created + limit + 2 * SECOND), say=lambda _: None)  # again: no change
    deck = client.get(location, headers=user.auth).get_json()
    assert deck["status"] == "failed"
    assert deck["reason"] == (
        "the deck was not built within 15 minutes; "
        "ask for it again (GET its spec and PUT it back, or POST it to /v1/decks)"
    )

    # The deck service gets to the message at last: the janitor finished the deck, so it stays.
    deps = deck_bootstrap(DeckSettings(**settings.model_dump()))
    worker = run_worker("deck", deck_handlers(deps))
    wait_until(lambda: worker.handled >= 1, timeout=30)
    assert client.get(location, headers=user.auth).get_json()["status"] == "failed"
    seen = probe.until("jaryo.deck.failed.v1")
    finished = [
        (e.type, e.source)
        for e, p in seen
        if e.type.startswith("jaryo.deck.") and getattr(p, "deck_id", None) == deck_id
    ]
    assert finished == [
        ("jaryo.deck.requested.v1", "jaryo/gateway"),
        ("jaryo.deck.failed.v1", "jaryo/janitor"),
    ]
