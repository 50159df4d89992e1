"""Liveness and readiness: /healthz says the process answers, /readyz that its servers do."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from gateway.bootstrap import current_deps
from gateway.openapi.operations import documented, json, problem
from gateway.problems import ServersUnreachable
from gateway.schemas import Alive, Ready
from jaryo_shared.health import run_checks

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@documented({200: json(Alive, "the process answers")}, public=True)
def healthz() -> Response:
    return jsonify(status="ok")


@blueprint.get("/readyz")
@documented(
    {
        200: json(Ready, "MongoDB, RabbitMQ and S3 reachable"),
        503: problem("names what is down (`checks`)"),
    },
    public=True,
)
def readyz() -> Response:
    checks = run_checks(current_deps().readiness_checks())
    down = sorted(name for name, state in checks.items() if state != "ok")
    if down:
        raise ServersUnreachable(f"unreachable: {', '.join(down)}", checks=checks)
    return jsonify(status="ready", checks=checks)
