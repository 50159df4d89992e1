"""/v1/webhooks: register a callback URL for events about the caller's own resources (its
secret shown once), list, read and delete the caller's webhooks, and see the recent attempts
to deliver to one. Every read is scoped to the caller."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from gateway import paging
from gateway.auth.routes import require_user
from gateway.bootstrap import current_deps
from gateway.openapi.common import BAD_PAGE, NOT_FOUND
from gateway.openapi.operations import documented, empty, json, problem
from gateway.problems import NotFound
from gateway.schemas import PageQuery
from gateway.validation import parse_json
from gateway.webhooks import service
from gateway.webhooks.schemas import (
    MAX_DELIVERIES,
    CreatedWebhook,
    Deliveries,
    DeliveriesQuery,
    NewWebhook,
    Webhook,
    WebhookPage,
)

blueprint = Blueprint("webhooks", __name__, url_prefix="/v1/webhooks")


def webhook_view(hook: dict[str, Any]) -> dict[str, Any]:
    failing_since = hook.get("failing_since")
    return {
        "id": hook["_id"],
        "url": hook["url"],
        "events": hook["events"],
        "description": hook.get("description"),
        "status": hook.get("status", "active"),
        "failing_since": failing_since.isoformat() if failing_since else None,
        "created_at": hook["created_at"].isoformat(),
    }


def delivery_view(attempt: dict[str, Any]) -> dict[str, Any]:
    next_attempt_at = attempt.get("next_attempt_at")
    return {
        "event_id": attempt["event_id"],
        "event_type": attempt["event_type"],
        "attempt": attempt["attempt"],
        "at": attempt["at"].isoformat(),
        "status_code": attempt.get("status_code"),
        "error": attempt.get("error"),
        "outcome": attempt["outcome"],
        "next_attempt_at": next_attempt_at.isoformat() if next_attempt_at else None,
        "duration_ms": attempt.get("duration_ms", 0),
    }


@blueprint.post("")
@documented(
    {
        201: json(CreatedWebhook, "registered; the only answer that shows its secret", "Location"),
        422: problem(
            "malformed (`pointer` names the field), or (`code` unsafe-webhook-url) a URL "
            "webhooks may not call: `reason` is malformed, scheme, credentials, unresolvable "
            "or address"
        ),
        429: problem(
            "the caller keeps as many webhooks as allowed (`limit`: webhooks_per_user), or is "
            "adding another one (see Retry-After)"
        ),
    },
    body=NewWebhook,
)
@require_user
def register_webhook() -> tuple[Response, int, dict[str, str]]:
    """Call `url` with each of the `events` about the caller's own uploads and decks. The URL
    must be https on a host whose every address is public (checked after DNS resolution, and
    again before each delivery)."""
    new = parse_json(NewWebhook)
    deps = current_deps()
    limits = service.Limits(deps.settings.webhooks_allow_local, deps.settings.max_webhooks_per_user)
    hook = service.register(deps.db, deps.clock, limits, g.user_id, new)
    created = {**webhook_view(hook), "secret": hook["secret"]}
    return jsonify(created), 201, {"Location": f"/v1/webhooks/{hook['_id']}"}


@blueprint.get("")
@documented({200: json(WebhookPage, "newest first"), 422: BAD_PAGE}, query=PageQuery)
@require_user
def list_webhooks() -> Response:
    page_request = paging.page_request(request.args)
    found = service.newest_first(current_deps().db, g.user_id, page_request)
    page, next_cursor = paging.page_of(found, page_request)
    return jsonify({"items": [webhook_view(hook) for hook in page], "next_cursor": next_cursor})


@blueprint.get("/<webhook_id>")
@documented({200: json(Webhook, "the webhook, without its secret"), 404: NOT_FOUND})
@require_user
def get_webhook(webhook_id: str) -> Response:
    hook = service.own_webhook(current_deps().db, g.user_id, webhook_id)
    if hook is None:
        raise NotFound("no such webhook")
    return jsonify(webhook_view(hook))


@blueprint.delete("/<webhook_id>")
@documented({204: empty("deleted, with the record of its deliveries"), 404: NOT_FOUND})
@require_user
def delete_webhook(webhook_id: str) -> tuple[str, int]:
    if not service.delete(current_deps().db, g.user_id, webhook_id):
        raise NotFound("no such webhook")
    return "", 204


@blueprint.get("/<webhook_id>/deliveries")
@documented(
    {
        200: json(Deliveries, "the most recent attempts, newest first"),
        404: NOT_FOUND,
        422: problem("limit out of range"),
    },
    query=DeliveriesQuery,
)
@require_user
def list_deliveries(webhook_id: str) -> Response:
    raw = request.args.get("limit")
    limit = MAX_DELIVERIES if raw is None else paging.whole_number(raw, "limit", 1, MAX_DELIVERIES)
    found = service.recent_deliveries(current_deps().db, g.user_id, webhook_id, limit)
    if found is None:
        raise NotFound("no such webhook")
    return jsonify({"items": [delivery_view(attempt) for attempt in found]})
