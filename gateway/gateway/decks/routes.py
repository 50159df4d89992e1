"""/v1/decks: ask for a deck (from a spec, or drafted from an upload), follow it, download it,
see its slide previews, delete it. Every read is scoped to the caller."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, g, jsonify, request, stream_with_context

from gateway import paging
from gateway.auth.routes import require_user
from gateway.bootstrap import current_deps
from gateway.decks import drafts, service, views
from gateway.decks.schemas import AcceptedDeck, Deck, DeckPage, PreviewPath
from gateway.openapi.common import BAD_PAGE, BAD_WAIT, NOT_FOUND, TOO_MANY_WAITS
from gateway.openapi.operations import content, documented, empty, json, problem
from gateway.problems import NotFound, NotReady, TooLarge
from gateway.schemas import PageQuery, WaitQuery
from gateway.validation import json_body, validate
from gateway.waiting import until_finished, wait_seconds
from jaryo_shared import events
from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec
from jaryo_shared.keys import deck_preview_key
from jaryo_shared.templates import BUILTIN

blueprint = Blueprint("decks", __name__, url_prefix="/v1/decks")

SOURCE = "jaryo/gateway"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ELEMENT_TYPES = frozenset({"text", "image"})
FINISHED = ("completed", "failed")
NOT_BUILT = problem("not built (yet)")


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
    _refuse_oversized_spec()
    body = json_body()
    if "from_upload" in body:
        spec = _draft(validate(DeckFromUpload, body))
    else:
        spec = validate(DeckSpec, body, union_tags=ELEMENT_TYPES)
    _check_references(spec)
    deck = _record(spec)
    location = f"/v1/decks/{deck['_id']}"
    return jsonify({"deck_id": deck["_id"], "status": deck["status"]}), 202, {"Location": location}


def _refuse_oversized_spec() -> None:
    """A spec is stored whole in the deck's document, which MongoDB caps at 16 MB: bigger ones
    are refused before they are read (and a body sent without a length stops being read)."""
    limit = current_deps().settings.max_deck_spec_bytes
    if (request.content_length or 0) > limit:
        raise TooLarge(f"a deck request may be at most {limit} bytes")
    request.max_content_length = limit


def _draft(request_: DeckFromUpload) -> DeckSpec:
    db = current_deps().db
    upload = service.live_upload(db, g.user_id, request_.from_upload)
    if upload is None:
        raise NotFound("no such upload", pointer="/from_upload")
    if upload["status"] == "processing":
        raise NotReady("the upload is still being read; wait for it to finish")
    images, results = service.read_images(db, g.user_id, upload["_id"])
    return drafts.draft_spec(request_, images, results)


def _check_references(spec: DeckSpec) -> None:
    """Unknown templates and images (or another user's) are 404, before anything is written."""
    if spec.template_id not in BUILTIN and not service.has_template(
        current_deps().db, g.user_id, spec.template_id
    ):
        raise NotFound(f"no template {spec.template_id!r}", pointer="/template_id")
    wanted = spec.image_ids()
    if wanted:
        found = service.stored_images(current_deps().db, g.user_id, wanted)
        for slide_number, slide in enumerate(spec.slides):
            for element_number, element in enumerate(slide.elements):
                if getattr(element, "image_id", None) in wanted - found:
                    raise NotFound(
                        "no such stored image",
                        pointer=f"/slides/{slide_number}/elements/{element_number}/image_id",
                    )


def _record(spec: DeckSpec) -> dict[str, Any]:
    """The deck document and its deck.requested event in one insert, then the event is sent."""
    deps = current_deps()
    deck_id = uuid.uuid4().hex
    now = deps.clock.now()
    envelope = events.wrap(
        events.DeckRequested(
            deck_id=deck_id,
            user_id=g.user_id,
            template_id=spec.template_id,
            slide_count=len(spec.slides),
        ),
        source=SOURCE,
        subject=deck_id,
        correlation_id=g.get("correlation_id"),
    )
    deck = {
        "_id": deck_id,
        "user_id": g.user_id,
        "title": spec.title,
        "template_id": spec.template_id,
        "spec": spec.model_dump(mode="json", exclude_none=True),
        "slide_count": len(spec.slides),
        "status": "queued",
        "created_at": now,
        "deleted_at": None,
    }
    service.record_deck(deps.db, deps.publisher, deck, envelope, now)
    return deck


@blueprint.get("")
@documented({200: json(DeckPage, "newest first"), 422: BAD_PAGE}, query=PageQuery)
@require_user
def list_decks() -> Response:
    page_request = paging.page_request(request.args)
    found = service.newest_first(current_deps().db, g.user_id, page_request)
    page, next_cursor = paging.page_of(found, page_request)
    items = [views.deck_view(deck) for deck in service.with_builds(current_deps().db, page)]
    return jsonify({"items": items, "next_cursor": next_cursor})


def _own_deck(deck_id: str, **projection: int) -> dict[str, Any]:
    """The caller's deck with how its build went, or 404."""
    deck = service.own_deck(current_deps().db, g.user_id, deck_id, projection or None)
    if deck is None:
        raise NotFound("no such deck")
    return deck


@blueprint.get("/<deck_id>")
@documented(
    {
        200: json(Deck, "the deck (finished, or the wait ran out)"),
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
        read=lambda: _own_deck(deck_id, spec=0, outbox=0),
        finished=lambda deck: deck["status"] in FINISHED,
    )
    return jsonify(views.deck_view(deck))


@blueprint.get("/<deck_id>/spec")
@documented({200: json(DeckSpec, "edit, post back"), 404: NOT_FOUND})
@require_user
def get_spec(deck_id: str) -> Response:
    """The deck's spec, ready to edit and post back as a new deck."""
    deck = _own_deck(deck_id)
    return jsonify(deck["spec"])


@blueprint.get("/<deck_id>/file")
@documented({200: content(PPTX, "the .pptx"), 404: NOT_FOUND, 409: NOT_BUILT})
@require_user
def get_file(deck_id: str) -> Response:
    deck = _own_deck(deck_id, spec=0, outbox=0)
    if deck["status"] != "completed":
        raise NotReady(f"the deck is {deck['status']}", deck_status=deck["status"])
    deps = current_deps()
    chunks = deps.store.stream(deps.settings.bucket_decks, deck["file_path"])
    return Response(
        stream_with_context(chunks),
        mimetype=PPTX,
        headers={
            "Content-Disposition": content_disposition(deck["file_path"].rsplit("/", 1)[-1]),
            "Content-Length": str(deck["file_size"]),
            "Cache-Control": "private, max-age=300",
        },
    )


def content_disposition(filename: str) -> str:
    """RFC 6266 with RFC 5987's filename* for non-ASCII names, and an ASCII fallback."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@blueprint.get("/<deck_id>/previews/<int:number>")
@documented(
    {
        200: content("image/png", "that slide as PNG"),
        404: problem("no such slide, or previews unavailable"),
        409: NOT_BUILT,
    },
    path=PreviewPath,
)
@require_user
def get_preview(deck_id: str, number: int) -> Response:
    deck = _own_deck(deck_id, spec=0, outbox=0)
    if deck["status"] != "completed":
        raise NotReady(f"the deck is {deck['status']}", deck_status=deck["status"])
    count = deck.get("preview_count")
    if count is None:
        raise NotFound("previews are unavailable for this deck (LibreOffice is not installed)")
    if not 1 <= number <= count:
        raise NotFound(f"the deck has previews 1 to {count}")
    deps = current_deps()
    key = deck_preview_key(deck["user_id"], deck["_id"], number)
    return Response(
        stream_with_context(deps.store.stream(deps.settings.bucket_decks, key)),
        mimetype="image/png",
        headers={"Cache-Control": "private, max-age=300"},
    )


@blueprint.delete("/<deck_id>")
@documented({204: empty("deleted"), 404: NOT_FOUND})
@require_user
def delete_deck(deck_id: str) -> tuple[str, int]:
    deps = current_deps()
    if not service.delete_deck(deps.db, deps.clock, g.user_id, deck_id):
        raise NotFound("no such deck")
    return "", 204
