"""The operators' tools live in their own workspace package (`ops/`, `jaryo_ops`), run and never
imported by a service, and ship in the image the docs tell operators to exec into."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [
    "gateway",
    "storage-service",
    "ocr-service",
    "deck-service",
    "webhook-service",
    "janitor",
]


def _members() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"][
        "members"
    ]


def test_every_image_copies_the_whole_workspace_its_frozen_sync_reads():
    assert "ops" in _members()
    for service in SERVICES:
        dockerfile = (ROOT / service / "Dockerfile").read_text()
        for member in _members():
            assert f"\nCOPY {member} {member}\n" in dockerfile, (service, member)


def test_the_image_operators_exec_into_for_dead_letters_carries_the_tool():
    documented = re.search(
        r"kubectl -n jaryo exec deploy/([\w-]+) -- python -m jaryo_ops\.dead_letters",
        (ROOT / "docs" / "operations.md").read_text(),
    )
    assert documented is not None
    sync = re.search(
        r"uv sync [^\n]*", (ROOT / documented.group(1) / "Dockerfile").read_text()
    ).group(0)
    assert "--package jaryo-ops" in sync


def test_no_service_depends_on_the_ops_package():
    for service in [*SERVICES, "shared"]:
        project = tomllib.loads((ROOT / service / "pyproject.toml").read_text())["project"]
        assert not any(d.startswith("jaryo-ops") for d in project["dependencies"]), service
