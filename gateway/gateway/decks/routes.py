"""/v1/decks: ask for a deck (from a spec, or drafted from an upload), follow it, download it,
see its slide previews, delete it. Every read is scoped to the caller."""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context

from gateway import paging
from gateway.auth.routes import require_user
from gateway.bootstrap import Dependencies
from gateway.decks import drafts, views
from gateway.problems import Problem
from gateway.validation import json_body, validate
from gateway.waiting import until_finished, wait_seconds
from jaryo_shared import events, outbox, upload_deletions
from jaryo_shared.completion import ocr_results
from jaryo_shared.database import by_id
from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec
from jaryo_shared.keys import deck_preview_key
from jaryo_shared.templates import BUILTIN

log = logging.getLogger(__name__)
blueprint = Blueprint("decks", __name__, url_prefix="/v1/decks")

SOURCE = "jaryo/gateway"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ELEMENT_TYPES = frozenset({"text", "image"})
FINISHED = ("completed", "failed")


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class NotReady(Problem):
    status, slug, title = 409, "not-ready", "Not ready"


class SpecTooLarge(Problem):
    status, slug, title = 413, "too-large", "Too large"


def _deps() -> Dependencies:
    deps: Dependencies = current_app.extensions["jaryo"]
    return deps


@blueprint.post("")
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
    limit = _deps().settings.max_deck_spec_bytes
    if (request.content_length or 0) > limit:
        raise SpecTooLarge(f"a deck request may be at most {limit} bytes")
    request.max_content_length = limit


def _draft(request_: DeckFromUpload) -> DeckSpec:
    db = _deps().db
    upload = by_id(db.uploads, request_.from_upload, user_id=g.user_id, deleted_at=None)
    if upload is None or upload_deletions.deleted_among(db, [upload["_id"]]):
        raise NotFound("no such upload", pointer="/from_upload")
    if upload["status"] == "processing":
        raise NotReady("the upload is still being read; wait for it to finish")
    images = sorted(
        db.images.find({"upload_id": upload["_id"], "user_id": g.user_id}),
        key=lambda image: image["index"],
    )
    results = ocr_results(db, [image["_id"] for image in images])
    return drafts.draft_spec(request_, images, results)


def _check_references(spec: DeckSpec) -> None:
    """Unknown templates and images (or another user's) are 404, before anything is written."""
    if spec.template_id not in BUILTIN and not by_id(
        _deps().db.templates, spec.template_id, user_id=g.user_id
    ):
        raise NotFound(f"no template {spec.template_id!r}", pointer="/template_id")
    wanted = spec.image_ids()
    if wanted:
        db = _deps().db
        stored = list(
            db.images.find(
                {"_id": {"$in": sorted(wanted)}, "user_id": g.user_id, "storage.status": "stored"},
                {"upload_id": 1},
            )
        )
        # An image of a deleted upload is gone like the upload (404, as every other route
        # answers for it), not copied into a new deck.
        gone = upload_deletions.deleted_among(db, sorted({i["upload_id"] for i in stored}))
        found = {image["_id"] for image in stored if image["upload_id"] not in gone}
        for slide_number, slide in enumerate(spec.slides):
            for element_number, element in enumerate(slide.elements):
                if getattr(element, "image_id", None) in wanted - found:
                    raise NotFound(
                        "no such stored image",
                        pointer=f"/slides/{slide_number}/elements/{element_number}/image_id",
                    )


def _record(spec: DeckSpec) -> dict[str, Any]:
    """The deck document and its deck.requested event in one insert, then the event is sent."""
    deps = _deps()
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
        **outbox.pending(envelope, now=now),
    }
    deps.db.decks.insert_one(deck)
    log.info("deck %s requested: %d slides on %s", deck_id, len(spec.slides), spec.template_id)
    try:
        outbox.flush(deps.db.decks, deck_id, deps.publisher, deck["outbox"])
    except Exception:
        log.warning(
            "broker unavailable; deck %s's event left to the outbox relay", deck_id, exc_info=True
        )
    return deck


@blueprint.get("")
@require_user
def list_decks() -> Response:
    page_request = paging.page_request(request.args)
    query: dict[str, Any] = {"user_id": g.user_id, "deleted_at": None, **page_request.filter()}
    found = list(
        _deps()
        .db.decks.find(query, {"spec": 0, "outbox": 0})
        .sort(paging.NEWEST_FIRST)
        .limit(page_request.limit + 1)
    )
    page, next_cursor = paging.page_of(found, page_request)
    items = [views.deck_view(deck) for deck in _with_builds(page)]
    return jsonify({"items": items, "next_cursor": next_cursor})


BUILD_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_claimed_until": 0, "user_id": 0}


def _own_deck(deck_id: str, **projection: int) -> dict[str, Any]:
    """The caller's deck with how its build went: the gateway's document, merged with the
    deck service's `deck_builds` one (each service writes only its own)."""
    deck = by_id(_deps().db.decks, deck_id, projection or None, user_id=g.user_id, deleted_at=None)
    if deck is None:
        raise NotFound("no such deck")
    build = _deps().db.deck_builds.find_one({"_id": deck_id}, BUILD_FIELDS) or {}
    return {**deck, **build}


def _with_builds(decks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [deck["_id"] for deck in decks]
    builds = {b["_id"]: b for b in _deps().db.deck_builds.find({"_id": {"$in": ids}}, BUILD_FIELDS)}
    return [{**deck, **builds.get(deck["_id"], {})} for deck in decks]


@blueprint.get("/<deck_id>")
@require_user
def get_deck(deck_id: str) -> Response:
    """`?wait=N` (seconds, at most 60) answers as soon as the deck is built or failed."""
    wait = wait_seconds(request.args.get("wait"), _deps().settings.wait_max_seconds)
    deck = until_finished(
        deck_id,
        wait,
        read=lambda: _own_deck(deck_id, spec=0, outbox=0),
        finished=lambda deck: deck["status"] in FINISHED,
    )
    return jsonify(views.deck_view(deck))


@blueprint.get("/<deck_id>/spec")
@require_user
def get_spec(deck_id: str) -> Response:
    """The deck's spec, ready to edit and post back as a new deck."""
    deck = _own_deck(deck_id)
    return jsonify(deck["spec"])


@blueprint.get("/<deck_id>/file")
@require_user
def get_file(deck_id: str) -> Response:
    deck = _own_deck(deck_id, spec=0, outbox=0)
    if deck["status"] != "completed":
        raise NotReady(f"the deck is {deck['status']}", deck_status=deck["status"])
    deps = _deps()
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
    deps = _deps()
    key = deck_preview_key(deck["user_id"], deck["_id"], number)
    return Response(
        stream_with_context(deps.store.stream(deps.settings.bucket_decks, key)),
        mimetype="image/png",
        headers={"Cache-Control": "private, max-age=300"},
    )


@blueprint.delete("/<deck_id>")
@require_user
def delete_deck(deck_id: str) -> tuple[str, int]:
    deps = _deps()
    result = deps.db.decks.update_one(
        {"_id": deck_id, "user_id": g.user_id, "deleted_at": None},
        {"$set": {"deleted_at": deps.clock.now()}},
    )
    if result.matched_count == 0:
        raise NotFound("no such deck")
    return "", 204
