"""The webhook handlers' decisions over fakes: one job per subscribed hook, what follows each
outcome, and a job that comes again after its attempt was made calls nobody again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from jaryo_shared import account_deletions, events
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase
from webhook_service import handlers, sending
from webhook_service.bootstrap import Dependencies
from webhook_service.jobs import Job
from webhook_service.settings import WebhookSettings

SECRET = "whsec_" + "A" * 43 + "="
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@dataclass
class FakeJobs:
    put_jobs: list[tuple[Job, str, float]] = field(default_factory=list)

    def put(self, body: bytes, job: Job, event_id: str, *, delay_seconds: float = 0) -> None:
        self.put_jobs.append((job, event_id, delay_seconds))


@dataclass
class Posts:
    """Every POST the handlers make; each answers with the next scripted answer, then 200."""

    answers: list[sending.Answer] = field(default_factory=list)
    made: list[tuple[Any, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, target: Any, body: bytes, headers: dict[str, str], limits: Any):
        self.made.append((target, body, headers))
        return self.answers.pop(0) if self.answers else sending.Answer(200, None)


@pytest.fixture
def posts(monkeypatch) -> Posts:
    posts = Posts()
    monkeypatch.setattr(sending, "post", posts.post)
    return posts


def _deps(**settings: Any) -> Dependencies:
    return Dependencies(
        settings=WebhookSettings(
            **{"webhooks_allow_local": True, "webhook_retry_delays_seconds": [5, 30], **settings}
        ),
        db=FakeDatabase(),  # type: ignore[arg-type]
        jobs=FakeJobs(),  # type: ignore[arg-type]
        clock=FixedClock(NOW),
    )


def _hook(deps: Dependencies, user_id: str = "u1", **fields: Any) -> dict:
    hook = {
        "_id": f"wh_{len(deps.db['webhooks'].documents)}",
        "user_id": user_id,
        "url": "http://127.0.0.1:9/hook",
        "events": ["upload.completed"],
        "secret": SECRET,
        "status": "active",
        "failing_since": None,
        **fields,
    }
    deps.db["webhooks"].insert_one(hook)
    return hook


def _event(user_id: str = "u1") -> tuple[events.Envelope, events.Payload, bytes]:
    envelope = events.wrap(
        events.UploadCompleted(
            upload_id="up1",
            user_id=user_id,
            status="completed",
            image_count=1,
            stored_count=1,
            rejected_count=0,
        ),
        source="jaryo/ocr-service",
    )
    body = envelope.model_dump_json().encode()
    return *events.parse(body), body


def test_an_event_becomes_one_job_per_subscribed_hook_of_its_owner():
    deps = _deps()
    mine, other_type, theirs = (
        _hook(deps),
        _hook(deps, events=["deck.completed"]),
        _hook(deps, user_id="u2"),
    )
    envelope, payload, body = _event()

    handlers.handle_event(deps, envelope, payload, body)

    assert deps.jobs.put_jobs == [(Job(mine["_id"], 1), envelope.id, 0)]  # type: ignore[attr-defined]
    assert other_type and theirs


def test_a_failed_attempt_is_recorded_and_its_retry_waits_the_first_delay(posts):
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    posts.answers.append(sending.Answer(500, "HTTP 500"))

    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 1))

    (record,) = deps.db["webhook_attempts"].documents.values()
    assert record["outcome"] == "failed" and record["next_attempt_at"] == NOW + timedelta(seconds=5)
    assert deps.jobs.put_jobs == [(Job(hook["_id"], 2), envelope.id, 5)]  # type: ignore[attr-defined]
    ((_, sent, headers),) = posts.made
    assert sent == body and headers["webhook-id"] == envelope.id
    assert headers["webhook-timestamp"] == str(int(NOW.timestamp()))


def test_a_job_that_comes_again_after_its_attempt_calls_nobody_and_queues_the_retry(posts):
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    posts.answers.append(sending.Answer(500, "HTTP 500"))
    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 1))
    deps.jobs.put_jobs.clear()  # type: ignore[attr-defined]  # the worker stopped before its ack

    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 1))

    assert len(posts.made) == 1  # the first delivery's POST only
    assert len(deps.db["webhook_attempts"].documents) == 1
    assert deps.jobs.put_jobs == [(Job(hook["_id"], 2), envelope.id, 5)]  # type: ignore[attr-defined]


def test_the_last_attempt_gives_up_and_marks_the_hook_failing_until_a_delivery(posts, caplog):
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    posts.answers.append(sending.Answer(None, "timeout"))

    with caplog.at_level(logging.WARNING):
        handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 3))

    stored = deps.db["webhooks"].find_one({"_id": hook["_id"]})
    assert stored["status"] == "failing" and stored["failing_since"] == NOW
    assert deps.jobs.put_jobs == []  # type: ignore[attr-defined]
    assert hook["_id"] in caplog.text and envelope.id in caplog.text
    assert SECRET not in caplog.text

    later, later_payload, later_body = _event()
    handlers.handle_delivery(deps, later, later_payload, later_body, Job(hook["_id"], 1))

    stored = deps.db["webhooks"].find_one({"_id": hook["_id"]})
    assert stored["status"] == "active" and stored["failing_since"] is None


def test_a_deleted_or_unsubscribed_hook_gets_nothing(posts):
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    deps.db["webhooks"].update_one({"_id": hook["_id"]}, {"$set": {"events": ["deck.failed"]}})

    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 2))
    handlers.handle_delivery(deps, envelope, payload, body, Job("wh_gone", 2))

    assert posts.made == [] and deps.db["webhook_attempts"].documents == {}


def test_a_deleted_accounts_events_and_waiting_retries_go_nowhere(posts):
    """Between DELETE /v1/me and the janitor's purge, work of the account still under way
    publishes events (and a retry may be waiting): none is sent to its webhooks, even one the
    gateway had not deleted yet."""
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    account_deletions.record(deps.db, "u1", "alice", NOW)  # type: ignore[arg-type]

    handlers.handle_event(deps, envelope, payload, body)
    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 2))

    assert deps.jobs.put_jobs == []  # type: ignore[attr-defined]
    assert posts.made == [] and deps.db["webhook_attempts"].documents == {}


def test_a_url_not_allowed_is_refused_without_a_request_and_not_retried(posts):
    deps = _deps(webhooks_allow_local=False)
    hook = _hook(deps, url="https://169.254.169.254/latest/meta-data/")
    envelope, payload, body = _event()

    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 1))

    (record,) = deps.db["webhook_attempts"].documents.values()
    assert record["outcome"] == "refused" and record["error"].startswith("address not allowed")
    assert posts.made == [] and deps.jobs.put_jobs == []  # type: ignore[attr-defined]
    assert deps.db["webhooks"].find_one({"_id": hook["_id"]})["status"] == "failing"


def test_of_two_copies_of_a_job_attempting_at_once_only_the_recorded_one_goes_on(
    posts, monkeypatch
):
    deps = _deps()
    hook = _hook(deps)
    envelope, payload, body = _event()
    posts.answers.append(sending.Answer(500, "HTTP 500"))
    record_id = f"{hook['_id']}:{envelope.id}:1"
    real_post = posts.post

    def the_other_copy_records_first(target, sent, headers, limits):
        deps.db["webhook_attempts"].insert_one({"_id": record_id, "outcome": "failed"})
        return real_post(target, sent, headers, limits)

    monkeypatch.setattr(sending, "post", the_other_copy_records_first)
    handlers.handle_delivery(deps, envelope, payload, body, Job(hook["_id"], 1))

    assert deps.db["webhook_attempts"].find_one({"_id": record_id}) == {
        "_id": record_id,
        "outcome": "failed",
    }
    assert deps.jobs.put_jobs == []  # type: ignore[attr-defined]  # the other copy's to queue


def test_a_job_beyond_its_persons_share_waits_without_an_attempt_and_anothers_goes(posts):
    deps = _deps(webhook_senders=4, webhook_senders_per_user=2, webhook_share_wait_seconds=1.5)
    busy, other = _hook(deps), _hook(deps, user_id="u2")
    held = [deps.shares.take("u1") for _ in range(2)]  # two of u1's attempts under way
    envelope, payload, body = _event()

    handlers.handle_delivery(deps, envelope, payload, body, Job(busy["_id"], 3))

    assert posts.made == [] and deps.db["webhook_attempts"].documents == {}
    assert deps.jobs.put_jobs == [(Job(busy["_id"], 3), envelope.id, 1.5)]  # type: ignore[attr-defined]
    theirs, their_payload, their_body = _event("u2")
    handlers.handle_delivery(deps, theirs, their_payload, their_body, Job(other["_id"], 1))
    assert len(posts.made) == 1
    for share in held:
        share.close()
    handlers.handle_delivery(deps, envelope, payload, body, Job(busy["_id"], 3))
    assert len(posts.made) == 2  # its share free again, u1's job is attempted
    assert (deps.shares.taken("u1"), deps.shares.taken()) == (0, 0)  # every share given back
