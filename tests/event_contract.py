"""Checking a message off the wire against the published contract (docs/asyncapi.yaml), the
way another team's consumer would: with a plain JSON Schema validator, not our pydantic models."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from jaryo_shared import asyncapi


@cache
def _validators() -> dict[str, Draft202012Validator]:
    return {
        event_type: Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        for event_type, schema in asyncapi.schemas_by_type().items()
    }


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
