"""A gateway killed between writing an upload and sending its `upload.received` leaves the upload
owing its event, claimed by a writer that is gone (a gateway whose broker is away leaves it the
same way, which is how it is made here). The client's retry with the same Idempotency-Key gets
that upload, and its event goes out at once: not when the dead writer's claim runs out (30 s),
which left a person's upload `queued` after its 202 (docs/reliability.md, item 4)."""

from __future__ import annotations

import io
import uuid

import pytest

from gateway.app import create_app
from jaryo_shared import outbox
from tests.helpers import png_bytes

pytestmark = pytest.mark.integration

# Far less than the first writer's claim, so only the retry can have sent the event.
PROMPTLY = outbox.CLAIM_SECONDS / 3


def _post(client, user, key: str):
    return client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes()), "page.png")},
        headers={**user.auth, "Idempotency-Key": key},
        content_type="multipart/form-data",
    )


def test_a_retried_upload_whose_first_request_never_sent_its_event_is_announced_at_once(
    gateway_settings, client, make_user, db, probe
):
    user, key = make_user(), uuid.uuid4().hex
    broker_down = gateway_settings.model_copy(
        update={"amqp_url": "amqp://guest:guest@127.0.0.1:1//"}
    )
    first_gateway = create_app(broker_down, run_relay=False)
    first = _post(first_gateway.test_client(), user, key)
    first_gateway.extensions["jaryo"].close()
    upload_id = first.get_json()["upload_id"]
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is True
    probe.drain()

    again = _post(client, user, key)  # to a gateway that reaches the broker, with no relay

    assert again.status_code == 202
    assert again.get_json()["upload_id"] == upload_id  # the same upload, not a second one
    published = probe.until("jaryo.upload.received.v1", timeout=PROMPTLY, upload_id=upload_id)
    assert [envelope.type for envelope, _ in published] == [
        "jaryo.upload.received.v1",
        "jaryo.image.received.v1",
    ]
    assert db.uploads.find_one({"_id": upload_id})["outbox_pending"] is False
