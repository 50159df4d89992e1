"""The slide previews that follow a deck (deck_service.previews), over the fakes of
test_deck_handlers with LibreOffice faked at the service's `render` module: the deck is
completed and announced before they are rendered, they are announced on their own, a failed
render leaves the deck completed, a crash mid-render is rendered again on redelivery (a few
times, not for ever), and a new revision renders only the slides that changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from deck_service import render
from deck_service.previews import MAX_RENDER_ATTEMPTS
from jaryo_shared import events
from jaryo_shared.keys import deck_preview_key
from jaryo_shared.read_models.decks import revision_id
from tests.unit.handler_builders import NOW, USER, Decision, published
from tests.unit.test_deck_handlers import Decks


class WorkerDied(BaseException):
    """What the worker's death looks like to the handler: nothing catches it, no ack."""


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.2}


def _png(text: str) -> bytes:
    return f"png of {text}".encode()


class Renderer:
    """LibreOffice faked: one "PNG" per slide of the .pptx it is given, naming the slide's
    text; `during` runs inside each render (to look at the world then, or to fail)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rendered: list[list[str]] = []  # the slides' texts of each render
        self.during: Callable[[], None] = lambda: None
        monkeypatch.setattr(render, "available", lambda: True)
        monkeypatch.setattr(render, "to_pngs", self.to_pngs)

    def to_pngs(self, pptx: Path, out_dir: Path, *, dpi: int = 48) -> list[Path]:
        texts = [
            "".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in Presentation(str(pptx)).slides
        ]
        self.during()
        self.rendered.append(texts)
        pngs = []
        for number, text in enumerate(texts, 1):
            png = out_dir / f"slide-{number}.png"
            png.write_bytes(_png(text))
            pngs.append(png)
        return pngs


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> Renderer:
    return Renderer(monkeypatch)


@pytest.fixture
def decks() -> Decks:
    return Decks(previews=True)


def _deck_id(envelope: events.Envelope) -> str:
    return str(envelope.data["deck_id"])


def _previews(decks: Decks, deck_id: str, count: int, revision: int = 1) -> list[bytes | None]:
    return [
        decks.store.objects.get(
            (decks.settings.bucket_decks, deck_preview_key(USER, deck_id, number, revision))
        )
        for number in range(1, count + 1)
    ]


def test_the_deck_is_completed_and_announced_before_its_previews_are_rendered(decks, renderer):
    envelope = decks.request([_text("one")], [_text("two")])
    deck_id = _deck_id(envelope)
    seen_while_rendering: list[tuple[str, str, list[str]]] = []
    renderer.during = lambda: seen_while_rendering.append(
        (
            decks.build(deck_id)["status"],
            decks.build(deck_id)["previews_status"],
            decks.publisher.types(),
        )
    )

    assert decks.deliver(envelope) == Decision("ack")

    assert seen_while_rendering == [("completed", "pending", [events.DeckCompleted.event_type])]
    build = decks.build(deck_id)
    assert (build["previews_status"], build["preview_count"]) == ("ready", 2)
    assert (build["outbox"], build["outbox_pending"]) == ([], False)
    assert _previews(decks, deck_id, 2) == [_png("one"), _png("two")]
    assert decks.publisher.types() == [
        events.DeckCompleted.event_type,
        events.DeckPreviewsReady.event_type,
    ]
    assert published(decks.publisher, events.DeckPreviewsReady) == [
        {"deck_id": deck_id, "user_id": USER, "revision": 1, "preview_count": 2}
    ]
    assert decks.publisher.published[1].subject == deck_id


def test_a_failed_render_leaves_the_deck_completed_and_its_previews_failed(decks, renderer):
    def crash() -> None:
        raise RuntimeError("soffice crashed")

    renderer.during = crash
    envelope = decks.request([_text("one")])

    assert decks.deliver(envelope) == Decision("ack")

    build = decks.build(_deck_id(envelope))
    assert (build["status"], build["previews_status"]) == ("completed", "failed")
    assert decks.publisher.types() == [events.DeckCompleted.event_type]
    assert [key for _, key in decks.store.puts if "/previews/" in key] == []


def test_a_worker_that_dies_mid_render_renders_them_on_redelivery_and_announces_once(
    decks, renderer
):
    envelope = decks.request([_text("one")])
    deck_id = _deck_id(envelope)

    def die() -> None:
        raise WorkerDied

    renderer.during = die
    with pytest.raises(WorkerDied):
        decks.deliver(envelope)
    assert decks.build(deck_id)["previews_status"] == "pending"
    renderer.during = lambda: None

    assert decks.deliver(envelope) == Decision("ack")  # the message comes back

    build = decks.build(deck_id)
    assert (build["status"], build["attempts"], build["previews_status"]) == (
        "completed",
        1,  # the deck is not built again
        "ready",
    )
    assert decks.publisher.types() == [
        events.DeckCompleted.event_type,
        events.DeckPreviewsReady.event_type,
    ]
    assert decks.deliver(envelope) == Decision("ack")  # once more: nothing rendered again
    assert len(renderer.rendered) == 1 and len(decks.publisher.published) == 2


def test_previews_whose_render_keeps_killing_the_worker_are_failed_not_retried_for_ever(
    decks, renderer
):
    envelope = decks.request([_text("one")])

    def die() -> None:
        raise WorkerDied

    renderer.during = die
    for _ in range(MAX_RENDER_ATTEMPTS):
        with pytest.raises(WorkerDied):
            decks.deliver(envelope)

    assert decks.deliver(envelope) == Decision("ack")

    build = decks.build(_deck_id(envelope))
    assert (build["status"], build["previews_status"]) == ("completed", "failed")
    assert decks.publisher.types() == [events.DeckCompleted.event_type]


def test_with_s3_away_while_storing_previews_the_message_is_retried_and_they_are_made(
    decks, renderer
):
    envelope = decks.request([_text("one")])

    def s3_goes_away() -> None:
        decks.store.fail_with = ConnectionError("S3 out of reach")

    renderer.during = s3_goes_away
    for _ in range(MAX_RENDER_ATTEMPTS + 1):  # more outages than render attempts allowed
        assert decks.deliver(envelope).action == "requeue"
        decks.store.fail_with = None
    renderer.during = lambda: None

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.build(_deck_id(envelope))["previews_status"] == "ready"


def _revise(decks: Decks, deck_id: str, revision: int, *texts: str) -> events.Envelope:
    """Revision N of the deck as the gateway's PUT records it, and its deck.requested."""
    spec = {
        "template_id": "clean",
        "title": "Quarterly report",
        "slides": [{"elements": [_text(text)]} for text in texts],
    }
    decks.db.deck_revisions.insert_one(
        {
            "_id": revision_id(deck_id, revision),
            "deck_id": deck_id,
            "user_id": USER,
            "revision": revision,
            "title": spec["title"],
            "template_id": "clean",
            "spec": spec,
            "slide_count": len(texts),
            "created_at": NOW,
        }
    )
    requested = events.DeckRequested(
        deck_id=deck_id,
        user_id=USER,
        template_id="clean",
        slide_count=len(texts),
        revision=revision,
    )
    return events.wrap(requested, source="jaryo/gateway", subject=deck_id)


def test_a_new_revision_renders_only_the_slides_that_changed_and_copies_the_others(decks, renderer):
    first = decks.request([_text("one")], [_text("two")], [_text("three")])
    deck_id = _deck_id(first)
    decks.deliver(first)

    # The second slide edited, a new one added, the first two swapped.
    second = _revise(decks, deck_id, 2, "TWO", "one", "three", "four")
    assert decks.deliver(second) == Decision("ack")

    assert renderer.rendered == [["one", "two", "three"], ["TWO", "four"]]
    assert _previews(decks, deck_id, 4, revision=2) == [
        _png("TWO"),
        _png("one"),
        _png("three"),
        _png("four"),
    ]
    build = decks.build(deck_id)
    assert (build["previews_status"], build["preview_count"]) == ("ready", 4)
    assert [p["revision"] for p in published(decks.publisher, events.DeckPreviewsReady)] == [1, 2]


def test_a_slide_whose_old_preview_was_deleted_meanwhile_is_rendered_again(decks, renderer):
    first = decks.request([_text("one")], [_text("two")])
    deck_id = _deck_id(first)
    decks.deliver(first)
    decks.store.delete(decks.settings.bucket_decks, deck_preview_key(USER, deck_id, 1))

    assert decks.deliver(_revise(decks, deck_id, 2, "one", "TWO")) == Decision("ack")

    assert renderer.rendered[-1] == ["one", "TWO"]
    assert _previews(decks, deck_id, 2, revision=2) == [_png("one"), _png("TWO")]


def test_previews_of_a_revision_overtaken_by_a_newer_build_are_not_recorded(decks, renderer):
    first = decks.request([_text("one")])
    deck_id = _deck_id(first)

    def another_worker_builds_revision_2() -> None:
        renderer.during = lambda: None
        assert decks.deliver(_revise(decks, deck_id, 2, "newer")) == Decision("ack")

    renderer.during = another_worker_builds_revision_2  # while revision 1's previews render

    assert decks.deliver(first) == Decision("ack")

    build = decks.build(deck_id)
    assert (build["built_revision"], build["previews_status"], build["rendered_revision"]) == (
        2,
        "ready",
        2,
    )
    assert [p["revision"] for p in published(decks.publisher, events.DeckPreviewsReady)] == [2]


def test_previews_whose_old_slides_cannot_be_read_are_failed_not_left_pending(
    decks, renderer, monkeypatch
):
    """S3 answering with an error that is no outage (access denied) while the previews step
    reads the old slides: retrying cannot help, so the previews fail and the message is done."""
    first = decks.request([_text("one")], [_text("two")])
    deck_id = _deck_id(first)
    decks.deliver(first)

    def refused(bucket: str, key: str) -> bytes | None:
        raise RuntimeError("AccessDenied")

    monkeypatch.setattr(decks.store, "get_bytes_if_present", refused)

    assert decks.deliver(_revise(decks, deck_id, 2, "one", "TWO")) == Decision("ack")

    build = decks.build(deck_id)
    assert (build["status"], build["revision"], build["previews_status"]) == (
        "completed",
        2,
        "failed",
    )
