"""GET /v1/me/export: everything the caller put in or got out, as one zip streamed while it is
made (docs/api.md, "Your export"). Each export holds a server thread while it streams, so it
takes one of the process's export slots (jaryo_shared.slots) and gives it back when it ends."""

from __future__ import annotations

from flask import Blueprint, Response, g, stream_with_context

from gateway.account import contents, export
from gateway.auth.routes import require_user, still_signed_in
from gateway.bootstrap import current_deps
from gateway.openapi.operations import content, documented, problem
from gateway.problems import Busy, TooManyExports, Unauthorized
from jaryo_shared.slots import NoSlotFree, NoSlotFreeForUser, Slot, held_while

blueprint = Blueprint("account_export", __name__, url_prefix="/v1")

# An export takes a while (minutes for a large account): asking again within seconds is no use.
RETRY_AFTER_SECONDS = 30


@blueprint.get("/me/export")
@documented(
    {
        200: content(
            export.ZIP,
            "a zip of the caller's uploads (originals, OCR text and results), decks (specs, "
            ".pptx, PDF) and own templates, with export.json (the account and a manifest) last; "
            "streamed, so a failure part-way (or a sign-out: each file is sent only while the "
            "caller's sign-in is live) shows as a truncated zip",
            headers=("Content-Disposition",),
        ),
        429: problem(
            "an export of the caller's is streaming already (`too-many-exports`); see Retry-After",
            "Retry-After",
        ),
        503: problem(
            "as many exports as this server streams at once are streaming (`busy`), or a "
            "server Jaryo needs is out of reach; see Retry-After",
            "Retry-After",
        ),
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
    slot = _take_slot()
    try:
        now = deps.clock.now()
        entries = export.while_signed_in(contents.entries(deps, g.user_id), still_signed_in())
        chunks = export.zip_chunks(entries, export.about(user, now))
        logged = export.logged(chunks, g.user_id, g.get("correlation_id", ""))
        response = Response(
            stream_with_context(held_while(logged, slot)),
            mimetype=export.ZIP,
            headers={
                "Content-Disposition": f'attachment; filename="jaryo-export-{now:%Y-%m-%d}.zip"',
                "Cache-Control": "no-store",
            },
        )
    except BaseException:
        slot.close()
        raise
    # Also when the stream never started (the server closes the answer unread): a generator
    # closed before its first step runs no `finally`.
    response.call_on_close(slot.close)
    return response


def _take_slot() -> Slot:
    deps = current_deps()
    try:
        return deps.exports.take(g.user_id)
    except NoSlotFreeForUser:
        raise TooManyExports(
            "an export of yours is streaming already; let it finish, or close it, before "
            "asking for another",
            retry_after=RETRY_AFTER_SECONDS,
        ) from None
    except NoSlotFree:
        raise Busy(
            "this server is streaming as many exports as it can; retry shortly",
            retry_after=RETRY_AFTER_SECONDS,
        ) from None
