"""The 202 of `POST /v1/uploads` does not wait for the broker: the upload owes `upload.received`
in its outbox when the client is answered, and the event follows (gateway.uploads.announcer)."""

from __future__ import annotations

import io
import threading

import pytest

from tests.helpers import png_bytes, wait_until

pytestmark = pytest.mark.integration


def test_an_upload_is_answered_while_the_broker_is_slow_and_its_event_follows(
    app, client, make_user, db, probe, monkeypatch
):
    publisher = app.extensions["jaryo"].publisher
    broker_answers = threading.Event()
    publish = publisher.publish

    def slow_publish(envelope):
        broker_answers.wait(timeout=10)  # an answer that waited for this fails, but does not hang
        publish(envelope)

    monkeypatch.setattr(publisher, "publish", slow_publish)
    user = make_user()

    response = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes()), "page.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    )

    assert response.status_code == 202
    upload_id = response.get_json()["upload_id"]
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is True  # still owed
    broker_answers.set()
    published = probe.until("jaryo.upload.received.v1", upload_id=upload_id)
    assert [(envelope.type, envelope.subject) for envelope, _ in published] == [
        ("jaryo.upload.received.v1", upload_id),
        ("jaryo.image.received.v1", upload_id),
    ]
    wait_until(lambda: db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False)
