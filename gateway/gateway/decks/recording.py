"""What a deck request (POST /v1/decks, PUT .../spec) asks, checked before anything is written,
and its recording with its `deck.requested`: the routes parse, these decide."""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, request

from gateway.bootstrap import current_deps
from gateway.decks import drafts, preconditions, service
from gateway.problems import NotFound, NotReady, TooLarge
from gateway.validation import json_body, validate
from jaryo_shared import events
from jaryo_shared.deck_spec import DeckFromUpload, DeckSpec
from jaryo_shared.read_models.decks import revision_id
from jaryo_shared.templates import BUILTIN

SOURCE = "jaryo/gateway"
ELEMENT_TYPES = frozenset({"text", "image"})


def refuse_oversized_spec() -> None:
    """A spec is stored whole in the deck's document, which MongoDB caps at 16 MB: bigger ones
    are refused before they are read (and a body sent without a length stops being read)."""
    limit = current_deps().settings.max_deck_spec_bytes
    if (request.content_length or 0) > limit:
        raise TooLarge(f"a deck request may be at most {limit} bytes")
    request.max_content_length = limit


def spec_of_body() -> DeckSpec:
    """The request's spec, as POST and PUT read it alike (size, model, references)."""
    refuse_oversized_spec()
    spec = validate(DeckSpec, json_body(), union_tags=ELEMENT_TYPES)
    check_references(spec)
    return spec


def draft(request_: DeckFromUpload) -> DeckSpec:
    db = current_deps().db
    upload = service.live_upload(db, g.user_id, request_.from_upload)
    if upload is None:
        raise NotFound("no such upload", pointer="/from_upload")
    if upload["status"] == "processing":
        raise NotReady("the upload is still being read; wait for it to finish")
    images, results = service.read_images(db, g.user_id, upload["_id"])
    return drafts.draft_spec(request_, images, results)


def check_references(spec: DeckSpec) -> None:
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


def record(spec: DeckSpec) -> dict[str, Any]:
    """The deck document and its deck.requested event in one insert, then the event is sent."""
    deps = current_deps()
    deck_id = uuid.uuid4().hex
    now = deps.clock.now()
    deck = {
        "_id": deck_id,
        "user_id": g.user_id,
        **_revised(spec),
        "status": "queued",
        "created_at": now,
        "deleted_at": None,
    }
    service.record_deck(deps.db, deps.publisher, deck, _requested(deck_id, spec, 1), now)
    return deck


def record_revision(deck_id: str, spec: DeckSpec, revision: int) -> None:
    """Revision N+1 of the deck with its deck.requested, claimed by one insert; 412 if another
    edit of revision N claimed it first."""
    deps = current_deps()
    now = deps.clock.now()
    document = {
        "_id": revision_id(deck_id, revision),
        "deck_id": deck_id,
        "user_id": g.user_id,
        "revision": revision,
        **_revised(spec),
        "created_at": now,
    }
    envelope = _requested(deck_id, spec, revision)
    if not service.record_revision(deps.db, deps.publisher, document, envelope, now):
        raise preconditions.stale(service.current_revision(deps.db, deck_id, revision))


def _revised(spec: DeckSpec) -> dict[str, Any]:
    """The fields a deck's revision sets (gateway.decks.service.REVISED)."""
    return {
        "title": spec.title,
        "template_id": spec.template_id,
        "spec": spec.model_dump(mode="json", exclude_none=True),
        "slide_count": len(spec.slides),
    }


def _requested(deck_id: str, spec: DeckSpec, revision: int) -> events.Envelope:
    return events.wrap(
        events.DeckRequested(
            deck_id=deck_id,
            user_id=g.user_id,
            template_id=spec.template_id,
            slide_count=len(spec.slides),
            revision=revision,
        ),
        source=SOURCE,
        subject=deck_id,
        correlation_id=g.get("correlation_id"),
    )
