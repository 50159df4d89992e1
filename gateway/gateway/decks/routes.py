"""/v1/decks: ask for a deck (from a spec, or drafted from an upload), follow it, edit its spec
(each PUT a new revision, guarded by If-Match), download it, see its slide previews, delete it.
Every read is scoped to the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    make_response,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from gateway import paging
from gateway.auth.routes import require_user
from gateway.bootstrap import current_deps
from gateway.decks import pdf_file, preconditions, recording, service, views
from gateway.decks.schemas import (
    AcceptedDeck,
    Deck,
    DeckPage,
    FileQuery,
    IfMatchHeader,
    IfNoneMatchHeader,
    PreviewPath,
    RenderingPdf,
)
from gateway.openapi.common import BAD_PAGE, BAD_WAIT, NOT_FOUND, TOO_MANY_WAITS
from gateway.openapi.operations import content, documented, empty, json, problem
from gateway.problems import NotFound, NotReady
from gateway.schemas import PageQuery, WaitQuery
from gateway.validation import json_body, validate
from gateway.waiting import until_finished, wait_seconds
from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec
from jaryo_shared.keys import deck_preview_key

blueprint = Blueprint("decks", __name__, url_prefix="/v1/decks")

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF = "application/pdf"
FINISHED = ("completed", "failed")
NOT_BUILT = problem("no revision of the deck is built (yet)")
NOT_MODIFIED = empty("not modified: If-None-Match names this revision")
RETRY_SECONDS = 2  # a preview asked for while they are made: most decks take seconds
PDF_RETRY_SECONDS = 3  # LibreOffice takes a few seconds for most decks (docs/decks.md)


@blueprint.post("")
@documented(
    {
        202: json(AcceptedDeck, "accepted; Location names the deck", "Location"),
        404: problem("unknown template, image or upload; `pointer` names it"),
        409: problem("the upload is still being read"),
        422: problem("malformed; `pointer` names the field"),
    },
    body=(DeckSpec, DeckFromUpload),
)
@require_user
def create_deck() -> tuple[Response, int, dict[str, str]]:
    recording.refuse_oversized_spec()
    body = json_body()
    if "from_upload" in body:
        spec = recording.draft(validate(DeckFromUpload, body))
    else:
        spec = validate(DeckSpec, body, union_tags=recording.ELEMENT_TYPES)
    recording.check_references(spec)
    deck = recording.record(spec)
    location = f"/v1/decks/{deck['_id']}"
    accepted = {"deck_id": deck["_id"], "status": deck["status"], "revision": 1}
    return jsonify(accepted), 202, {"Location": location}


@blueprint.get("")
@documented({200: json(DeckPage, "newest first"), 422: BAD_PAGE}, query=PageQuery)
@require_user
def list_decks() -> Response:
    page_request = paging.page_request(request.args)
    found = service.newest_first(current_deps().db, g.user_id, page_request)
    page, next_cursor = paging.page_of(found, page_request)
    items = [views.deck_view(deck) for deck in page]
    return jsonify({"items": items, "next_cursor": next_cursor})


def _own_deck(deck_id: str, with_spec: bool = False) -> dict[str, Any]:
    """The caller's deck at its latest revision with how its builds went, or 404."""
    deck = service.own_deck(current_deps().db, g.user_id, deck_id, with_spec)
    if deck is None:
        raise NotFound("no such deck")
    return deck


@blueprint.get("/<deck_id>")
@documented(
    {
        200: json(Deck, "the deck (finished, or the wait ran out)", "ETag"),
        404: NOT_FOUND,
        422: BAD_WAIT,
        429: TOO_MANY_WAITS,
    },
    query=WaitQuery,
)
@require_user
def get_deck(deck_id: str) -> Response:
    """`?wait=N` (seconds, at most 60) answers as soon as the deck is built or failed."""
    wait = wait_seconds(request.args.get("wait"), current_deps().settings.wait_max_seconds)
    deck = until_finished(
        deck_id,
        wait,
        read=lambda: _own_deck(deck_id),
        finished=lambda deck: deck["status"] in FINISHED,
    )
    response = jsonify(views.deck_view(deck))
    response.headers["ETag"] = preconditions.etag(deck["revision"])
    return response


@blueprint.get("/<deck_id>/spec")
@documented(
    {200: json(DeckSpec, "edit, PUT back", "ETag"), 304: NOT_MODIFIED, 404: NOT_FOUND},
    headers=IfNoneMatchHeader,
)
@require_user
def get_spec(deck_id: str) -> Response:
    """The spec of the deck's latest revision, ready to edit and PUT back (or POST as a new
    deck); its ETag names the revision, for the PUT's If-Match."""
    deck = _own_deck(deck_id, with_spec=True)
    return _conditional(deck["revision"], lambda: jsonify(deck["spec"]))


@blueprint.put("/<deck_id>/spec")
@documented(
    {
        202: json(AcceptedDeck, "stored as the next revision, being built", "Location", "ETag"),
        404: problem("not the caller's deck, or an unknown template or image (`pointer`)"),
        412: problem("another edit came first: `revision` is the latest, see ETag", "ETag"),
        422: problem("malformed; `pointer` names the field"),
        428: problem("no If-Match: send the ETag of the revision the edit started from"),
    },
    body=DeckSpec,
    headers=IfMatchHeader,
)
@require_user
def put_spec(deck_id: str) -> tuple[Response, int, dict[str, str]]:
    """Store the spec as the deck's next revision and build it; until that is built, the file
    and previews stay the last built revision's. If-Match must name the latest revision, so an
    edit made on a stale copy is refused (412) instead of overwriting a newer one."""
    latest = _own_deck(deck_id)["revision"]
    spec = preconditions.require_match(latest, recording.spec_of_body)
    recording.record_revision(deck_id, spec, latest + 1)
    accepted = {"deck_id": deck_id, "status": "queued", "revision": latest + 1}
    headers = {"Location": f"/v1/decks/{deck_id}", "ETag": preconditions.etag(latest + 1)}
    return jsonify(accepted), 202, headers


def _conditional(
    revision: int, answer: Callable[[], ResponseReturnValue], variant: str = ""
) -> Response:
    """304 if the client holds this revision already, else the answer; either way tagged with
    it, and revalidated before reuse (a new revision reuses the same URL). An answer that is
    not the representation (a 202 while the PDF is made) is not tagged."""
    if preconditions.not_modified(revision, variant):
        response = Response(status=304)
    else:
        response = make_response(answer())
        if response.status_code != 200:
            return response
    response.headers["ETag"] = preconditions.etag(revision, variant)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.get("/<deck_id>/file")
@documented(
    {
        200: content(
            PPTX,
            "the latest revision built, as .pptx (the default) or `?format=pdf` (its ETag names "
            "the revision and the format)",
            alternatives=(PDF,),
            headers=("ETag",),
        ),
        202: json(
            RenderingPdf,
            "`?format=pdf`: the PDF is being made; ask again after Retry-After (Location), or "
            "with `?wait`",
            "Location",
            "Retry-After",
        ),
        304: NOT_MODIFIED,
        404: problem(
            "not the caller's deck, or (`code` pdf-not-made) its PDF of this revision could "
            "not be made: `failure_code` says why"
        ),
        409: NOT_BUILT,
        422: problem("format is not pptx or pdf, or wait out of range; `pointer` names it"),
        429: TOO_MANY_WAITS,
    },
    query=FileQuery,
    headers=IfNoneMatchHeader,
)
@require_user
def get_file(deck_id: str) -> Response:
    """The deck's latest built revision as .pptx, or as PDF (`?format=pdf`): rendered once per
    revision when first asked for, 202 until it is ready; `?wait=N` (seconds, at most 60)
    waits for it."""
    fmt, wait = pdf_file.file_query()
    deck = _built_deck(deck_id)
    deps = current_deps()
    if fmt == "pdf":
        return _conditional(deck["built_revision"], lambda: _pdf(deck, wait), "pdf")

    def download() -> Response:
        chunks = deps.store.stream(deps.settings.bucket_decks, deck["file_path"])
        filename = deck["file_path"].rsplit("/", 1)[-1]
        return Response(
            stream_with_context(chunks),
            mimetype=PPTX,
            headers={
                "Content-Disposition": content_disposition(filename),
                "Content-Length": str(deck["file_size"]),
            },
        )

    return _conditional(deck["built_revision"], download)


def _pdf(deck: dict[str, Any], wait: int) -> ResponseReturnValue:
    made = pdf_file.when_made(deck, wait)
    if made is None or made.file_path is None:
        rendering = {"status": "rendering", "revision": deck["built_revision"]}
        location = url_for("decks.get_file", deck_id=deck["_id"], format="pdf")
        headers = {"Location": location, "Retry-After": str(PDF_RETRY_SECONDS)}
        return jsonify(rendering), 202, headers
    deps = current_deps()
    chunks = deps.store.stream(deps.settings.bucket_decks, made.file_path)
    return Response(
        stream_with_context(chunks),
        mimetype=PDF,
        headers={
            "Content-Disposition": content_disposition(pdf_file.pdf_name(deck["file_path"])),
            "Content-Length": str(made.size),
        },
    )


def _built_deck(deck_id: str) -> dict[str, Any]:
    """The caller's deck, if a revision of it is built (409 until then)."""
    deck = _own_deck(deck_id)
    if "built_revision" not in deck:
        raise NotReady(f"the deck is {deck['status']}", deck_status=deck["status"])
    return deck


def content_disposition(filename: str) -> str:
    """RFC 6266 with RFC 5987's filename* for non-ASCII names, and an ASCII fallback."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@blueprint.get("/<deck_id>/previews/<int:number>")
@documented(
    {
        200: content("image/png", "that slide of the latest revision built, as PNG"),
        304: NOT_MODIFIED,
        404: problem("no such slide, or no previews of this revision (failed or unavailable)"),
        409: problem("no revision is built yet, or its previews are still being made"),
    },
    path=PreviewPath,
    headers=IfNoneMatchHeader,
)
@require_user
def get_preview(deck_id: str, number: int) -> Response:
    deck = _built_deck(deck_id)
    _previews_ready(deck)
    count = deck["preview_count"]
    if not 1 <= number <= count:
        raise NotFound(f"the deck has previews 1 to {count}")
    deps = current_deps()
    revision = deck["built_revision"]
    key = deck_preview_key(deck["user_id"], deck["_id"], number, revision)
    png = deps.store.stream(deps.settings.bucket_decks, key)
    return _conditional(revision, lambda: Response(stream_with_context(png), mimetype="image/png"))


def _previews_ready(deck: dict[str, Any]) -> None:
    """409 while the built revision's previews are being made (they follow its file), 404 if
    there are none of it: the render failed, or previews are not made here."""
    status = deck["previews_status"]
    if status == "pending":
        raise NotReady(
            "the slide previews are being made", retry_after=RETRY_SECONDS, previews_status=status
        )
    if status == "failed":
        raise NotFound("the slide previews of this revision could not be made")
    if status == "unavailable":
        raise NotFound("previews are unavailable for this deck (LibreOffice is not installed)")


@blueprint.delete("/<deck_id>")
@documented({204: empty("deleted"), 404: NOT_FOUND})
@require_user
def delete_deck(deck_id: str) -> tuple[str, int]:
    deps = current_deps()
    if not service.delete_deck(deps.db, deps.clock, g.user_id, deck_id):
        raise NotFound("no such deck")
    return "", 204
