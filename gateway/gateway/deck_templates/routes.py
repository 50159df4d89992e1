"""/v1/templates: the built-in templates and the caller's own, with previews; add and delete
private templates."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import IO, Any, BinaryIO

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file, url_for

from gateway.auth.routes import require_user
from gateway.bootstrap import Dependencies
from gateway.deck_templates import quota
from gateway.deck_templates.checks import CheckedTemplate, InvalidTemplate, Limits, check_template
from gateway.deck_templates.schemas import Template as TemplateAnswer
from gateway.deck_templates.schemas import TemplateForm, TemplateList
from gateway.openapi.common import NOT_FOUND
from gateway.openapi.operations import content, documented, empty, json, problem
from gateway.problems import Problem
from gateway.settings import GatewaySettings
from jaryo_shared.database import by_id
from jaryo_shared.keys import template_key
from jaryo_shared.templates import BUILTIN, LAYOUTS, Template

blueprint = Blueprint("templates", __name__, url_prefix="/v1/templates")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CHUNK = 256 * 1024


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
@documented({200: json(TemplateList, "built-in templates, then the caller's own")})
@require_user
def list_templates() -> Response:
    own = _deps().db.templates.find({"user_id": g.user_id}).sort("created_at", 1)
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
    deps = _deps()
    files = request.files.getlist("template")
    if len(files) != 1:
        raise Unacceptable("send exactly one .pptx in the 'template' field", pointer="/template")
    with tempfile.NamedTemporaryFile(prefix="jaryo-template-", suffix=".pptx") as spooled:
        size = _spool(files[0].stream, spooled, deps.settings.max_template_bytes)
        with quota.one_add_at_a_time(deps.db, g.user_id, deps.clock):
            quota.check_quota(
                deps.db,
                g.user_id,
                size,
                deps.settings.max_templates_per_user,
                deps.settings.max_template_bytes_per_user,
            )
            try:
                checked = check_template(Path(spooled.name), _limits(deps.settings))
            except InvalidTemplate as exc:
                raise Unacceptable(str(exc), pointer="/template") from None
            with open(spooled.name, "rb") as data:
                document = _keep(deps, files[0].filename, data, size, checked)
    location = f"/v1/templates/{document['_id']}"
    return jsonify(private_view(document)), 201, {"Location": location}


def _spool(stream: IO[bytes], into: IO[bytes], limit: int) -> int:
    """Copy the upload to a file, never holding it whole; 413 past the limit."""
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"a template may be at most {limit} bytes")
        into.write(chunk)
    into.flush()
    return size


def _limits(settings: GatewaySettings) -> Limits:
    return Limits(
        max_parts=settings.max_template_parts,
        max_part_bytes=settings.max_template_part_bytes,
        max_xml_part_bytes=settings.max_template_xml_part_bytes,
        max_xml_bytes=settings.max_template_xml_bytes,
        max_unpacked_bytes=settings.max_template_unpacked_bytes,
        memory_bytes=settings.template_check_memory_bytes,
        seconds=settings.template_check_seconds,
    )


def _keep(
    deps: Dependencies,
    filename: str | None,
    data: BinaryIO,
    size: int,
    checked: CheckedTemplate,
) -> dict[str, Any]:
    name = (request.form.get("name") or filename or "My template").strip()[:80]
    template_id = uuid.uuid4().hex
    key = template_key(g.user_id, template_id)
    deps.store.put_stream(deps.settings.bucket_decks, key, data, length=size, content_type=PPTX)
    document = {
        "_id": template_id,
        "user_id": g.user_id,
        "name": name.removesuffix(".pptx") or "My template",
        "description": (request.form.get("description") or "").strip()[:300],
        "layouts": [api for api, pptx_name in LAYOUTS.items() if pptx_name in checked.layouts],
        "file_path": key,
        "size": size,
        "created_at": deps.clock.now(),
    }
    try:
        deps.db.templates.insert_one(document)
    except Exception:
        deps.store.delete(deps.settings.bucket_decks, key)  # nothing half-written
        raise
    return document


@blueprint.delete("/<template_id>")
@documented({204: empty("deleted"), 403: problem("a built-in template"), 404: NOT_FOUND})
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
