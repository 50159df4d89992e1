"""/v1/templates: list the built-in templates and show a preview of each."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, send_file, url_for

from gateway.auth.routes import require_user
from gateway.problems import Problem
from jaryo_shared.templates import BUILTIN, Template

blueprint = Blueprint("templates", __name__, url_prefix="/v1/templates")


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


def template_view(template: Template) -> dict[str, object]:
    return {
        "template_id": template.template_id,
        "name": template.name,
        "description": template.description,
        "layouts": template.layouts,
        "preview_url": url_for("templates.get_preview", template_id=template.template_id),
    }


@blueprint.get("")
@require_user
def list_templates() -> Response:
    return jsonify({"items": [template_view(t) for t in BUILTIN.values()]})


@blueprint.get("/<template_id>/preview")
@require_user
def get_preview(template_id: str) -> Response:
    template = BUILTIN.get(template_id)
    if template is None:
        raise NotFound(f"no template {template_id!r}")
    return send_file(template.preview_path, mimetype="image/png", max_age=3600)
