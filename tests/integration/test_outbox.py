"""No event is never published: with the broker down an upload is still accepted, and a worker
still records its outcome; each service's outbox relay publishes what it owes once the broker
answers, whether or not any other service is up."""

from __future__ import annotations

import io
import subprocess
import sys
import uuid

import pytest

from gateway.app import create_app
from gateway.outbox_relay import relay_pass
from jaryo_shared import events, messaging, outbox
from jaryo_shared.topology import Topology
from tests.helpers import png_bytes
from tests.integration.processes import service_env, stop

pytestmark = pytest.mark.integration


def test_upload_accepted_while_broker_is_down_is_published_by_the_relay_later(
    gateway_settings, app, make_user, db, probe
):
    user = make_user()
    broker_down = gateway_settings.model_copy(
        update={"amqp_url": "amqp://guest:guest@127.0.0.1:1//"}
    )
    offline = create_app(broker_down, run_relay=False)
    response = offline.test_client().post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes()), "page.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    offline.extensions["jaryo"].close()

    assert response.status_code == 202
    upload_id = response.get_json()["upload_id"]
    upload = db.uploads.find_one({"_id": upload_id})
    assert upload["outbox_pending"] is True and len(upload["outbox"]) == 2
    assert probe.drain() == []

    # The writer's claim lapses; then a relay with a live broker publishes it, once.
    db.uploads.update_one({"_id": upload_id}, {"$set": {"outbox_claimed_until": None}})
    assert relay_pass(app.extensions["jaryo"]) >= 1
    assert relay_pass(app.extensions["jaryo"]) == 0
    published = probe.until("jaryo.upload.received.v1")
    assert [(e.type, p.upload_id) for e, p in published] == [
        ("jaryo.upload.received.v1", upload_id),
        ("jaryo.image.received.v1", upload_id),
    ]
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False


def test_event_a_worker_could_not_publish_is_relayed_by_the_worker_with_no_gateway_running(
    settings, db, probe
):
    """Storage records an image's outcome while the broker refuses it; the storage service, run
    as operators run it and with no gateway anywhere, publishes the event once its claim lapses."""
    image_id = uuid.uuid4().hex
    db.images.insert_one({"_id": image_id, "upload_id": "u-relay", "storage": {}})
    rejected = events.wrap(
        events.ImageRejected(
            upload_id="u-relay", user_id="u-1", image_id=image_id, reason="not an image"
        ),
        source="jaryo/storage-service",
        subject="u-relay",
    )
    down = settings.model_copy(update={"amqp_url": "amqp://guest:guest@127.0.0.1:1//"})
    refused = messaging.Publisher(messaging.connect(down), Topology(down), max_retries=1)
    with pytest.raises(messaging.UNREACHABLE):
        outbox.record_and_flush(
            db.images, image_id, refused, rejected, {"storage": {"status": "rejected"}}
        )
    refused.close()
    db.images.update_one({"_id": image_id}, {"$set": {"outbox_claimed_until": None}})

    env = {**service_env(settings), "JARYO_OUTBOX_RELAY_INTERVAL_SECONDS": "0.2"}
    worker = subprocess.Popen([sys.executable, "-m", "storage_service"], env=env)
    try:
        # Only this upload's: the worker also relays what earlier tests of the session left owed.
        published = probe.until(events.ImageRejected.event_type, upload_id="u-relay", timeout=30)
        assert [e.id for e, _ in published] == [rejected.id]  # once
        assert db.images.find_one({"_id": image_id})["outbox_pending"] is False
    finally:
        stop(worker)
    assert worker.returncode == 0
