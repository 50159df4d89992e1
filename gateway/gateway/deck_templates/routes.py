"""/v1/templates: the built-in templates and the caller's own, with previews; add and delete
private templates."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file, url_for

from gateway.auth.routes import require_user
from gateway.bootstrap import Dependencies
from gateway.deck_templates.checks import InvalidTemplate, check_template
from gateway.problems import Problem
from jaryo_shared.database import by_id
from jaryo_shared.keys import template_key
from jaryo_shared.templates import BUILTIN, LAYOUTS, Template

blueprint = Blueprint("templates", __name__, url_prefix="/v1/templates")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class Unacceptable(Problem):
    status, slug, title = 422, "invalid-template", "Invalid template"


class TooLarge(Problem):
    status, slug, title = 413, "too-large", "Too large"


def _deps() -> Dependencies:
    deps: Dependencies = current_app.extensions["jaryo"]
    return deps


def builtin_view(template: Template) -> dict[str, Any]:
    return {
        "template_id": template.template_id,
        "name": template.name,
        "description": template.description,
        "layouts": template.layouts,
        "preview_url": url_for("templates.get_preview", template_id=template.template_id),
        "private": False,
    }


def private_view(template: dict[str, Any]) -> dict[str, Any]:
    return {
        "template_id": template["_id"],
        "name": template["name"],
        "description": template["description"],
        "layouts": template["layouts"],
        "preview_url": None,
        "private": True,
    }


@blueprint.get("")
@require_user
def list_templates() -> Response:
    own = _deps().db.templates.find({"user_id": g.user_id}).sort("created_at", 1)
    items = [builtin_view(t) for t in BUILTIN.values()] + [private_view(t) for t in own]
    return jsonify({"items": items})


@blueprint.get("/<template_id>/preview")
@require_user
def get_preview(template_id: str) -> Response:
    template = BUILTIN.get(template_id)
    if template is None:
        raise NotFound(f"no template {template_id!r} with a preview")
    return send_file(template.preview_path, mimetype="image/png", max_age=3600)


@blueprint.post("")
@require_user
def add_template() -> tuple[Response, int, dict[str, str]]:
    """One .pptx in the `template` field, with optional `name` and `description`."""
    deps = _deps()
    files = request.files.getlist("template")
    if len(files) != 1:
        raise Unacceptable("send exactly one .pptx in the 'template' field", pointer="/template")
    data = files[0].stream.read(deps.settings.max_template_bytes + 1)
    if len(data) > deps.settings.max_template_bytes:
        raise TooLarge(f"a template may be at most {deps.settings.max_template_bytes} bytes")
    try:
        checked = check_template(data)
    except InvalidTemplate as exc:
        raise Unacceptable(str(exc), pointer="/template") from None
    name = (request.form.get("name") or files[0].filename or "My template").strip()[:80]
    template_id = uuid.uuid4().hex
    key = template_key(g.user_id, template_id)
    deps.store.put_bytes(deps.settings.bucket_decks, key, data, PPTX)
    document = {
        "_id": template_id,
        "user_id": g.user_id,
        "name": name.removesuffix(".pptx") or "My template",
        "description": (request.form.get("description") or "").strip()[:300],
        "layouts": [api for api, pptx_name in LAYOUTS.items() if pptx_name in checked.layouts],
        "file_path": key,
        "size": len(data),
        "created_at": deps.clock.now(),
    }
    try:
        deps.db.templates.insert_one(document)
    except Exception:
        deps.store.delete(deps.settings.bucket_decks, key)  # nothing half-written
        raise
    return jsonify(private_view(document)), 201, {"Location": f"/v1/templates/{template_id}"}


@blueprint.delete("/<template_id>")
@require_user
def delete_template(template_id: str) -> tuple[str, int]:
    if template_id in BUILTIN:
        raise Forbidden("built-in templates cannot be deleted")
    deps = _deps()
    template = by_id(deps.db.templates, template_id, user_id=g.user_id)
    if template is None:
        raise NotFound("no such template")
    deps.db.templates.delete_one({"_id": template_id, "user_id": g.user_id})
    deps.store.delete(deps.settings.bucket_decks, template["file_path"])
    return "", 204
