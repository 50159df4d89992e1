"""The deck service's handling of `deck.pdf_requested` (deck_service.pdf_export), run through its
handler map as the worker runs it, over the fakes of test_deck_handlers with LibreOffice faked
at the service's `render` module: the PDF is stored beside the .pptx and announced once, a
redelivery renders nothing again, a render that fails or times out is a final `failed` with its
code, a render that takes the worker down is failed after a few tries instead of rendering for
ever, and a server out of reach is retried without costing a try."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from pptx import Presentation

from deck_service import render
from deck_service.previews import MAX_RENDER_ATTEMPTS
from jaryo_shared import events
from jaryo_shared.keys import deck_pdf_key
from jaryo_shared.read_models import deck_pdfs
from jaryo_shared.read_models.deck_pdfs import pdf_id
from tests.unit.handler_builders import CORRELATION, USER, Decision, published
from tests.unit.test_deck_handlers import Decks

SLUG = "quarterly-report"  # test_deck_handlers' TITLE, as the deck service names the file


class WorkerDied(BaseException):
    """What the worker's death looks like to the handler: nothing catches it, no ack."""


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.2}


def _pdf_of_pages(count: int) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(count):
        document.new_page(960, 540)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Soffice:
    """LibreOffice faked: a real PDF of one page per slide of the .pptx it is given; `fails`
    (an exception) is raised instead, once set."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.fails: BaseException | None = None
        monkeypatch.setattr(render, "to_pdf", self.to_pdf)

    def to_pdf(self, pptx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
        self.calls += 1
        if self.fails is not None:
            raise self.fails
        pdf = out_dir / f"{pptx.stem}.pdf"
        pdf.write_bytes(_pdf_of_pages(len(Presentation(str(pptx)).slides)))
        return pdf


@pytest.fixture
def soffice(monkeypatch: pytest.MonkeyPatch) -> Soffice:
    return Soffice(monkeypatch)


@pytest.fixture
def decks() -> Decks:
    return Decks()


def _built(decks: Decks, slides: int = 3) -> str:
    """A deck built by the service, as a person asks for its PDF after."""
    envelope = decks.request(*[[_text(f"slide {n}")] for n in range(slides)])
    assert decks.deliver(envelope) == Decision("ack")
    decks.publisher.published.clear()
    decks.store.puts.clear()
    return str(envelope.data["deck_id"])


def _requested(decks: Decks, deck_id: str, revision: int = 1) -> events.Envelope:
    """deck.pdf_requested as the gateway sends it (gateway/decks/pdf_file.py)."""
    build = decks.build(deck_id)
    asked = events.DeckPdfRequested(
        deck_id=deck_id, user_id=USER, revision=revision, file_path=build["file_path"]
    )
    return events.wrap(asked, source="jaryo/gateway", subject=deck_id, correlation_id=CORRELATION)


def _outcome(decks: Decks, deck_id: str) -> deck_pdfs.DeckPdf:
    found = deck_pdfs.of_revision(decks.db, deck_id, 1)  # type: ignore[arg-type]
    assert found is not None
    return found


def _rendered(decks: Decks) -> list[dict[str, Any]]:
    return published(decks.publisher, events.DeckPdfRendered)


def test_the_pdf_is_stored_beside_the_pptx_with_a_page_per_slide_and_announced_once(decks, soffice):
    deck_id = _built(decks, slides=3)
    requested = _requested(decks, deck_id)

    assert decks.deliver(requested) == Decision("ack")
    assert decks.deliver(requested) == Decision("ack")  # redelivered: nothing again

    key = deck_pdf_key(USER, deck_id, SLUG)
    pdf = decks.store.objects[(decks.settings.bucket_decks, key)]
    assert decks.store.content_types[(decks.settings.bucket_decks, key)] == "application/pdf"
    assert len(pypdfium2.PdfDocument(pdf)) == 3
    assert (soffice.calls, decks.store.puts) == (1, [(decks.settings.bucket_decks, key)])
    made = _outcome(decks, deck_id)
    assert (made.status, made.file_path, made.size, made.page_count) == ("ready", key, len(pdf), 3)
    assert _rendered(decks) == [
        {
            "deck_id": deck_id,
            "user_id": USER,
            "revision": 1,
            "status": "ready",
            "file_path": key,
            "size": len(pdf),
            "page_count": 3,
            "reason": None,
            "code": None,
        }
    ]
    [event] = decks.publisher.published
    assert (event.source, event.subject, event.correlationid) == (
        "jaryo/deck-service",
        deck_id,
        CORRELATION,
    )


@pytest.mark.parametrize(
    ("failure", "code", "said"),
    [
        (subprocess.CalledProcessError(134, ["soffice"]), "pdf-render-failed", "could not be"),
        (subprocess.TimeoutExpired(["soffice"], 180), "pdf-render-timed-out", "longer than 180"),
        (render.RenderUnavailable("no soffice"), "pdf-render-unavailable", "cannot be made here"),
    ],
)
def test_a_render_that_fails_is_a_final_failed_pdf_with_its_code_never_a_retry(
    decks, soffice, failure, code, said
):
    deck_id = _built(decks)
    soffice.fails = failure

    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")
    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    made = _outcome(decks, deck_id)
    assert (made.status, made.code, made.file_path) == ("failed", code, None)
    assert said in (made.reason or "")
    assert [(e["status"], e["code"]) for e in _rendered(decks)] == [("failed", code)]
    assert soffice.calls == 1 and decks.store.puts == []


def test_a_render_that_takes_the_worker_down_is_failed_after_a_few_tries(decks, soffice):
    deck_id = _built(decks)
    soffice.fails = WorkerDied()
    requested = _requested(decks, deck_id)

    for _ in range(MAX_RENDER_ATTEMPTS):
        with pytest.raises(WorkerDied):
            decks.deliver(requested)
        assert _outcome(decks, deck_id).status == "rendering"
    assert decks.deliver(requested) == Decision("ack")

    made = _outcome(decks, deck_id)
    assert (made.status, made.code) == ("failed", "pdf-render-crashed")
    assert soffice.calls == MAX_RENDER_ATTEMPTS
    assert [e["code"] for e in _rendered(decks)] == ["pdf-render-crashed"]


def test_s3_out_of_reach_is_retried_and_costs_no_try(decks, soffice, monkeypatch):
    deck_id = _built(decks)
    requested = _requested(decks, deck_id)
    decks.store.fail_with = ConnectionError("S3 out of reach")
    assert decks.deliver(requested).action == "requeue"  # reading the .pptx
    assert soffice.calls == 0 and decks.db.deck_pdfs.find() == []

    decks.store.fail_with = None
    put_bytes = decks.store.put_bytes

    def away(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("S3 out of reach")

    monkeypatch.setattr(decks.store, "put_bytes", away)
    assert decks.deliver(requested).action == "requeue"  # storing the PDF
    assert decks.db.deck_pdfs.find_one({"_id": pdf_id(deck_id, 1)})["attempts"] == 0

    monkeypatch.setattr(decks.store, "put_bytes", put_bytes)
    assert decks.deliver(requested) == Decision("ack")
    made = decks.db.deck_pdfs.find_one({"_id": pdf_id(deck_id, 1)})
    assert (made["status"], made["attempts"]) == ("ready", 1)
    assert [e["status"] for e in _rendered(decks)] == ["ready"]


def test_a_pptx_purged_before_its_pdf_is_made_fails_it_as_gone(decks, soffice):
    deck_id = _built(decks)
    decks.store.objects.pop((decks.settings.bucket_decks, decks.build(deck_id)["file_path"]))

    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    assert (_outcome(decks, deck_id).status, _outcome(decks, deck_id).code) == (
        "failed",
        "deck-file-gone",
    )
    assert soffice.calls == 0


def test_a_deleted_deck_gets_no_pdf(decks, soffice):
    deck_id = _built(decks)
    decks.db.decks.update_one({"_id": deck_id}, {"$set": {"deleted_at": decks.clock.now()}})

    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    assert soffice.calls == 0 and decks.db.deck_pdfs.find() == []
    assert decks.publisher.published == []


def test_a_second_ask_of_a_finished_pdf_renders_nothing_and_announces_nothing(decks, soffice):
    """A relayed duplicate, or the gateway asking again: another message than the first."""
    deck_id = _built(decks, slides=2)
    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    assert soffice.calls == 1
    assert [e["status"] for e in _rendered(decks)] == ["ready"]


def test_of_two_asks_rendered_at_once_the_first_outcome_stands(decks, soffice):
    """Two workers render the same PDF; the one finishing second (here, timed out) must not
    turn the stored `ready` into `failed`, nor announce a second outcome."""
    deck_id = _built(decks, slides=2)
    first, second = _requested(decks, deck_id), _requested(decks, deck_id)
    racing: list[str] = []
    real = soffice.to_pdf

    def both_under_way(pptx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
        racing.append("rendering")
        if len(racing) == 1:  # while the first renders, the second is delivered and fails
            soffice.fails = subprocess.TimeoutExpired("soffice", timeout)
            assert decks.deliver(second) == Decision("ack")
            soffice.fails = None
        return real(pptx, out_dir, timeout=timeout)

    render.to_pdf = both_under_way  # type: ignore[assignment]
    try:
        assert decks.deliver(first) == Decision("ack")
    finally:
        render.to_pdf = real  # type: ignore[assignment]

    assert len(racing) == 2
    assert [e["status"] for e in _rendered(decks)] == ["failed"]  # the second finished first
    assert _outcome(decks, deck_id).status == "failed"  # and the first did not overwrite it


def test_a_losing_delivery_that_wrote_rendering_over_the_outcome_puts_it_back(decks, soffice):
    deck_id = _built(decks, slides=2)
    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")
    # The other delivery counted its attempt just after: only the status is written.
    decks.db.deck_pdfs.update_one({"_id": pdf_id(deck_id, 1)}, {"$set": {"status": "rendering"}})

    assert decks.deliver(_requested(decks, deck_id)) == Decision("ack")

    assert _outcome(decks, deck_id).status == "ready"
    assert soffice.calls == 1
