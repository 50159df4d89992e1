"""The gateway's announcer sends a new upload's `upload.received` after its 202
(gateway.uploads.announcer): while the writer's outbox claim holds; after it, the relay does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from gateway import outbox_relay
from gateway.uploads import announcer
from jaryo_shared import events, outbox, upload_deletions
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase, FakePublisher

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Deps:
    db: FakeDatabase = field(default_factory=FakeDatabase)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))
    settings: Any = field(default_factory=lambda: SimpleNamespace(outbox_relay_interval_seconds=5))


def _written(deps: Deps) -> tuple[dict[str, Any], events.Envelope]:
    payload = events.UploadReceived(
        upload_id="upload-1", user_id="user-1", image_type="eng-printed", images=[]
    )
    envelope = events.wrap(payload, source="jaryo/gateway", subject="upload-1")
    upload = {"_id": "upload-1", "created_at": NOW, **outbox.pending(envelope, now=NOW)}
    deps.db.uploads.insert_one(dict(upload))
    return upload, envelope


def test_a_new_uploads_event_is_sent_and_its_outbox_cleared():
    deps = Deps()
    upload, envelope = _written(deps)

    announcer.later(deps, upload).result(timeout=10)  # type: ignore[arg-type]

    assert [e.id for e in deps.publisher.published] == [envelope.id]
    assert deps.db.uploads.find_one({"_id": "upload-1"})["outbox_pending"] is False


def test_an_event_whose_turn_comes_after_the_writers_claim_is_left_to_the_relay():
    deps = Deps()
    upload, _ = _written(deps)
    deps.clock.advance(timedelta(seconds=outbox.CLAIM_SECONDS))  # the broker was slow that long

    announcer.later(deps, upload).result(timeout=10)  # type: ignore[arg-type]

    assert deps.publisher.published == []  # the relay may be sending it: not twice
    assert deps.db.uploads.find_one({"_id": "upload-1"})["outbox_pending"] is True


def test_a_delete_made_while_the_outbox_is_cleared_is_not_lost():
    """The client has its 202 and deletes at once; on FerretDB the outbox's clearing write can
    lose the DELETE's `deleted_at` (staged: the deletion is recorded, the mark never landed)."""
    deps = Deps()
    upload, _ = _written(deps)
    deleted_at = NOW + timedelta(seconds=1)
    upload_deletions.record(deps.db, "upload-1", "user-1", deleted_at)  # type: ignore[arg-type]

    announcer.later(deps, upload).result(timeout=10)  # type: ignore[arg-type]

    assert deps.db.uploads.find_one({"_id": "upload-1"})["deleted_at"] == deleted_at


def test_the_relays_writes_to_an_upload_restore_a_lost_delete_too():
    deps = Deps()
    _, envelope = _written(deps)
    deps.clock.advance(timedelta(seconds=outbox.CLAIM_SECONDS + 1))  # its writer died
    upload_deletions.record(deps.db, "upload-1", "user-1", NOW)  # type: ignore[arg-type]

    assert outbox_relay.relay_pass(deps) == 1  # type: ignore[arg-type]

    assert [e.id for e in deps.publisher.published] == [envelope.id]
    assert deps.db.uploads.find_one({"_id": "upload-1"})["deleted_at"] == NOW
