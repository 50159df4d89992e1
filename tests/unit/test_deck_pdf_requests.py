"""The gateway's ask for a revision's PDF (gateway.decks.service.request_pdf) over the fakes: the
first ask is recorded with its deck.pdf_requested and sends it; another ask of the same
revision, meanwhile, records and sends nothing; a broker away leaves the event to the relay."""

from __future__ import annotations

from datetime import datetime, timedelta

from gateway.decks import service
from jaryo_shared import events
from jaryo_shared.read_models.deck_pdfs import DeckPdf, pdf_id
from tests.unit.fakes import FakeDatabase, FakePublisher
from tests.unit.handler_builders import NOW, USER


def _ask(
    db: FakeDatabase,
    publisher: FakePublisher,
    revision: int = 1,
    now: datetime = NOW,
    made: DeckPdf | None = None,
) -> bool:
    asked = events.DeckPdfRequested(
        deck_id="dk1", user_id=USER, revision=revision, file_path=f"{USER}/deckdk1/d.pptx"
    )
    envelope = events.wrap(asked, source="jaryo/gateway", subject="dk1")
    document = {
        "_id": pdf_id("dk1", revision),
        "deck_id": "dk1",
        "revision": revision,
        "requested_at": now,
    }
    return service.request_pdf(db, publisher, document, envelope, now, made)  # type: ignore[arg-type]


def test_a_revisions_pdf_is_requested_once_however_many_ask():
    db, publisher = FakeDatabase(), FakePublisher()

    assert _ask(db, publisher) is True
    assert _ask(db, publisher) is False
    assert _ask(db, publisher, revision=2) is True

    assert publisher.types() == [events.DeckPdfRequested.event_type] * 2
    assert [e.data["revision"] for e in publisher.published] == [1, 2]
    assert [d["_id"] for d in db.deck_pdf_requests.find()] == ["dk1:1", "dk1:2"]
    assert all(d["outbox"] == [] for d in db.deck_pdf_requests.find())


def test_an_ask_made_while_the_broker_is_away_is_kept_for_the_relay():
    db, publisher = FakeDatabase(), FakePublisher()
    publisher.fail_with = ConnectionError("broker out of reach")

    assert _ask(db, publisher) is True

    [document] = db.deck_pdf_requests.find()
    assert document["outbox_pending"] is True and len(document["outbox"]) == 1


def test_an_ask_the_deck_service_never_took_up_is_sent_again_after_a_while():
    """Dead-lettered, or taken by a deck service too old to know it: without a second ask the
    PDF would stay rendering for good."""
    db, publisher = FakeDatabase(), FakePublisher()
    assert _ask(db, publisher) is True

    _ask(db, publisher, now=NOW + service.ASK_AGAIN_AFTER / 2)  # being made, surely
    assert len(publisher.published) == 1
    _ask(db, publisher, now=NOW + service.ASK_AGAIN_AFTER)
    assert len(publisher.published) == 2
    _ask(db, publisher, now=NOW + service.ASK_AGAIN_AFTER * 1.5)  # asked again just now
    assert len(publisher.published) == 2


def test_a_render_stalled_for_good_is_asked_for_again_and_a_finished_pdf_never_is():
    """Its worker died and the message was dead-lettered: `rendering` would stay for ever."""
    db, publisher = FakeDatabase(), FakePublisher()
    assert _ask(db, publisher) is True
    later = NOW + service.ASK_AGAIN_AFTER * 2
    under_way = DeckPdf.model_validate(
        {
            "_id": "dk1:1",
            "status": "rendering",
            "revision": 1,
            "started_at": later - timedelta(minutes=1),
        }
    )
    stalled = DeckPdf.model_validate(
        {"_id": "dk1:1", "status": "rendering", "revision": 1, "started_at": NOW}
    )
    ready = DeckPdf.model_validate({"_id": "dk1:1", "status": "ready", "revision": 1})

    _ask(db, publisher, now=later, made=under_way)
    _ask(db, publisher, now=later, made=ready)
    assert len(publisher.published) == 1
    _ask(db, publisher, now=later, made=stalled)
    assert len(publisher.published) == 2
