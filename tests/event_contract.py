"""Checking a message off the wire against the published contract (docs/asyncapi.yaml, read as
published), the way another team's consumer would: with a plain JSON Schema validator, not our
pydantic models."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

PUBLISHED = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.yaml"


@cache
def _validators() -> dict[str, Draft202012Validator]:
    """One validator per event type, from the published file itself (not regenerated from the
    models): each message's schema, with the document's components so its refs resolve."""
    document = yaml.safe_load(PUBLISHED.read_text())
    components = document["components"]
    found = {}
    for message in components["messages"].values():
        ref = message["payload"]["$ref"]  # '#/components/schemas/<Name>Event'
        schema = {**components["schemas"][ref.rsplit("/", 1)[-1]], "components": components}
        found[message["name"]] = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return found


def violations(body: bytes | str) -> list[str]:
    """What is wrong with this message by the published schemas; empty if nothing is."""
    message: Any = json.loads(body)
    validator = _validators().get(message.get("type")) if isinstance(message, dict) else None
    if validator is None:
        return [f"no published schema for type {message.get('type')!r}"]
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(message)
    ]


def assert_matches_contract(body: bytes | str) -> None:
    found = violations(body)
    assert not found, f"an event broke its published schema: {found}\n{body!r}"
