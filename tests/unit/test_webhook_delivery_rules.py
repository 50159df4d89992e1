"""The webhook service's rules without servers: the signature is the Standard Webhooks one (the
reference library accepts it), the retry schedule, and which hooks an event goes to."""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from jaryo_shared import events, webhook_events
from webhook_service import backoff, matching, signing
from webhook_service.jobs import Job, WebhookQueues
from webhook_service.settings import DEFAULT_RETRY_DELAYS, WebhookSettings


def _secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _event(user_id: str = "u1") -> events.Envelope:
    return events.wrap(
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


def test_the_reference_library_verifies_our_signature():
    secret, envelope = _secret(), _event()
    body = envelope.model_dump_json().encode()

    headers = signing.headers(secret, envelope.id, int(time.time()), body)

    assert Webhook(secret).verify(body, headers)["id"] == envelope.id
    assert headers["webhook-id"] == envelope.id


def test_the_reference_library_and_ours_sign_alike():
    secret, body, now = _secret(), b'{"a": "\xc3\xa9"}', datetime.now(UTC).replace(microsecond=0)

    ours = signing.signature(secret, "msg_1", int(now.timestamp()), body)

    assert ours == Webhook(secret).sign("msg_1", now, body.decode())


@pytest.mark.parametrize("tamper", ["body", "id", "timestamp", "secret"])
def test_a_changed_delivery_does_not_verify(tamper):
    secret, envelope = _secret(), _event()
    body = envelope.model_dump_json().encode()
    headers = signing.headers(secret, envelope.id, int(time.time()), body)
    if tamper == "body":
        body = body.replace(b"completed", b"failed")
    elif tamper == "id":
        headers["webhook-id"] = "another"
    elif tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)
    else:
        secret = _secret()

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_an_old_delivery_is_refused_by_the_reference_library():
    secret, body = _secret(), b"{}"
    headers = signing.headers(secret, "msg_1", int(time.time()) - 600, body)

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)


def test_the_schedule_waits_after_each_failure_then_gives_up():
    delays = [0.4, 1.2, 3]

    assert backoff.attempts(delays) == 4
    assert [backoff.delay_after(n, delays) for n in (1, 2, 3, 4)] == [0.4, 1.2, 3, None]
    assert backoff.delay_after(1, []) is None
    with pytest.raises(ValueError):
        backoff.delay_after(0, delays)


def test_the_default_schedule_grows_and_lasts_about_a_day():
    delays = WebhookSettings().webhook_retry_delays_seconds

    assert delays == DEFAULT_RETRY_DELAYS
    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert 20 * 3600 <= sum(delays) <= 26 * 3600


def test_each_delay_has_its_own_wait_queue_named_after_its_ttl():
    queues = WebhookQueues(WebhookSettings(queue_prefix="jaryo"))

    wait = queues.wait_queue(30)

    assert wait.name == "jaryo.webhook.wait.30000"
    assert wait.queue_arguments["x-message-ttl"] == 30000
    assert wait.queue_arguments["x-dead-letter-routing-key"] == "jaryo.webhook.deliveries"
    assert [q.name for q in queues.wait_queues([0.4, 0.4, 1.2])] == [
        "jaryo.webhook.wait.400",
        "jaryo.webhook.wait.1200",
    ]


def test_a_job_reads_back_from_its_headers():
    job = Job("wh_1", 3)

    assert Job.from_headers(job.headers()) == job
    for broken in (
        {},
        {"x-jaryo-webhook-id": "wh_1"},
        {**job.headers(), "x-jaryo-webhook-attempt": 0},
    ):
        with pytest.raises(ValueError):
            Job.from_headers(broken)


def _hook(user_id: str, subscribed: list[str]) -> dict:
    return {"_id": f"wh_{user_id}_{len(subscribed)}", "user_id": user_id, "events": subscribed}


def test_an_event_goes_to_its_owners_hooks_that_subscribed_to_it_only():
    mine = _hook("u1", ["upload.completed", "deck.completed"])
    mine_other_type = _hook("u1", ["deck.failed"])
    theirs = _hook("u2", ["upload.completed"])
    hooks = [mine, mine_other_type, theirs]

    assert matching.subscribed(hooks, events.UploadCompleted.event_type, "u1") == [mine]
    assert matching.subscribed(hooks, events.UploadCompleted.event_type, "u2") == [theirs]
    assert matching.subscribed(hooks, events.DeckFailed.event_type, "u1") == [mine_other_type]
    assert matching.subscribed(hooks, events.UploadCompleted.event_type, "u3") == []


def test_an_event_no_webhook_may_subscribe_to_goes_nowhere():
    hook = _hook("u1", list(webhook_events.NAMES))

    assert matching.subscribed([hook], events.UploadReceived.event_type, "u1") == []
    assert matching.subscribed([hook], events.ImageStored.event_type, "u1") == []
