"""/v1/templates: the built-in templates and the caller's own, with previews; add and delete
private templates."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request, send_file, url_for

from gateway.auth.routes import require_user
from gateway.bootstrap import current_deps
from gateway.deck_templates import service
from gateway.deck_templates.schemas import Template as TemplateAnswer
from gateway.deck_templates.schemas import TemplateForm, TemplateList
from gateway.openapi.common import NOT_FOUND
from gateway.openapi.operations import content, documented, empty, json, problem
from gateway.problems import Forbidden, NotFound, UnacceptableTemplate
from jaryo_shared.templates import BUILTIN, Template

blueprint = Blueprint("templates", __name__, url_prefix="/v1/templates")


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
@documented({200: json(TemplateList, "built-in templates, then the caller's own")})
@require_user
def list_templates() -> Response:
    own = service.own_templates(current_deps().db, g.user_id)
    items = [builtin_view(t) for t in BUILTIN.values()] + [private_view(t) for t in own]
    return jsonify({"items": items})


@blueprint.get("/<template_id>/preview")
@documented({200: content("image/png", "its first slide"), 404: NOT_FOUND})
@require_user
def get_preview(template_id: str) -> Response:
    template = BUILTIN.get(template_id)
    if template is None:
        raise NotFound(f"no template {template_id!r} with a preview")
    return send_file(template.preview_path, mimetype="image/png", max_age=3600)


@blueprint.post("")
@documented(
    {
        201: json(TemplateAnswer, "a private template of the caller", "Location"),
        413: problem(
            "over the size limit, or past the caller's template storage (`limit`: "
            "template_bytes_per_user)"
        ),
        422: problem(
            "not a plain .pptx; macros, ActiveX or OLE objects; external links; unpacks to more "
            "than a template may; a broken zip"
        ),
        429: problem(
            "the caller keeps as many templates as allowed (`limit`: templates_per_user), or is "
            "adding another one (see Retry-After)"
        ),
    },
    form=TemplateForm,
)
@require_user
def add_template() -> tuple[Response, int, dict[str, str]]:
    """One .pptx in the `template` field, with optional `name` and `description`."""
    files = request.files.getlist("template")
    if len(files) != 1:
        raise UnacceptableTemplate(
            "send exactly one .pptx in the 'template' field", pointer="/template"
        )
    new = service.NewTemplate(
        files[0].stream,
        files[0].filename,
        request.form.get("name"),
        request.form.get("description"),
    )
    deps = current_deps()
    document = service.add(deps.db, deps.store, deps.clock, deps.settings, g.user_id, new)
    location = f"/v1/templates/{document['_id']}"
    return jsonify(private_view(document)), 201, {"Location": location}


@blueprint.delete("/<template_id>")
@documented({204: empty("deleted"), 403: problem("a built-in template"), 404: NOT_FOUND})
@require_user
def delete_template(template_id: str) -> tuple[str, int]:
    if template_id in BUILTIN:
        raise Forbidden("built-in templates cannot be deleted")
    deps = current_deps()
    if not service.delete(deps.db, deps.store, deps.settings, g.user_id, template_id):
        raise NotFound("no such template")
    return "", 204
