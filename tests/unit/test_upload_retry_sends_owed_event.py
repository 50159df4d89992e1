"""A client retrying an upload with its Idempotency-Key after the gateway died mid-request gets
the upload the first request wrote (gateway.uploads.idempotency). If that request died before
sending `upload.received`, the retry sends it: otherwise the upload the client was just told 202
about would sit `queued` until the dead writer's outbox claim ran out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.uploads import announcer, idempotency
from jaryo_shared import events, outbox
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase, FakePublisher

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
USER, KEY, UPLOAD = "user-1", "key-1", "upload-1"


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch):
    """A retry gives a writer whose claim holds this long to send (2 s); these writers are dead
    or done."""
    monkeypatch.setattr(announcer, "WRITER_GRACE", timedelta(milliseconds=50))


class Killed(BaseException):
    """SIGKILL in the middle of a request: no `except Exception` runs, nothing is cleaned up."""


@dataclass
class Deps:
    db: FakeDatabase = field(default_factory=FakeDatabase)
    publisher: FakePublisher = field(default_factory=FakePublisher)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))


def _received() -> events.Envelope:
    payload = events.UploadReceived(
        upload_id=UPLOAD, user_id=USER, image_type="eng-printed", images=[]
    )
    return events.wrap(payload, source="jaryo/gateway", subject=UPLOAD)


def _write_then_die(deps: Deps, envelope: events.Envelope):
    """The first request: it writes the upload, owing its event, and is killed before sending."""

    def create(upload_id: str) -> Any:
        deps.db.uploads.insert_one(
            {
                "_id": upload_id,
                "user_id": USER,
                "status": "processing",
                "deleted_at": None,
                **outbox.pending(envelope, now=NOW),
            }
        )
        raise Killed

    return create


def _retry(deps: Deps) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    def create(upload_id: str) -> Any:
        raise AssertionError("a retry must not make a second upload")

    return idempotency.create_once(deps, USER, KEY, "upload-2", create, lambda _: [])  # type: ignore[arg-type]


def _first_request_dies(deps: Deps, envelope: events.Envelope) -> None:
    try:
        idempotency.create_once(deps, USER, KEY, UPLOAD, _write_then_die(deps, envelope), list)  # type: ignore[arg-type]
    except Killed:
        pass


def test_a_retry_after_the_first_request_died_before_sending_its_event_sends_it():
    deps, envelope = Deps(), _received()
    _first_request_dies(deps, envelope)
    assert deps.publisher.published == []

    upload, _ = _retry(deps)

    assert upload["_id"] == UPLOAD
    assert [e.id for e in deps.publisher.published] == [envelope.id]  # now, not after a claim
    assert deps.db.uploads.find_one({"_id": UPLOAD})["outbox_pending"] is False


def test_a_retry_of_an_upload_whose_event_went_out_sends_nothing_again():
    deps, envelope = Deps(), _received()
    _first_request_dies(deps, envelope)
    _retry(deps)

    _retry(deps)

    assert [e.id for e in deps.publisher.published] == [envelope.id]


def test_a_retry_while_the_broker_is_away_still_gets_its_upload_and_leaves_the_event_owed():
    deps, envelope = Deps(), _received()
    _first_request_dies(deps, envelope)
    deps.publisher.fail_with = ConnectionError("broker unreachable")

    upload, _ = _retry(deps)

    assert upload["_id"] == UPLOAD  # the 202 does not wait on the broker
    assert deps.db.uploads.find_one({"_id": UPLOAD})["outbox_pending"] is True  # the relay's


# A retry that comes right after the first request's 202: that request's announcer is sending.


def _written_now(deps: Deps, envelope: events.Envelope) -> dict[str, Any]:
    """The upload as a retry first reads it: written a moment ago, its event still owed."""
    upload = {
        "_id": UPLOAD,
        "user_id": USER,
        "created_at": NOW,
        "status": "processing",
        "deleted_at": None,
        **outbox.pending(envelope, now=NOW),
    }
    deps.db.uploads.insert_one(dict(upload))
    return upload


def test_a_retry_right_after_the_write_leaves_the_event_to_its_writer_who_sends_it():
    deps, envelope = Deps(), _received()
    read_by_the_retry = _written_now(deps, envelope)
    outbox.flush(deps.db.uploads, UPLOAD, FakePublisher())  # the writer's announcer, meanwhile

    announcer.send_owed(deps, read_by_the_retry)

    assert deps.publisher.published == []  # the one copy is the writer's


def test_a_retry_right_after_the_write_sends_the_event_if_its_writer_does_not():
    deps, envelope = Deps(), _received()

    announcer.send_owed(deps, _written_now(deps, envelope))

    assert [e.id for e in deps.publisher.published] == [envelope.id]
    assert deps.db.uploads.find_one({"_id": UPLOAD})["outbox_pending"] is False
