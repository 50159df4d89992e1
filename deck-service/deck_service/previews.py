"""The slide previews of a deck's built revision, made after its `deck.completed` (the deck is
downloadable meanwhile): a slide whose look (deck_service.slide_looks) has a stored preview is
copied from it, the others are rendered with LibreOffice as one .pptx of just those slides;
then `previews_status` ready with `deck.previews_ready`, in one write, and the event is sent.

A render that fails fails the previews, never the deck. A worker that dies mid-render leaves
its message unacked: the redelivery finds the deck built and its previews still pending, and
renders them again, at most MAX_RENDER_ATTEMPTS times (a deck whose render takes the worker
down every time must not take it down for good); after that they are failed.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from deck_service import excerpt, metrics, render
from deck_service.bootstrap import Dependencies
from deck_service.records import DeckBuilds, OwedPreviews
from jaryo_shared import events
from jaryo_shared.keys import deck_preview_key
from jaryo_shared.messaging import UNREACHABLE

log = logging.getLogger(__name__)

SOURCE = "jaryo/deck-service"
MAX_RENDER_ATTEMPTS = 3


@dataclass
class Plan:
    """Which slides (numbered from 1) keep a stored preview, and which are rendered."""

    copies: dict[int, bytes] = field(default_factory=dict)
    to_render: list[int] = field(default_factory=list)


def available(deps: Dependencies) -> bool:
    """Whether previews are made here at all (turned on, and LibreOffice installed)."""
    return deps.settings.previews and render.available()


def follow(
    deps: Dependencies, deck_id: str, correlation_id: str | None, built: bytes | None = None
) -> None:
    """Make the previews the deck's built revision owes, if it owes any. `built` is that
    revision's .pptx when the caller has it in hand (else it is read back)."""
    builds = DeckBuilds(deps.db, deps.publisher)
    owed = builds.owed_previews(deck_id)
    if owed is None:
        return
    if owed.attempts >= MAX_RENDER_ATTEMPTS:
        log.error("deck %s: revision %d's previews were tried too often", deck_id, owed.revision)
        builds.mark_previews_failed(deck_id, owed.revision)
        return
    try:
        plan = _plan(deps, owed)  # the reads first: an outage here costs no attempt
    except UNREACHABLE:
        raise
    except Exception:  # not an outage: retrying cannot help, and pending would last for ever
        log.exception("could not plan deck %s's previews (revision %d)", deck_id, owed.revision)
        builds.mark_previews_failed(deck_id, owed.revision)
        return
    builds.count_render_attempt(deck_id)
    try:
        _make(deps, owed, plan, built)
    except UNREACHABLE:
        builds.count_render_attempt(deck_id, -1)  # a server away, not the render: retried
        raise
    except Exception:  # previews are a nicety: the deck itself is done
        log.exception("could not make deck %s's previews (revision %d)", deck_id, owed.revision)
        builds.mark_previews_failed(deck_id, owed.revision)
        return
    _announce(builds, owed, correlation_id)


def _plan(deps: Dependencies, owed: OwedPreviews) -> Plan:
    """Copy each slide whose look the latest rendered revision has (read here; one that is
    gone meanwhile, deleted with its old revision, is rendered), render the rest."""
    stored = {look: number for number, look in enumerate(owed.rendered_hashes, 1)}
    plan = Plan()
    for number, look in enumerate(owed.slide_hashes, 1):
        found = None
        if look in stored and owed.rendered_revision is not None:
            key = deck_preview_key(owed.user_id, owed.deck_id, stored[look], owed.rendered_revision)
            found = deps.store.get_bytes_if_present(deps.settings.bucket_decks, key)
        if found is None:
            plan.to_render.append(number)
        else:
            plan.copies[number] = found
    return plan


def _make(deps: Dependencies, owed: OwedPreviews, plan: Plan, built: bytes | None) -> None:
    pngs = dict(plan.copies)
    if plan.to_render:
        if built is None:
            built = deps.store.get_bytes(deps.settings.bucket_decks, owed.file_path)
        pngs.update(_render(deps, built, plan.to_render, len(owed.slide_hashes)))
    for number, png in sorted(pngs.items()):
        key = deck_preview_key(owed.user_id, owed.deck_id, number, owed.revision)
        deps.store.put_bytes(deps.settings.bucket_decks, key, png, "image/png")
    metrics.PREVIEW_SLIDES.labels("copied").inc(len(plan.copies))
    metrics.PREVIEW_SLIDES.labels("rendered").inc(len(plan.to_render))


def _render(deps: Dependencies, built: bytes, numbers: list[int], slides: int) -> dict[int, bytes]:
    """PNGs of these slides of the deck, by number: the whole deck rendered if every slide
    changed, else a .pptx of those slides alone."""
    whole = len(numbers) == slides
    with tempfile.TemporaryDirectory() as work:
        pptx = Path(work) / "deck.pptx"
        pptx.write_bytes(built if whole else excerpt.slides_only(built, numbers))
        with metrics.PREVIEW_SECONDS.time():
            pngs = render.to_pngs(pptx, Path(work), dpi=deps.settings.preview_dpi)
        if len(pngs) != len(numbers):
            raise RuntimeError(f"LibreOffice made {len(pngs)} pictures of {len(numbers)} slides")
        return {number: png.read_bytes() for number, png in zip(numbers, pngs, strict=True)}


def _announce(builds: DeckBuilds, owed: OwedPreviews, correlation_id: str | None) -> None:
    ready = events.DeckPreviewsReady(
        deck_id=owed.deck_id,
        user_id=owed.user_id,
        revision=owed.revision,
        preview_count=len(owed.slide_hashes),
    )
    envelope = events.wrap(
        ready, source=SOURCE, subject=owed.deck_id, correlation_id=correlation_id
    )
    written = builds.mark_previews_ready(owed.deck_id, owed.revision, owed.slide_hashes, envelope)
    outcome = "ready" if written else "dropped: a newer revision was built meanwhile"
    log.info("deck %s: revision %d's previews %s", owed.deck_id, owed.revision, outcome)
