"""No upload exists whose event is never published: with the broker down the upload is still
accepted, and the outbox relay publishes its event once the broker answers."""

from __future__ import annotations

import io

import pytest

from gateway.app import create_app
from gateway.outbox_relay import relay_pass
from tests.helpers import png_bytes

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
    assert upload["outbox_pending"] is True and len(upload["outbox"]) == 1
    assert probe.drain() == []

    # The writer's claim lapses; then a relay with a live broker publishes it, once.
    db.uploads.update_one({"_id": upload_id}, {"$set": {"outbox_claimed_until": None}})
    assert relay_pass(app.extensions["jaryo"]) >= 1
    assert relay_pass(app.extensions["jaryo"]) == 0
    published = probe.until("jaryo.upload.received.v1")
    assert [(e.type, p.upload_id) for e, p in published] == [
        ("jaryo.upload.received.v1", upload_id)
    ]
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False
