"""Liveness and readiness: /healthz says the process answers, /readyz that its servers do."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.bootstrap import current_deps
from gateway.problems import ServersUnreachable
from jaryo_shared.health import run_checks

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz() -> Response:
    checks = run_checks(current_deps().readiness_checks())
    down = sorted(name for name, state in checks.items() if state != "ok")
    if down:
        raise ServersUnreachable(f"unreachable: {', '.join(down)}", checks=checks)
    return jsonify(status="ready", checks=checks)
