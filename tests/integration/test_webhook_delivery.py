"""Webhook deliveries over the real servers: the webhook service (its consumers in threads)
POSTs the events a person subscribed to to a real HTTP receiver on 127.0.0.1, signed the
Standard Webhooks way; failures are retried after growing waits (which hold no sender and
outlast a restart of the service), then given up; addresses that are not allowed are never
called; a receiver cannot make the sender follow it elsewhere, read without end, or wait
without end."""

from __future__ import annotations

import base64
import io
import json
import secrets
import time
import uuid
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from jaryo_shared import events, messaging
from tests.helpers import png_bytes, wait_until
from tests.webhook_receiver import Receiver, endless_body, never_answer, redirect
from webhook_service.bootstrap import bootstrap
from webhook_service.jobs import WebhookQueues
from webhook_service.service import WebhookService
from webhook_service.settings import WebhookSettings

pytestmark = [pytest.mark.integration, pytest.mark.alone]

DELAYS = [0.4, 1.2, 3.0]
TIMEOUT_SECONDS = 1.5
# A wait is a message TTL, which RabbitMQ reckons on its own clock: a retry has come up to 12 ms
# early on a 3 s wait (CI, twice in one run), which no receiver would notice. The tests allow 2 %.
BROKER_CLOCK_SLACK = 0.98


def waited_at_least(gap: float, delay: float) -> bool:
    return gap >= delay * BROKER_CLOCK_SLACK


@pytest.fixture
def webhook_service(settings, purge_queues):
    """Start the webhook service (allowing local receivers unless told otherwise); it is
    stopped, and its wait queues removed, after the test."""
    purge_queues()
    started: list[tuple[WebhookService, WebhookSettings]] = []

    def start(**overrides) -> WebhookService:
        webhook_settings = WebhookSettings(
            **{
                **settings.model_dump(),
                "webhooks_allow_local": True,
                "webhook_retry_delays_seconds": DELAYS,
                "webhook_connect_timeout_seconds": 1.0,
                "webhook_timeout_seconds": TIMEOUT_SECONDS,
                "webhook_senders": 3,
                **overrides,
            }
        )
        service = WebhookService(bootstrap(webhook_settings))
        service.start()
        started.append((service, webhook_settings))
        return service

    yield start
    for service, webhook_settings in started:
        service.close(timeout=10)
        service.deps.close()
        with messaging.connect(webhook_settings) as connection, connection.channel() as channel:
            queues = WebhookQueues(webhook_settings)
            for queue in queues.wait_queues(webhook_settings.wait_delays()):
                queue(channel).delete()


@pytest.fixture
def gateway_settings(gateway_settings):
    """The gateway of this module registers receivers on 127.0.0.1 (local use)."""
    return gateway_settings.model_copy(update={"webhooks_allow_local": True})


@pytest.fixture
def receiver():
    started: list[Receiver] = []

    def start(*answers) -> Receiver:
        started.append(Receiver(list(answers)).start())
        return started[-1]

    yield start
    for r in started:
        r.stop()


def add_hook(db, user_id: str, url: str, subscribed=("upload.completed",)) -> dict:
    """A webhook as the gateway registers it (POST /v1/webhooks)."""
    hook = {
        "_id": uuid.uuid4().hex,  # the gateway's ids: 32 hex digits
        "user_id": user_id,
        "url": url,
        "events": list(subscribed),
        "description": "test",
        "secret": "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "created_at": datetime.now(UTC),
        "status": "active",
        "failing_since": None,
    }
    db.webhooks.insert_one(hook)
    return hook


def publish_completed(publisher, user_id: str) -> events.Envelope:
    envelope = events.wrap(
        events.UploadCompleted(
            upload_id=uuid.uuid4().hex,
            user_id=user_id,
            status="completed",
            image_count=1,
            stored_count=1,
            rejected_count=0,
            read_count=1,
        ),
        source="jaryo/ocr-service",
    )
    publisher.publish(envelope)
    return envelope


def attempts(db, hook) -> list[dict]:
    return sorted(db.webhook_attempts.find({"hook_id": hook["_id"]}), key=lambda a: a["attempt"])


def settled(db, hook, count: int, timeout: float = 20) -> list[dict]:
    wait_until(lambda: len(attempts(db, hook)) >= count, timeout=timeout)
    time.sleep(0.3)
    return attempts(db, hook)


def _upload(client, user) -> str:
    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(200, 120)), "page.png"), "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["upload_id"]


def test_a_persons_hook_gets_exactly_their_subscribed_events_signed(
    client, db, make_user, workers, probe, webhook_service, receiver
):
    webhook_service()
    alice, bob = make_user(), make_user()
    alice_receiver, bob_receiver = receiver(200), receiver(200)
    alice_hook = add_hook(db, alice.user_id, alice_receiver.url())
    bob_hook = add_hook(db, bob.user_id, bob_receiver.url(), subscribed=("deck.completed",))

    alice_upload = _upload(client, alice)
    bob_upload = _upload(client, bob)
    seen: list = []

    def both_completed() -> bool:
        seen.extend(probe.drain())
        done = {p.upload_id for e, p in seen if e.type == "jaryo.upload.completed.v1"}
        return {alice_upload, bob_upload} <= done

    wait_until(both_completed, timeout=90)
    wait_until(lambda: alice_receiver.received, timeout=20)
    time.sleep(1.5)  # long enough for any other delivery to arrive too

    (completed,) = [
        e for e, p in seen if e.type == "jaryo.upload.completed.v1" and p.upload_id == alice_upload
    ]
    assert any(e.type == "jaryo.ocr.completed.v1" for e, _ in seen)  # published, not subscribed
    (delivery,) = alice_receiver.received
    assert delivery.path == "/hook"
    assert delivery.headers["Content-Type"] == "application/cloudevents+json"
    assert delivery.headers["User-Agent"] == "Jaryo-Webhooks/1"
    assert delivery.headers["webhook-id"] == completed.id
    verified = Webhook(alice_hook["secret"]).verify(delivery.body, delivery.headers)
    assert verified == json.loads(completed.model_dump_json())  # the CloudEvent itself
    assert verified["data"]["user_id"] == alice.user_id
    assert abs(int(delivery.headers["webhook-timestamp"]) - time.time()) < 60
    assert bob_receiver.received == []  # bob subscribed to no upload event
    with pytest.raises(Exception, match="signature"):
        Webhook(bob_hook["secret"]).verify(delivery.body, delivery.headers)
    (record,) = attempts(db, alice_hook)
    assert record["_id"] == f"{alice_hook['_id']}:{completed.id}:1"
    assert (record["outcome"], record["status_code"], record["error"]) == ("delivered", 200, None)
    assert (record["event_id"], record["event_type"]) == (completed.id, "upload.completed")
    assert record["user_id"] == alice.user_id and record["next_attempt_at"] is None
    assert attempts(db, bob_hook) == []


def test_a_receiver_failing_twice_gets_the_event_three_times_with_growing_gaps(
    db, publisher, webhook_service, receiver
):
    webhook_service()
    target = receiver(500, 500, 200)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    envelope = publish_completed(publisher, hook["user_id"])
    records = settled(db, hook, 3)

    arrivals = [r.at for r in target.received]
    assert len(arrivals) == 3
    first_gap, second_gap = arrivals[1] - arrivals[0], arrivals[2] - arrivals[1]
    assert waited_at_least(first_gap, DELAYS[0]) and waited_at_least(second_gap, DELAYS[1])
    assert second_gap > first_gap
    assert {r.headers["webhook-id"] for r in target.received} == {envelope.id}
    for delivery in target.received:  # each attempt signed afresh, the body unchanged
        Webhook(hook["secret"]).verify(delivery.body, delivery.headers)
    assert [(r["attempt"], r["outcome"], r["status_code"], r["error"]) for r in records] == [
        (1, "failed", 500, "HTTP 500"),
        (2, "failed", 500, "HTTP 500"),
        (3, "delivered", 200, None),
    ]
    for record in records[:2]:
        assert record["next_attempt_at"] > record["at"]
    assert db.webhooks.find_one({"_id": hook["_id"]})["status"] == "active"


def test_a_receiver_that_always_fails_is_given_up_and_marked_failing(
    db, publisher, webhook_service, receiver
):
    webhook_service()
    target = receiver(503)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    publish_completed(publisher, hook["user_id"])
    records = settled(db, hook, len(DELAYS) + 1, timeout=30)

    assert [r["outcome"] for r in records] == ["failed"] * len(DELAYS) + ["gave_up"]
    assert records[-1]["next_attempt_at"] is None
    assert len(target.received) == len(DELAYS) + 1
    assert waited_at_least(target.received[-1].at - target.received[-2].at, DELAYS[-1])
    stored = db.webhooks.find_one({"_id": hook["_id"]})
    assert stored["status"] == "failing" and stored["failing_since"] is not None
    time.sleep(1)
    assert len(target.received) == len(DELAYS) + 1  # nothing after giving up


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1:{port}/hook", "https://169.254.169.254/latest/meta-data/"],
    ids=["loopback", "cloud-metadata"],
)
def test_without_local_use_a_local_address_is_refused_and_never_called(
    db, publisher, webhook_service, receiver, url
):
    webhook_service(webhooks_allow_local=False)
    target = receiver(200)
    # Registered while local use was on, say; the service checks again before every attempt.
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", url.format(port=target.port))

    publish_completed(publisher, hook["user_id"])
    (record,) = settled(db, hook, 1)
    time.sleep(DELAYS[0] + 0.5)  # no retry follows either

    assert target.connections == 0
    assert record["outcome"] == "refused" and record["status_code"] is None
    assert record["error"].startswith("address not allowed")
    assert len(attempts(db, hook)) == 1
    assert db.webhooks.find_one({"_id": hook["_id"]})["status"] == "failing"


def test_without_local_use_plain_http_is_refused(db, publisher, webhook_service, receiver):
    webhook_service(webhooks_allow_local=False)
    target = receiver(200)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    publish_completed(publisher, hook["user_id"])
    (record,) = settled(db, hook, 1)

    assert target.connections == 0
    assert record["outcome"] == "refused" and record["error"].startswith("URL not allowed")


def test_a_redirect_is_not_followed(db, publisher, webhook_service, receiver):
    webhook_service(webhook_retry_delays_seconds=[])
    target = receiver(redirect)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    publish_completed(publisher, hook["user_id"])
    (record,) = settled(db, hook, 1)
    time.sleep(0.5)

    assert [r.path for r in target.received] == ["/hook"]
    assert record["status_code"] == 302 and record["error"] == "redirect not followed"
    assert record["outcome"] == "gave_up"  # no retries configured here


def test_an_endless_answer_is_not_read_beyond_the_bound(db, publisher, webhook_service, receiver):
    webhook_service()
    target = receiver(endless_body)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    publish_completed(publisher, hook["user_id"])
    (record,) = settled(db, hook, 1)
    wait_until(lambda: "written" in target.notes, timeout=10)

    assert record["outcome"] == "delivered" and record["status_code"] == 200
    assert record["duration_ms"] < TIMEOUT_SECONDS * 1000
    assert target.notes.get("cut_off")  # the sender hung up: the receiver could write no more
    assert target.notes["written"] < 64 * 1024**2


def test_a_receiver_that_never_answers_times_out_and_holds_up_no_other_hook(
    db, publisher, webhook_service, receiver
):
    webhook_service(webhook_retry_delays_seconds=[])
    silent, prompt = receiver(never_answer), receiver(200)
    user_id = f"user-{uuid.uuid4().hex}"
    silent_hook = add_hook(db, user_id, silent.url())
    prompt_hook = add_hook(db, user_id, prompt.url())

    started = time.monotonic()
    envelope = publish_completed(publisher, user_id)
    wait_until(lambda: prompt.received, timeout=10)
    assert time.monotonic() - started < TIMEOUT_SECONDS  # not behind the silent one
    (record,) = settled(db, silent_hook, 1)

    assert silent.received and silent.received[0].headers["webhook-id"] == envelope.id
    assert record["error"] == "timeout" and record["status_code"] is None
    assert TIMEOUT_SECONDS * 1000 * 0.9 <= record["duration_ms"] < (TIMEOUT_SECONDS + 1) * 1000
    assert [r["outcome"] for r in attempts(db, prompt_hook)] == ["delivered"]


def test_a_hook_deleted_while_its_retry_waits_gets_nothing_more(
    db, publisher, webhook_service, receiver
):
    webhook_service()
    target = receiver(500, 200)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", target.url())

    publish_completed(publisher, hook["user_id"])
    settled(db, hook, 1)
    db.webhooks.delete_one({"_id": hook["_id"]})
    time.sleep(DELAYS[0] + 1.0)

    assert len(target.received) == 1
    assert len(attempts(db, hook)) == 1


def test_a_waiting_retry_holds_no_sender_and_outlives_a_restart_of_the_service(
    db, publisher, webhook_service, receiver
):
    one_sender = {"webhook_senders": 1, "webhook_retry_delays_seconds": [3.0]}
    first = webhook_service(**one_sender)
    failing_once, other = receiver(500, 200), receiver(200)
    hook = add_hook(db, f"user-{uuid.uuid4().hex}", failing_once.url())
    other_hook = add_hook(db, f"user-{uuid.uuid4().hex}", other.url())

    envelope = publish_completed(publisher, hook["user_id"])
    settled(db, hook, 1)
    publish_completed(publisher, other_hook["user_id"])
    wait_until(lambda: other.received, timeout=1.5)  # the one sender was free meanwhile
    first.close(timeout=10)  # the retry waits in the broker, not in the stopped service
    assert len(failing_once.received) == 1
    webhook_service(**one_sender)
    records = settled(db, hook, 2)

    assert [r["outcome"] for r in records] == ["failed", "delivered"]
    assert [r.headers["webhook-id"] for r in failing_once.received] == [envelope.id] * 2
    assert waited_at_least(failing_once.received[1].at - failing_once.received[0].at, 3.0)


def test_a_webhook_registered_through_the_api_gets_its_owners_event_and_lists_the_delivery(
    client, make_user, workers, webhook_service, receiver
):
    """The whole path: POST /v1/webhooks, an upload read by the workers, the signed POST with
    the secret the registration showed, and the attempt in GET .../deliveries (its owner's
    only)."""
    webhook_service()
    alice, bob = make_user(), make_user()
    receivers = {alice.user_id: receiver(200), bob.user_id: receiver(200)}
    hooks = {}
    for user in (alice, bob):
        answer = client.post(
            "/v1/webhooks",
            json={"url": receivers[user.user_id].url(), "events": ["upload.completed"]},
            headers=user.auth,
        )
        assert answer.status_code == 201, answer.get_json()
        hooks[user.user_id] = answer.get_json()

    upload_id = _upload(client, alice)
    wait_until(lambda: receivers[alice.user_id].received, timeout=90)
    time.sleep(1.0)  # long enough for any other delivery to arrive too

    (delivery,) = receivers[alice.user_id].received
    event = Webhook(hooks[alice.user_id]["secret"]).verify(delivery.body, delivery.headers)
    assert event["type"] == "jaryo.upload.completed.v1"
    assert event["data"]["upload_id"] == upload_id
    assert receivers[bob.user_id].received == []  # bob's hook: his events only

    hook_id = hooks[alice.user_id]["id"]
    listed = client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=alice.auth)
    assert listed.status_code == 200, listed.get_json()
    (attempt,) = listed.get_json()["items"]
    assert attempt["event_id"] == delivery.headers["webhook-id"] == event["id"]
    assert (attempt["outcome"], attempt["status_code"], attempt["attempt"]) == (
        "delivered",
        200,
        1,
    )
    assert client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=bob.auth).status_code == 404


def test_one_persons_slow_receivers_leave_the_other_senders_to_another_person(
    db, publisher, webhook_service, receiver
):
    """4 senders, 2 of them a person's at most. Without the share, the slow person's 12 jobs
    (3 hooks, 4 events, each attempt waiting out the 1.5 s timeout) would hold all 4 senders
    for 3 rounds, and the other person's delivery would come 4.5 s late."""
    webhook_service(webhook_senders=4, webhook_senders_per_user=2, webhook_retry_delays_seconds=[])
    silent, prompt = receiver(never_answer), receiver(200)
    slow_person, other_person = f"user-{uuid.uuid4().hex}", f"user-{uuid.uuid4().hex}"
    slow_hooks = [add_hook(db, slow_person, silent.url()) for _ in range(3)]
    other_hook = add_hook(db, other_person, prompt.url())
    for _ in range(4):
        publish_completed(publisher, slow_person)
    wait_until(lambda: len(silent.received) >= 2, timeout=10)  # their share is under way

    started = time.monotonic()
    publish_completed(publisher, other_person)
    wait_until(lambda: prompt.received, timeout=10)

    # Not behind the slow person's jobs (which would be 3 rounds of the timeout, 4.5 s).
    assert time.monotonic() - started < 2 * TIMEOUT_SECONDS
    assert [r["outcome"] for r in attempts(db, other_hook)] == ["delivered"]
    records = [r for hook in slow_hooks for r in settled(db, hook, 4, timeout=60)]
    assert len(records) == 12 and {r["outcome"] for r in records} == {"gave_up"}  # none lost
    assert _most_at_once(records) <= 2


def _most_at_once(records: list[dict]) -> int:
    """The most attempts that were under way at one moment (each from `at` for `duration_ms`)."""
    edges = []
    for record in records:
        start = record["at"].timestamp()
        edges += [(start, 1), (start + record["duration_ms"] / 1000, -1)]
    most = now = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        now += step
        most = max(most, now)
    return most
