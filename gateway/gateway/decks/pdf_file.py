"""The deck as PDF (`GET /v1/decks/{id}/file?format=pdf`): the PDF of the latest built revision,
rendered by the deck service when first asked for and only once per revision. The first request
records the ask with its `deck.pdf_requested` (a unique insert: a second request meanwhile sends
nothing); `?wait` waits for `deck.pdf_rendered`; the routes stream it once ready."""

from __future__ import annotations

from typing import Any, Literal

from flask import g, request

from gateway.bootstrap import current_deps
from gateway.decks import service
from gateway.problems import InvalidInput, PdfNotMade
from gateway.waiting import until_finished, wait_seconds
from jaryo_shared import events
from jaryo_shared.read_models.deck_pdfs import FINISHED, DeckPdf, pdf_id

SOURCE = "jaryo/gateway"
FORMATS = ("pptx", "pdf")
Format = Literal["pptx", "pdf"]
RENDERING = {"status": "rendering"}


def file_query() -> tuple[Format, int]:
    """`?format` (pptx, the default, or pdf; else a 422 naming it) and `?wait`."""
    raw = request.args.get("format", "pptx")
    if raw not in FORMATS:
        raise InvalidInput("format must be pptx or pdf", pointer="/format")
    fmt: Format = "pdf" if raw == "pdf" else "pptx"
    return fmt, wait_seconds(request.args.get("wait"), current_deps().settings.wait_max_seconds)


def when_made(deck: dict[str, Any], wait: int) -> DeckPdf | None:
    """The built revision's PDF once ready, asked for if nobody has, waited for up to `wait`
    seconds; None while it is being made. PdfNotMade if it could not be made."""
    deps = current_deps()
    revision = deck["built_revision"]
    recorded = service.pdf_of(deps.db, deck["_id"], revision)
    if recorded is None or not recorded.finished:
        _ask(deck, revision, recorded)

    def read() -> dict[str, Any]:
        made = service.pdf_of(deps.db, deck["_id"], revision)
        return RENDERING if made is None else {"status": made.status, "pdf": made}

    state = until_finished(
        deck["_id"], wait, read=read, finished=lambda state: state["status"] in FINISHED
    )
    if state["status"] not in FINISHED:
        return None
    made: DeckPdf = state["pdf"]
    if made.status == "failed":
        raise PdfNotMade(
            f"the PDF of revision {revision} could not be made: {made.reason}",
            revision=revision,
            failure_code=made.code,
        )
    return made


def _ask(deck: dict[str, Any], revision: int, made: DeckPdf | None) -> None:
    deps = current_deps()
    now = deps.clock.now()
    requested = events.DeckPdfRequested(
        deck_id=deck["_id"], user_id=g.user_id, revision=revision, file_path=deck["file_path"]
    )
    envelope = events.wrap(
        requested, source=SOURCE, subject=deck["_id"], correlation_id=g.get("correlation_id")
    )
    document = {
        "_id": pdf_id(deck["_id"], revision),
        "deck_id": deck["_id"],
        "user_id": g.user_id,
        "revision": revision,
        "file_path": deck["file_path"],
        "requested_at": now,
    }
    service.request_pdf(deps.db, deps.publisher, document, envelope, now, made)


def pdf_name(pptx_path: str) -> str:
    """The .pptx's file name with .pdf."""
    return pptx_path.rsplit("/", 1)[-1].removesuffix(".pptx") + ".pdf"
