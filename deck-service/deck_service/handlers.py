"""What the deck service does with `deck.requested`: build the .pptx from the spec of the revision
the event names (an older revision than the deck's latest is skipped), keep it in the decks
bucket under that revision's keys, record the outcome with its `deck.completed` or `deck.failed`
event in one write, and publish the event; then make the built revision's slide previews, when
LibreOffice is installed (deck_service.previews), before the message is acked.

The deck document belongs to the gateway (request, deletion); this service writes only the
deck's `deck_builds` document (same `_id`): FerretDB 1.x rewrites a whole document on update, so
two writers of one document can lose each other's changes. Redelivery after a crash builds the
deck again (the object is overwritten, not duplicated) unless it is already finished; the event
is published once from its outbox. The janitor fails decks stuck too long; who finishes a
revision is claimed once (jaryo_shared.deck_outcomes).

Failures are sorted on purpose. Anything that goes wrong building the .pptx from the spec, the
template and the images is the deck's permanent failure, on the first delivery, with a reason
the person can act on (retrying cannot change the outcome). Reaching the servers (MongoDB, S3)
is transient: the message is retried, and a deck that never gets through is failed by the
janitor.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

from pydantic import ValidationError

from deck_service import metrics, pdf_export, previews
from deck_service.bootstrap import Dependencies
from deck_service.build import MissingImage, build_pptx
from deck_service.pictures import Picture, picture
from deck_service.records import BuiltDeck, DeckBuilds
from deck_service.slide_looks import slide_hashes
from deck_service.slugs import slug
from jaryo_shared import deck_outcomes, events
from jaryo_shared.deck_spec import DeckSpec, ImageElement
from jaryo_shared.failures import FailureCode
from jaryo_shared.keys import deck_key
from jaryo_shared.messaging import UNREACHABLE, Handler
from jaryo_shared.read_models import decks, templates
from jaryo_shared.read_models.deck_builds import PreviewsStatus
from jaryo_shared.read_models.decks import Deck
from jaryo_shared.templates import BUILTIN
from jaryo_shared.templates.package import UnsafePackage

log = logging.getLogger(__name__)

SOURCE = "jaryo/deck-service"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PRIVATE_TEMPLATE_FONT = "Noto Sans CJK KR"  # covers Hangul; an element's own font wins


class DeckFailure(Exception):
    """The deck cannot be built as asked; the message tells the person what to change, the
    code tells a program which kind of failure it is."""

    def __init__(self, reason: str, code: FailureCode) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Built:
    pptx: bytes
    slide_hashes: list[str]  # what each slide's preview depends on (deck_service.slide_looks)


class Unreachable(ConnectionError):
    """A server the build reads from did not answer: the worker waits the outage out with the
    message in hand (a ConnectionError, like the ones it wraps), then retries."""


def handlers(deps: Dependencies) -> dict[str, Handler]:
    """The map `__main__` and the tests run the worker with; the worker dispatches by type."""
    return {
        events.DeckRequested.event_type: cast(Handler, partial(handle_deck_requested, deps)),
        events.DeckPdfRequested.event_type: cast(
            Handler, partial(pdf_export.handle_pdf_requested, deps)
        ),
    }


def handle_deck_requested(
    deps: Dependencies, envelope: events.Envelope, event: events.DeckRequested
) -> None:
    deck = decks.of_user(deps.db, event.user_id, event.deck_id, event.revision)
    if deck is None or deck.deleted_at is not None:
        log.info("deck %s (revision %d) is gone; nothing to build", event.deck_id, event.revision)
        return
    builds = DeckBuilds(deps.db, deps.publisher)
    if builds.finished(deck.id, deck.revision):
        builds.publish_owed(deck.id)  # what a crash left unsent
        previews.follow(deps, deck.id, envelope.correlationid)  # or unrendered
        return
    if _superseded(deps, deck):
        return
    if deck_outcomes.finisher(deps.db, deck.id, deck.revision) not in (None, SOURCE):
        log.info("deck %s was already finished by another (the janitor)", deck.id)
        return
    builds.start_attempt(deck.id, deck.revision, deck.user_id, deps.clock.now())
    started = time.monotonic()
    try:
        built = _build(deps, deck)
    except DeckFailure as exc:
        metrics.BUILD_SECONDS.labels("failed").observe(time.monotonic() - started)
        _fail(deps, envelope, deck, exc.reason, exc.code)
        # The last built revision keeps its file: its previews, if a crash left them owed.
        previews.follow(deps, deck.id, envelope.correlationid)
        return
    metrics.BUILD_SECONDS.labels("built").observe(time.monotonic() - started)
    key = deck_key(deck.user_id, deck.id, slug(deck.title), deck.revision)
    deps.store.put_bytes(deps.settings.bucket_decks, key, built.pptx, PPTX)
    _complete(deps, envelope, deck, key, built)
    previews.follow(deps, deck.id, envelope.correlationid, built.pptx)


def _superseded(deps: Dependencies, deck: Deck) -> bool:
    """A newer revision was asked for: only the latest is worth building (its own message
    follows), so this one is acked and skipped."""
    latest = decks.latest_revision(deps.db, deck.id, at_least=deck.revision)
    if latest > deck.revision:
        log.info("deck %s: revision %d skipped, %d is newer", deck.id, deck.revision, latest)
        return True
    return False


def _build(deps: Dependencies, deck: Deck) -> Built:
    try:
        spec = DeckSpec.model_validate(deck.spec)
    except ValidationError as exc:  # stored before today's rules (e.g. characters XML forbids)
        where = ".".join(str(part) for part in exc.errors()[0]["loc"])
        raise DeckFailure(
            f"the deck's spec is no longer accepted ({where}: {exc.errors()[0]['msg']}); "
            "fix it and ask for the deck again",
            FailureCode.DECK_SPEC_OUTDATED,
        ) from None
    with tempfile.TemporaryDirectory() as work:
        template, font = _template(deps, deck, spec.template_id, Path(work))
        placed: dict[tuple[str, str], Picture] = {}
        pptx = _build_on(deps, deck, spec, template, font, placed)
        keys = {wanted: found.key for wanted, found in placed.items()}
        dpi = deps.settings.preview_dpi
        return Built(pptx, slide_hashes(spec, template.read_bytes(), font, keys, dpi))


def _template(deps: Dependencies, deck: Deck, template_id: str, work: Path) -> tuple[Path, str]:
    """The template file and its default font: built in, or the person's own from the bucket."""
    builtin = BUILTIN.get(template_id)
    if builtin is not None:
        return builtin.pptx_path, builtin.font
    gone = DeckFailure(
        f"the template {template_id!r} no longer exists; pick another", FailureCode.TEMPLATE_GONE
    )
    own = templates.of_user(deps.db, deck.user_id, template_id)
    if own is None:
        raise gone
    data = deps.store.get_bytes_if_present(deps.settings.bucket_decks, own.file_path)
    if data is None:
        raise gone
    path = work / "template.pptx"
    path.write_bytes(data)
    return path, PRIVATE_TEMPLATE_FONT


def _build_on(
    deps: Dependencies,
    deck: Deck,
    spec: DeckSpec,
    template: Path,
    font: str,
    placed: dict[tuple[str, str], Picture],
) -> bytes:
    """The .pptx; `placed` gets each (image, variant) placed."""
    try:
        return build_pptx(spec, template, font, partial(_image_bytes, deps, deck, placed))
    except MissingImage as exc:
        raise DeckFailure(
            f"the image {exc.args[0]} is no longer available; remove it from the deck",
            FailureCode.DECK_IMAGE_GONE,
        ) from None
    except Unreachable:
        raise
    except UnsafePackage as exc:
        unusable = f"your template cannot be used: {exc}"
        raise DeckFailure(unusable, FailureCode.TEMPLATE_UNUSABLE) from None
    except Exception as exc:
        # A bug, or a template python-pptx cannot handle: either way the same spec on the same
        # template fails the same way again, so say so now instead of retrying.
        log.exception("deck %s could not be built on template %s", deck.id, spec.template_id)
        raise DeckFailure(_explain(spec.template_id, exc), FailureCode.TEMPLATE_UNUSABLE) from None


def _image_bytes(
    deps: Dependencies,
    deck: Deck,
    placed: dict[tuple[str, str], Picture],
    element: ImageElement,
) -> bytes:
    """What the element places, read once however many slides place it."""
    wanted = (element.image_id, element.variant)
    if wanted in placed:
        return placed[wanted].data
    try:
        found = picture(deps, deck.user_id, element)
    except UNREACHABLE as exc:
        raise Unreachable(f"could not read image {element.image_id}") from exc
    if found is None:
        raise MissingImage(element.image_id)
    placed[wanted] = found
    return found.data


def _explain(template_id: str, exc: Exception) -> str:
    what = f"{type(exc).__name__}: {exc}"[:300]
    if template_id in BUILTIN:
        return f"the deck could not be built ({what}); change the slides and ask again"
    return (
        f"your template could not be used for this deck ({what}); open it in PowerPoint, "
        "save it again as .pptx and upload it, or pick a built-in template"
    )


def _complete(
    deps: Dependencies,
    envelope: events.Envelope,
    deck: Deck,
    key: str,
    built: Built,
) -> None:
    slide_count = len(deck.spec["slides"])
    size = len(built.pptx)
    payload = events.DeckCompleted(
        deck_id=deck.id,
        user_id=deck.user_id,
        file_path=key,
        size=size,
        slide_count=slide_count,
        revision=deck.revision,
    )
    owed: PreviewsStatus = "pending" if previews.available(deps) else "unavailable"
    outcome = BuiltDeck(key, size, slide_count, owed, built.slide_hashes, deck.revision)
    if _claimed(deps, deck):
        builds = DeckBuilds(deps.db, deps.publisher)
        builds.mark_completed(deck.id, outcome, deps.clock.now(), _wrap(envelope, payload))
    log.info("built deck %s: %d slides, %d bytes", deck.id, slide_count, size)


def _fail(
    deps: Dependencies, envelope: events.Envelope, deck: Deck, reason: str, code: FailureCode
) -> None:
    log.warning("deck %s failed: %s (%s)", deck.id, reason, code)
    payload = events.DeckFailed(
        deck_id=deck.id, user_id=deck.user_id, reason=reason, code=code, revision=deck.revision
    )
    if _claimed(deps, deck):
        builds = DeckBuilds(deps.db, deps.publisher)
        builds.mark_failed(deck.id, payload, deps.clock.now(), _wrap(envelope, payload))


def _claimed(deps: Dependencies, deck: Deck) -> bool:
    """Whether this service, not the janitor, finishes the revision (the handler checked the
    build is unfinished), and no newer revision's attempt started meanwhile (another worker):
    a late outcome must not overwrite a newer one's."""
    if DeckBuilds(deps.db, deps.publisher).attempted_after(deck.id, deck.revision):
        log.info(
            "deck %s: revision %d's outcome dropped, a newer one started", deck.id, deck.revision
        )
        return False
    if deck_outcomes.claim(deps.db, deck.id, SOURCE, deps.clock.now(), deck.revision):
        return True
    log.info("deck %s was finished by the janitor meanwhile; outcome dropped", deck.id)
    return False


def _wrap(
    requested: events.Envelope, payload: events.DeckCompleted | events.DeckFailed
) -> events.Envelope:
    return events.wrap(
        payload, source=SOURCE, subject=payload.deck_id, correlation_id=requested.correlationid
    )
