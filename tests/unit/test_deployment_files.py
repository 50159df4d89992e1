"""The files operators run Jaryo with are valid without running them (no Docker here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [
    "gateway",
    "storage-service",
    "ocr-service",
    "deck-service",
    "webhook-service",
    "janitor",
]


def test_compose_file_matches_the_compose_spec():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_every_service_with_health_gated_dependencies():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in SERVICES:
        spec = compose["services"][service]
        assert spec["build"]["dockerfile"] == f"{service}/Dockerfile"
        assert spec["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    for server in ("rabbitmq", "mongodb", "s3"):
        assert "healthcheck" in compose["services"][server]


def test_every_service_image_is_multi_stage_and_runs_as_non_root():
    for service in SERVICES:
        dockerfile = (ROOT / service / "Dockerfile").read_text()
        assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2, service
        assert "USER 10001" in dockerfile, service
        assert "uv sync --frozen" in dockerfile, service


def test_compose_requires_the_operators_jwt_key_and_gives_it_to_the_gateway_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    key = compose["services"]["gateway"]["environment"]["JARYO_JWT_SECRET"]
    # `${VAR:?message}`: compose stops with the message when the operator set no key.
    assert key.startswith("${JARYO_JWT_SECRET:?") and key.endswith("}")
    assert "secrets.token_urlsafe" in key  # the message says how to make one
    for name, spec in compose["services"].items():
        if name != "gateway":
            assert "JARYO_JWT_SECRET" not in (spec.get("environment") or {}), name
