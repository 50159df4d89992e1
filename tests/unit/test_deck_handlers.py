"""The deck service's handling of `deck.requested` (deck_service.handlers), run through its handler
map as the worker runs it, over in-memory fakes of the database, the object store and the broker
(real python-pptx): the deck's build outcome and reason, the files kept, the events that go
out, and the worker's decision. The previews that follow a deck are in test_deck_previews.py."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from deck_service.bootstrap import Dependencies
from deck_service.handlers import handlers
from deck_service.settings import DeckSettings
from jaryo_shared import events
from jaryo_shared.clock import FixedClock
from jaryo_shared.keys import deck_key, deck_prefix, template_key
from jaryo_shared.templates import BUILTIN
from tests.helpers import png_bytes
from tests.unit.fakes import FakeDatabase, FakePublisher
from tests.unit.handler_builders import (
    CORRELATION,
    NOW,
    USER,
    CountingObjectStore,
    Decision,
    deliver,
    published,
    seed_upload,
)

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TITLE = "Quarterly report"


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.2}


def _picture(image_id: str) -> dict[str, Any]:
    return {"type": "image", "image_id": image_id, "x": 0.1, "y": 0.4, "w": 0.5, "h": 0.5}


class Decks:
    """The deck service's collaborators, all fakes, wired through its Dependencies; previews
    are off unless a test turns them on (and fakes the renderer)."""

    def __init__(self, **settings: object) -> None:
        self.settings = DeckSettings(**{"previews": False, **settings})  # type: ignore[arg-type]
        self.db, self.store = FakeDatabase(), CountingObjectStore()
        self.publisher, self.clock = FakePublisher(), FixedClock(NOW)
        self.deps = Dependencies(
            settings=self.settings,
            db=self.db,  # type: ignore[arg-type]
            store=self.store,  # type: ignore[arg-type]
            publisher=self.publisher,  # type: ignore[arg-type]
            clock=self.clock,
        )

    def deliver(self, envelope: events.Envelope) -> Decision:
        return deliver(handlers(self.deps), envelope)

    def request(self, *slides: list[dict[str, Any]], template_id: str = "clean") -> events.Envelope:
        """A deck as the gateway records it (gateway/decks/routes.py), and its deck.requested.
        The spec is stored as given, so a test can store one today's rules refuse."""
        deck_id = uuid.uuid4().hex
        spec = {
            "template_id": template_id,
            "title": TITLE,
            "slides": [{"elements": elements} for elements in slides],
        }
        self.db.decks.insert_one(
            {
                "_id": deck_id,
                "user_id": USER,
                "title": TITLE,
                "template_id": template_id,
                "spec": spec,
                "slide_count": len(slides),
                "status": "queued",
                "created_at": NOW,
                "deleted_at": None,
                "outbox": [],
                "outbox_pending": False,
            }
        )
        requested = events.DeckRequested(
            deck_id=deck_id, user_id=USER, template_id=template_id, slide_count=len(slides)
        )
        return events.wrap(
            requested, source="jaryo/gateway", subject=deck_id, correlation_id=CORRELATION
        )

    def stored_image(self, raw: bytes) -> str:
        """An image of the person's upload (as the gateway wrote it) that the storage service
        has stored (as it records it)."""
        [image_id] = seed_upload(self.db, self.store, self.settings, [raw]).image_ids
        [image] = self.db.images.find({"_id": image_id})
        self.store.put_bytes(self.settings.bucket_images, image["image_path"], raw, "image/png")
        stored = {"status": "stored", "size": len(raw), "media_type": "image/png"}
        self.db.images.update_one({"_id": image_id}, {"$set": {"storage": stored}})
        return image_id

    def own_template(self, data: bytes) -> str:
        """A person's uploaded template, as the gateway keeps it (gateway/deck_templates)."""
        template_id = uuid.uuid4().hex
        key = template_key(USER, template_id)
        self.store.put_bytes(self.settings.bucket_decks, key, data, PPTX)
        self.db.templates.insert_one(
            {"_id": template_id, "user_id": USER, "name": "Mine", "file_path": key}
        )
        return template_id

    def build(self, deck_id: str) -> dict[str, Any]:
        found = self.db.deck_builds.find_one({"_id": deck_id})
        assert found is not None
        return found

    def file(self, deck_id: str) -> Any:
        data = self.store.objects[(self.settings.bucket_decks, self.build(deck_id)["file_path"])]
        return Presentation(io.BytesIO(data))


@pytest.fixture
def decks() -> Decks:
    return Decks()


def _deck_id(envelope: events.Envelope) -> str:
    return str(envelope.data["deck_id"])


def _texts(slide: Any) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _failed(decks: Decks, envelope: events.Envelope) -> str:
    """The reason the deck failed with, checked to be the same in its build and its event."""
    build = decks.build(_deck_id(envelope))
    assert build["status"] == "failed"
    assert decks.publisher.types() == [events.DeckFailed.event_type]
    assert published(decks.publisher, events.DeckFailed)[0]["reason"] == build["reason"]
    deck_files = deck_prefix(USER, _deck_id(envelope))
    assert not any(key.startswith(deck_files) for _, key in decks.store.puts)  # no file kept
    return str(build["reason"])


def test_a_deck_on_a_built_in_template_is_stored_and_deck_completed_is_published(decks):
    image_id = decks.stored_image(png_bytes(80, 60))
    envelope = decks.request([_text("첫 장 First")], [_text("Second"), _picture(image_id)])
    deck_id = _deck_id(envelope)

    assert decks.deliver(envelope) == Decision("ack")

    key = deck_key(USER, deck_id, "quarterly-report")
    data = decks.store.objects[(decks.settings.bucket_decks, key)]
    assert decks.store.content_types[(decks.settings.bucket_decks, key)] == PPTX
    first, second = decks.file(deck_id).slides
    assert (_texts(first), _texts(second)) == (["첫 장 First"], ["Second"])
    assert [shape.shape_type for shape in second.shapes if not shape.has_text_frame] == [
        MSO_SHAPE_TYPE.PICTURE
    ]
    build = decks.build(deck_id)
    assert (build["status"], build["file_path"], build["file_size"]) == (
        "completed",
        key,
        len(data),
    )
    assert (build["slide_count"], build["previews_status"], build["completed_at"]) == (
        2,
        "unavailable",  # previews are off here
        NOW,
    )
    assert (build["outbox"], build["outbox_pending"]) == ([], False)
    [event] = decks.publisher.published
    assert (event.type, event.source, event.correlationid) == (
        events.DeckCompleted.event_type,
        "jaryo/deck-service",
        CORRELATION,
    )
    assert event.data == {
        "deck_id": deck_id,
        "user_id": USER,
        "file_path": key,
        "size": len(data),
        "slide_count": 2,
        "preview_count": 0,
        "revision": 1,
    }


def test_an_image_placed_on_several_slides_is_read_once(decks):
    image_id = decks.stored_image(png_bytes(80, 60))
    envelope = decks.request([_picture(image_id)], [_picture(image_id)], [_picture(image_id)])
    reads: list[str] = []
    read = decks.store.get_bytes_if_present

    def counted(bucket: str, key: str) -> bytes | None:
        reads.append(key)
        return read(bucket, key)

    decks.store.get_bytes_if_present = counted  # type: ignore[method-assign]

    assert decks.deliver(envelope) == Decision("ack")

    assert len(decks.file(_deck_id(envelope)).slides) == 3
    assert len(reads) == 1


def test_a_deck_on_the_persons_own_template_is_built_on_it(decks):
    template_id = decks.own_template(BUILTIN["midnight"].pptx_path.read_bytes())
    envelope = decks.request([_text("On my template")], template_id=template_id)

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.build(_deck_id(envelope))["status"] == "completed"
    [slide] = decks.file(_deck_id(envelope)).slides
    assert _texts(slide) == ["On my template"]


def test_a_deck_whose_template_was_deleted_fails_at_once_with_the_reason(decks):
    template_id = decks.own_template(BUILTIN["clean"].pptx_path.read_bytes())
    decks.db.templates.delete_one({"_id": template_id})
    envelope = decks.request([_text("x")], template_id=template_id)

    assert decks.deliver(envelope) == Decision("ack")  # failed on the first delivery

    reason = f"the template {template_id!r} no longer exists; pick another"
    assert _failed(decks, envelope) == reason


def test_a_deck_whose_template_file_is_gone_fails_at_once_with_the_reason(decks):
    template_id = decks.own_template(BUILTIN["clean"].pptx_path.read_bytes())
    decks.store.delete(decks.settings.bucket_decks, template_key(USER, template_id))
    envelope = decks.request([_text("x")], template_id=template_id)

    assert decks.deliver(envelope) == Decision("ack")

    assert (
        _failed(decks, envelope) == f"the template {template_id!r} no longer exists; pick another"
    )


def test_a_deck_on_a_template_that_cannot_be_opened_fails_at_once_with_what_to_do(decks):
    template_id = decks.own_template(b"PK\x03\x04 not really a presentation")
    envelope = decks.request([_text("x")], template_id=template_id)

    assert decks.deliver(envelope) == Decision("ack")

    assert "save it again as .pptx" in _failed(decks, envelope)


def test_a_deck_whose_image_was_purged_fails_at_once_with_the_reason(decks):
    image_id = decks.stored_image(png_bytes())
    decks.db.images.delete_one({"_id": image_id})
    envelope = decks.request([_picture(image_id)])

    assert decks.deliver(envelope) == Decision("ack")

    reason = f"the image {image_id} is no longer available; remove it from the deck"
    assert _failed(decks, envelope) == reason


def test_a_deck_whose_images_upload_was_deleted_fails_as_if_the_image_were_gone(decks):
    image_id = decks.stored_image(png_bytes())
    [image] = decks.db.images.find({"_id": image_id})
    decks.db.upload_deletions.insert_one(
        {"_id": image["upload_id"], "user_id": USER, "deleted_at": NOW}
    )
    envelope = decks.request([_picture(image_id)])

    assert decks.deliver(envelope) == Decision("ack")

    assert _failed(decks, envelope).startswith(f"the image {image_id} is no longer available")


def test_a_deck_whose_stored_spec_is_no_longer_accepted_fails_with_where_and_why(decks):
    envelope = decks.request([_text("bell \x07 character")])

    assert decks.deliver(envelope) == Decision("ack")

    reason = _failed(decks, envelope)
    assert reason.startswith("the deck's spec is no longer accepted (slides.0.elements.0")
    assert "U+0007" in reason


def test_a_redelivery_of_a_finished_deck_builds_and_publishes_nothing_again(decks):
    envelope = decks.request([_text("once")])
    assert decks.deliver(envelope) == Decision("ack")
    writes, sent = list(decks.store.puts), list(decks.publisher.published)
    decks.clock.advance(timedelta(minutes=5))

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.store.puts == writes
    assert decks.publisher.published == sent
    build = decks.build(_deck_id(envelope))
    assert (build["attempts"], build["completed_at"]) == (1, NOW)


def test_a_build_cut_short_by_a_crash_is_built_again_and_announced_once(decks):
    envelope = decks.request([_text("again")])
    decks.db.deck_builds.insert_one(  # the worker died mid-build: the message comes back
        {"_id": _deck_id(envelope), "user_id": USER, "status": "building", "attempts": 1}
    )

    assert decks.deliver(envelope) == Decision("ack")

    build = decks.build(_deck_id(envelope))
    assert (build["status"], build["attempts"]) == ("completed", 2)
    assert decks.publisher.types() == [events.DeckCompleted.event_type]


def test_with_the_broker_down_after_the_write_the_event_stays_owed_and_goes_out_once(decks):
    envelope = decks.request([_text("x")])
    decks.publisher.fail_with = ConnectionError("broker out of reach")

    assert decks.deliver(envelope).action == "requeue"

    build = decks.build(_deck_id(envelope))
    assert (build["status"], build["outbox_pending"]) == ("completed", True)
    [owed] = [entry["envelope"] for entry in build["outbox"]]
    decks.publisher.fail_with = None

    assert decks.deliver(envelope) == Decision("ack")

    assert [(e.type, e.id) for e in decks.publisher.published] == [
        (events.DeckCompleted.event_type, owed["id"])
    ]
    assert decks.build(_deck_id(envelope))["attempts"] == 1  # not built again


def test_with_s3_down_the_message_is_retried_and_the_deck_is_not_failed(decks):
    image_id = decks.stored_image(png_bytes())
    envelope = decks.request([_picture(image_id)])
    decks.store.fail_with = ConnectionError("S3 out of reach")

    assert decks.deliver(envelope).action == "requeue"

    assert decks.build(_deck_id(envelope))["status"] == "building"
    assert decks.publisher.published == []
    decks.store.fail_with = None  # S3 is back: the retried message builds the deck

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.build(_deck_id(envelope))["status"] == "completed"
    assert decks.publisher.types() == [events.DeckCompleted.event_type]


def test_a_deck_deleted_before_its_build_is_not_built(decks):
    envelope = decks.request([_text("x")])
    decks.db.decks.update_one({"_id": _deck_id(envelope)}, {"$set": {"deleted_at": NOW}})

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.db.deck_builds.find_one({"_id": _deck_id(envelope)}) is None
    assert (decks.store.puts, decks.publisher.published) == ([], [])


def test_a_deck_the_janitor_already_failed_is_not_built_or_announced_again(decks):
    envelope = decks.request([_text("x")])
    decks.db.deck_outcomes.insert_one(
        {"_id": _deck_id(envelope), "by": "jaryo/janitor", "claimed_at": NOW}
    )

    assert decks.deliver(envelope) == Decision("ack")

    assert decks.db.deck_builds.find_one({"_id": _deck_id(envelope)}) is None
    assert (decks.store.puts, decks.publisher.published) == ([], [])
