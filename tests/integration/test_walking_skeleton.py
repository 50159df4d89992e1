"""The foundation's walking skeleton over the real broker, database and object store: an event
the gateway publishes becomes a worker's write; a failing message is retried, then
dead-lettered; readiness names what is down."""

from __future__ import annotations

import uuid

import pytest

from gateway.app import create_app
from gateway.bootstrap import bootstrap as gateway_bootstrap
from gateway.outbox_relay import relay_pass
from gateway.settings import GatewaySettings
from jaryo_shared import events, outbox
from jaryo_shared.clock import SystemClock
from jaryo_shared.keys import image_key
from jaryo_shared.messaging import PermanentError
from jaryo_shared.topology import Topology
from storage_service.bootstrap import bootstrap as storage_bootstrap
from storage_service.handlers import handlers as storage_handlers
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes, wait_until

pytestmark = pytest.mark.integration


def _received_upload(db, store, settings, *, user_id="u1"):
    """Stage one PNG and write its Upload and Image documents, owing upload.received and the
    image's image.received, as the gateway does."""
    upload_id, image_id = uuid.uuid4().hex, uuid.uuid4().hex
    key = image_key(user_id, upload_id, "page.png")
    data = png_bytes(120, 80)
    store.put_bytes(settings.bucket_staging, key, data, "image/png")
    image = events.ReceivedImage(
        image_id=image_id, image_name="page.png", staging_key=key, size=len(data)
    )
    received = events.UploadReceived(
        upload_id=upload_id,
        user_id=user_id,
        image_type="mixed-printed",
        images=[image],
        each_image_announced=True,
    )
    image_received = events.ImageReceived(
        upload_id=upload_id,
        user_id=user_id,
        image_type="mixed-printed",
        image=image,
        upload_image_ids=[image_id],
    )
    envelope, image_envelope = (
        events.wrap(
            event, source="jaryo/gateway", subject=upload_id, correlation_id="corr-" + upload_id[:8]
        )
        for event in (received, image_received)
    )
    db.images.insert_one(
        {
            "_id": image_id,
            "upload_id": upload_id,
            "user_id": user_id,
            "index": 0,
            "image_path": key,
            "staging_key": key,
            "image_name": "page.png",
            "storage": {"status": "queued"},
        }
    )
    # The request path's claim lapses at once, so the relay is what publishes it here.
    db.uploads.insert_one(
        {
            "_id": upload_id,
            "user_id": user_id,
            "status": "processing",
            **outbox.pending(envelope, image_envelope, now=SystemClock().now()),
            "outbox_claimed_until": None,
        }
    )
    return upload_id, image_id, envelope


def _image_received(upload_id: str) -> events.ImageReceived:
    image = events.ReceivedImage(image_id="i", image_name="a.png", staging_key="k", size=1)
    return events.ImageReceived(
        upload_id=upload_id,
        user_id="u",
        image_type="eng-printed",
        image=image,
        upload_image_ids=["i"],
    )


def test_event_published_by_gateway_is_written_to_database_by_storage_worker(
    settings, db, store, run_worker
):
    gateway = gateway_bootstrap(GatewaySettings(**settings.model_dump()))
    storage = storage_bootstrap(StorageSettings(**settings.model_dump()))
    run_worker("storage", storage_handlers(storage))
    upload_id, image_id, _ = _received_upload(db, store, settings)

    assert relay_pass(gateway) >= 1  # the relay publishes both events
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False

    doc = wait_until(lambda: db.images.find_one({"_id": image_id, "storage.status": "stored"}))
    assert (doc["storage"]["width"], doc["storage"]["height"]) == (120, 80)
    assert store.size(settings.bucket_images, doc["image_path"]) == doc["storage"]["size"]
    gateway.close()


def test_failing_message_is_retried_then_dead_lettered_not_lost(
    settings, publisher, run_worker, broker, purge_queues
):
    purge_queues()
    attempts: list[str] = []

    def always_fails(envelope, payload):
        attempts.append(envelope.id)
        raise RuntimeError("the handler's dependency is down")

    run_worker("storage", {events.ImageReceived.event_type: always_fails})
    envelope = events.wrap(
        _image_received("x"),
        source="tests",
    )
    publisher.publish(envelope)

    dead = Topology(settings).dead_letter_queue("storage")
    message = wait_until(lambda: dead(broker.default_channel).get(no_ack=True), timeout=30)
    assert events.parse(message.body)[0].id == envelope.id
    # Delivered once, then redelivered up to the limit; never again after dead-lettering.
    settled = attempts.count(envelope.id)
    assert settings.delivery_limit <= settled <= settings.delivery_limit + 1
    # A message published after it reaches the worker behind any redelivery of the first, so
    # once the worker has seen it, the first was not delivered again.
    marker = events.wrap(
        _image_received("y"),
        source="tests",
    )
    publisher.publish(marker)
    wait_until(lambda: marker.id in attempts, timeout=30)
    assert attempts.count(envelope.id) == settled


def test_permanent_failure_is_dead_lettered_without_retries(
    settings, publisher, run_worker, broker, purge_queues
):
    purge_queues()
    attempts: list[str] = []

    def rejects(envelope, payload):
        attempts.append(envelope.id)
        raise PermanentError("this upload can never be stored")

    run_worker("storage", {events.ImageReceived.event_type: rejects})
    envelope = events.wrap(
        _image_received("y"),
        source="tests",
    )
    publisher.publish(envelope)
    dead = Topology(settings).dead_letter_queue("storage")
    message = wait_until(lambda: dead(broker.default_channel).get(no_ack=True), timeout=30)
    assert events.parse(message.body)[0].id == envelope.id
    assert attempts == [envelope.id]


def test_readyz_reports_every_server_ok(settings):
    app = create_app(GatewaySettings(**settings.model_dump()), run_relay=False)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"mongodb": "ok", "rabbitmq": "ok", "s3": "ok"}


def test_readyz_is_503_naming_the_object_store_when_it_is_unreachable(settings):
    down = GatewaySettings(**{**settings.model_dump(), "s3_endpoint": "127.0.0.1:1"})
    app = create_app(down, run_relay=False)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "https://jaryo.dev/problems/not-ready"
    assert body["code"] == "servers-unreachable"  # not a resource of the caller's not ready
    assert "s3" in body["detail"]
    assert body["checks"]["s3"].startswith("down")
    assert body["checks"]["mongodb"] == "ok"
