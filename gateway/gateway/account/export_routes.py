"""GET /v1/me/export: everything the caller put in or got out, as one zip streamed while it is
made (docs/api.md, "Your export")."""

from __future__ import annotations

from flask import Blueprint, Response, g, stream_with_context

from gateway.account import contents, export
from gateway.auth.routes import require_user
from gateway.bootstrap import current_deps
from gateway.openapi.operations import content, documented
from gateway.problems import Unauthorized

blueprint = Blueprint("account_export", __name__, url_prefix="/v1")


@blueprint.get("/me/export")
@documented(
    {
        200: content(
            export.ZIP,
            "a zip of the caller's uploads (originals, OCR text and results), decks (specs, "
            ".pptx, PDF) and own templates, with export.json (the account and a manifest) last; "
            "streamed, so a failure part-way shows as a truncated zip",
            headers=("Content-Disposition",),
        )
    }
)
@require_user
def get_export() -> Response:
    """Everything the caller put in or got out, for their own records: streamed as it is read,
    never held whole. A file deleted while the export runs is left out and named in
    export.json's `missing`."""
    deps = current_deps()
    user = contents.account(deps, g.user_id)
    if user is None:
        raise Unauthorized("the account no longer exists")
    now = deps.clock.now()
    chunks = export.zip_chunks(contents.entries(deps, g.user_id), export.about(user, now))
    return Response(
        stream_with_context(export.logged(chunks, g.user_id, g.get("correlation_id", ""))),
        mimetype=export.ZIP,
        headers={
            "Content-Disposition": f'attachment; filename="jaryo-export-{now:%Y-%m-%d}.zip"',
            "Cache-Control": "no-store",
        },
    )
