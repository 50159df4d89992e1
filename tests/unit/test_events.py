"""The event envelope: what other teams read off the wire."""

from __future__ import annotations

import pytest

from jaryo_shared import events


def _received() -> events.UploadReceived:
    return events.UploadReceived(
        upload_id="up1",
        user_id="u1",
        image_type="kor-printed",
        images=[events.ReceivedImage(image_id="i1", image_name="a.png", staging_key="k", size=3)],
    )


def test_envelope_carries_cloudevents_attributes_and_round_trips():
    envelope = events.wrap(_received(), source="jaryo/gateway", subject="up1", correlation_id="c1")
    wire = envelope.model_dump_json()
    parsed, payload = events.parse(wire)
    assert parsed.specversion == "1.0"
    assert parsed.type == "jaryo.upload.received.v1"
    assert parsed.routing_key == "upload.received.v1"
    assert parsed.correlationid == "c1" and parsed.subject == "up1" and parsed.id
    assert payload == _received()


def test_unknown_event_type_is_refused():
    envelope = events.wrap(_received(), source="t").model_copy(update={"type": "jaryo.nope.v9"})
    with pytest.raises(events.UnknownEventError):
        events.parse(envelope.model_dump_json())


def test_malformed_payload_is_refused():
    envelope = events.wrap(_received(), source="t")
    broken = envelope.model_copy(update={"data": {"upload_id": "x"}})
    with pytest.raises(ValueError, match="malformed"):
        events.parse(broken.model_dump_json())


def test_not_json_is_refused():
    with pytest.raises(ValueError):
        events.parse(b"\x80not json")
