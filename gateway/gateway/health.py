"""Liveness and readiness: /healthz says the process answers, /readyz that its servers do."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from gateway.openapi.operations import documented, json, problem
from gateway.problems import problem_response
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
    checks = run_checks(current_app.extensions["jaryo"].readiness_checks())
    down = sorted(name for name, state in checks.items() if state != "ok")
    if down:
        return problem_response(
            503,
            "not-ready",
            "Not ready",
            f"unreachable: {', '.join(down)}",
            checks=checks,
        )
    return jsonify(status="ready", checks=checks)
