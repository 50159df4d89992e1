"""The published event contract (docs/asyncapi.yaml) is current with the models the services use,
accepts what they send, and refuses what a consumer could not rely on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from jsonschema import validators

from jaryo_ops import asyncapi
from jaryo_shared import events
from tests.event_contract import violations

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "docs" / "asyncapi.yaml"


def _completed(**changes) -> dict:
    payload = events.UploadCompleted(
        upload_id="u1",
        user_id="p1",
        status="partial",
        image_count=2,
        stored_count=2,
        rejected_count=0,
        read_count=1,
        unread_count=1,
        failures=[events.ImageFailure(image_id="i2", reason="too dark")],
    )
    wire = json.loads(
        events.wrap(payload, source="jaryo/ocr-service", subject="u1").model_dump_json()
    )
    return {**wire, **changes}


def test_the_published_document_is_what_the_models_generate():
    assert PUBLISHED.read_text() == asyncapi.render(), "run `make asyncapi` and commit the result"


def test_the_published_document_is_valid_asyncapi_3_by_the_official_schema():
    path = os.environ.get("JARYO_ASYNCAPI_SCHEMA")
    assert path and Path(path).is_file(), "the AsyncAPI schema is missing: run scripts/install.sh"
    schema = json.loads(Path(path).read_text())
    validator = validators.validator_for(schema)(schema)
    document = yaml.safe_load(PUBLISHED.read_text())
    assert [e.message[:200] for e in validator.iter_errors(document)] == []
    broken = yaml.safe_load(PUBLISHED.read_text())
    next(iter(broken["operations"].values()))["action"] = "publish"  # AsyncAPI 2's word
    assert list(validator.iter_errors(broken)), "the official schema must catch a broken document"


def test_every_event_type_has_a_channel_a_message_and_a_schema_and_every_reference_resolves():
    document = yaml.safe_load(PUBLISHED.read_text())
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {model.routing_key() for model in events.EVENT_TYPES.values()}

    def resolve(ref: str) -> dict:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    refs: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert len(refs) > 3 * len(events.EVENT_TYPES)
    for ref in refs:
        assert isinstance(resolve(ref), dict), ref


def test_an_event_as_the_services_send_it_matches_its_schema():
    assert violations(json.dumps(_completed())) == []


def test_the_schema_refuses_a_wrong_status_a_missing_field_and_a_foreign_source():
    assert violations(json.dumps(_completed(source="somebody/else")))
    wrong_status = _completed()
    wrong_status["data"]["status"] = "almost"
    assert violations(json.dumps(wrong_status))
    missing = _completed()
    del missing["data"]["upload_id"]
    assert any("upload_id" in v for v in violations(json.dumps(missing)))
    assert violations(json.dumps({**_completed(), "type": "jaryo.upload.completed.v9"}))


def test_an_added_optional_field_is_still_valid_so_additive_changes_keep_the_version():
    newer = _completed()
    newer["data"]["pages"] = 3
    assert violations(json.dumps(newer)) == []
