"""What the deck service does with `deck.pdf_requested`: render the named revision's .pptx to a
PDF with LibreOffice, once, keep it in the decks bucket beside the .pptx (keys.deck_pdf_key,
under the revision's prefix, so the janitor's purges of the deck and of its older revisions
take it too), and record `ready` or `failed` with its `deck.pdf_rendered` in `deck_pdfs`.

Rendering happens only when someone asks (most revisions are never exported, and each render
costs LibreOffice seconds). Redelivery is safe: a finished outcome is only published again if
owed. Every render is counted before LibreOffice starts, so a render that takes the worker down
every time is failed after MAX_RENDER_ATTEMPTS instead of staying `rendering` for ever; a
LibreOffice failure or time-out is a `failed` outcome with its reason, never a retried message.
A server out of reach (MongoDB, S3) is transient: the message is retried, the attempt given
back."""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from deck_service import metrics, render
from deck_service.bootstrap import Dependencies
from deck_service.pdf_records import DeckPdfs
from deck_service.previews import MAX_RENDER_ATTEMPTS
from jaryo_shared import deck_outcomes, events
from jaryo_shared import pdf as jaryo_pdf
from jaryo_shared.failures import FailureCode
from jaryo_shared.keys import deck_key, deck_pdf_key
from jaryo_shared.messaging import UNREACHABLE
from jaryo_shared.read_models import decks
from jaryo_shared.read_models.deck_pdfs import FINISHED

log = logging.getLogger(__name__)

SOURCE = "jaryo/deck-service"


class PdfFailure(Exception):
    """The PDF cannot be made; final for this revision."""

    def __init__(self, reason: str, code: FailureCode) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def handle_pdf_requested(
    deps: Dependencies, envelope: events.Envelope, event: events.DeckPdfRequested
) -> None:
    pdfs = DeckPdfs(deps.db, deps.publisher)
    found = pdfs.state(event.deck_id, event.revision) or {}
    if found.get("status") in FINISHED:
        pdfs.publish_owed(event.deck_id, event.revision)  # what a crash left unsent
        return
    finisher = deck_outcomes.pdf_finisher(deps.db, event.deck_id, event.revision)
    if finisher not in (None, envelope.id):  # another ask's delivery finished it: not again
        pdfs.restore_outcome(event.deck_id, event.revision)
        pdfs.publish_owed(event.deck_id, event.revision)
        return
    deck = decks.of_user(deps.db, event.user_id, event.deck_id)
    if deck is None or deck.deleted_at is not None:
        log.info("deck %s is gone; no PDF to render", event.deck_id)
        return
    started = time.monotonic()
    try:
        if found.get("attempts", 0) >= MAX_RENDER_ATTEMPTS:
            raise PdfFailure(
                f"rendering the PDF stopped {MAX_RENDER_ATTEMPTS} times without finishing",
                FailureCode.PDF_RENDER_CRASHED,
            )
        key = _key(event)
        pptx = _pptx(deps, event)  # read first: an outage here costs no attempt
        pdfs.count_attempt(event.deck_id, event.revision, event.user_id, deps.clock.now())
        try:
            pdf, pages = _render(pptx, deps.settings.pdf_render_timeout_seconds)
            deps.store.put_bytes(deps.settings.bucket_decks, key, pdf, "application/pdf")
        except UNREACHABLE:
            pdfs.give_back_attempt(event.deck_id, event.revision)
            raise
    except PdfFailure as exc:
        metrics.PDF_SECONDS.labels("failed").observe(time.monotonic() - started)
        log.warning("deck %s: revision %d's PDF failed: %s", event.deck_id, event.revision, exc)
        _record(deps, envelope, _outcome(event, "failed", reason=exc.reason, code=exc.code))
        return
    metrics.PDF_SECONDS.labels("ready").observe(time.monotonic() - started)
    ready = _outcome(event, "ready", file_path=key, size=len(pdf), page_count=pages)
    _record(deps, envelope, ready)
    log.info("deck %s: revision %d's PDF, %d pages", event.deck_id, event.revision, pages)


def _pptx(deps: Dependencies, event: events.DeckPdfRequested) -> bytes:
    """The revision's .pptx; gone if the janitor purged the revision's files meanwhile."""
    data = deps.store.get_bytes_if_present(deps.settings.bucket_decks, event.file_path)
    if data is None:
        raise PdfFailure(
            "the deck's file of this revision is gone; edit the deck to build it again",
            FailureCode.DECK_FILE_GONE,
        )
    return data


def _key(event: events.DeckPdfRequested) -> str:
    """Beside the .pptx, with its name; only ever under the requester's own deck."""
    slug = PurePosixPath(event.file_path).stem
    if deck_key(event.user_id, event.deck_id, slug, event.revision) != event.file_path:
        raise PdfFailure(
            f"{event.file_path!r} is not this deck's revision {event.revision}",
            FailureCode.DECK_FILE_GONE,
        )
    return deck_pdf_key(event.user_id, event.deck_id, slug, event.revision)


def _render(pptx: bytes, timeout: float) -> tuple[bytes, int]:
    """The PDF and its page count; PdfFailure with a reason if LibreOffice cannot make it."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "deck.pptx"
        source.write_bytes(pptx)
        try:
            pdf = render.to_pdf(source, Path(work), timeout=timeout).read_bytes()
            with jaryo_pdf.document(pdf) as document:  # under the process's pdfium lock
                return pdf, len(document)
        except render.RenderUnavailable as exc:
            raise PdfFailure(
                f"PDFs cannot be made here: {exc}", FailureCode.PDF_RENDER_UNAVAILABLE
            ) from None
        except subprocess.TimeoutExpired:
            log.exception("LibreOffice took longer than %s s", timeout)
            raise PdfFailure(
                f"making the PDF took longer than {timeout:g} seconds",
                FailureCode.PDF_RENDER_TIMED_OUT,
            ) from None
        except Exception as exc:  # the same .pptx fails the same way again: final
            log.exception("LibreOffice could not make a PDF")
            what = f"{type(exc).__name__}: {exc}"[:300]
            raise PdfFailure(
                f"the deck could not be turned into a PDF ({what})", FailureCode.PDF_RENDER_FAILED
            ) from None


def _outcome(
    event: events.DeckPdfRequested, status: Literal["ready", "failed"], **outcome: Any
) -> events.DeckPdfRendered:
    return events.DeckPdfRendered(
        deck_id=event.deck_id,
        user_id=event.user_id,
        revision=event.revision,
        status=status,
        **outcome,
    )


def _record(
    deps: Dependencies, requested: events.Envelope, rendered: events.DeckPdfRendered
) -> None:
    """The outcome, if this delivery is the one that finishes the PDF (deck_outcomes.claim_pdf);
    another delivery's, already recorded, stands."""
    now = deps.clock.now()
    pdfs = DeckPdfs(deps.db, deps.publisher)
    if not deck_outcomes.claim_pdf(deps.db, rendered.deck_id, rendered.revision, requested.id, now):
        pdfs.restore_outcome(rendered.deck_id, rendered.revision)
        log.info(
            "deck %s: revision %d's PDF was finished by another delivery",
            rendered.deck_id,
            rendered.revision,
        )
        pdfs.publish_owed(rendered.deck_id, rendered.revision)
        return
    envelope = events.wrap(
        rendered, source=SOURCE, subject=rendered.deck_id, correlation_id=requested.correlationid
    )
    pdfs.record(rendered, now, envelope)
