"""Deck revisions over the fakes: the deck service builds the revision `deck.requested` names
under that revision's keys, skips an older one, and never lets a late outcome overwrite a newer
revision's; the gateway finds the latest revision, lets one of two edits of a revision win,
and shows the latest built file while a newer revision builds or fails."""

from __future__ import annotations

from typing import Any

from deck_service.records import DeckBuilds
from gateway.decks import service
from jaryo_shared import events
from jaryo_shared.keys import deck_key, deck_preview_key, revision_of_deck_key
from jaryo_shared.read_models import deck_builds
from jaryo_shared.read_models.decks import latest_revision, revision_id
from tests.unit.fakes import FakeDatabase, FakePublisher
from tests.unit.handler_builders import NOW, USER, Decision, published
from tests.unit.test_deck_handlers import Decks


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.2}


def _revise(decks: Decks, deck_id: str, revision: int, text: str) -> events.Envelope:
    """Revision N of the deck as the gateway's PUT records it, and its deck.requested."""
    spec = {"template_id": "clean", "title": f"Take {revision}", "slides": [{"elements": []}]}
    spec["slides"][0]["elements"] = [_text(text)]
    decks.db.deck_revisions.insert_one(
        {
            "_id": revision_id(deck_id, revision),
            "deck_id": deck_id,
            "user_id": USER,
            "revision": revision,
            "title": spec["title"],
            "template_id": "clean",
            "spec": spec,
            "slide_count": 1,
            "created_at": NOW,
        }
    )
    requested = events.DeckRequested(
        deck_id=deck_id, user_id=USER, template_id="clean", slide_count=1, revision=revision
    )
    return events.wrap(requested, source="jaryo/gateway", subject=deck_id)


def _texts(decks: Decks, deck_id: str) -> list[str]:
    slide = decks.file(deck_id).slides[0]
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_a_revision_is_built_from_its_own_spec_under_its_own_keys():
    decks = Decks()
    first = decks.request([_text("one")])
    deck_id = str(first.data["deck_id"])
    decks.deliver(first)

    assert decks.deliver(_revise(decks, deck_id, 2, "two")) == Decision("ack")

    build = decks.build(deck_id)
    assert (build["status"], build["revision"], build["built_revision"]) == ("completed", 2, 2)
    assert build["file_path"] == deck_key(USER, deck_id, "take-2", 2)
    assert _texts(decks, deck_id) == ["two"]
    assert (decks.settings.bucket_decks, deck_key(USER, deck_id, "quarterly-report")) in (
        decks.store.objects
    )  # revision 1's file is left for the janitor
    assert [e["revision"] for e in published(decks.publisher, events.DeckCompleted)] == [1, 2]


def test_a_message_for_an_older_revision_than_the_latest_is_acked_and_skipped():
    decks = Decks()
    first = decks.request([_text("one")])
    deck_id = str(first.data["deck_id"])
    second = _revise(decks, deck_id, 2, "two")
    _revise(decks, deck_id, 3, "three")

    assert decks.deliver(first) == Decision("ack")
    assert decks.deliver(second) == Decision("ack")

    assert decks.db.deck_builds.find_one({"_id": deck_id}) is None
    assert decks.store.puts == [] and decks.publisher.published == []


class NewerRevisionStarts:
    """Another worker starts revision 3's build while this one stores revision 2's file."""

    def __init__(self, decks: Decks, deck_id: str) -> None:
        self.decks, self.deck_id = decks, deck_id
        self.put_bytes = decks.store.put_bytes
        decks.store.put_bytes = self  # type: ignore[method-assign]

    def __call__(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.put_bytes(bucket, key, data, content_type)
        builds = DeckBuilds(self.decks.db, self.decks.publisher)  # type: ignore[arg-type]
        builds.start_attempt(self.deck_id, 3, USER, NOW)


def test_a_build_finishing_after_a_newer_revision_started_leaves_that_revisions_state():
    decks = Decks()
    first = decks.request([_text("one")])
    deck_id = str(first.data["deck_id"])
    decks.deliver(first)
    second = _revise(decks, deck_id, 2, "two")
    NewerRevisionStarts(decks, deck_id)

    assert decks.deliver(second) == Decision("ack")

    build = decks.build(deck_id)
    assert (build["status"], build["revision"], build["built_revision"]) == ("building", 3, 1)
    assert [e["revision"] for e in published(decks.publisher, events.DeckCompleted)] == [1]


def test_a_failed_revision_keeps_the_last_built_file_and_the_deck_says_so():
    decks = Decks()
    first = decks.request([_text("one")])
    deck_id = str(first.data["deck_id"])
    decks.deliver(first)
    broken = _revise(decks, deck_id, 2, "two")
    decks.db.deck_revisions.update_one(
        {"_id": revision_id(deck_id, 2)}, {"$set": {"spec.template_id": "gone"}}
    )

    decks.deliver(broken)

    build = deck_builds.of_deck(decks.db, deck_id)  # type: ignore[arg-type]
    state = service.build_state(build, 2)
    assert (state["status"], state["built_revision"], state["code"]) == (
        "failed",
        1,
        "template-gone",
    )
    assert state["file_path"] == deck_key(USER, deck_id, "quarterly-report")


def test_the_deck_is_queued_at_its_new_revision_while_the_older_file_is_served():
    db = FakeDatabase()
    db.deck_builds.insert_one(
        {"_id": "d1", "status": "completed", "revision": 1, "file_path": "k", "file_size": 3}
    )
    build = deck_builds.of_deck(db, "d1")  # type: ignore[arg-type]

    assert service.build_state(build, 2) == {
        "status": "queued",
        "file_path": "k",
        "file_size": 3,
        "preview_count": None,
        "previews_status": "unavailable",  # built before previews followed, without any
        "built_revision": 1,
    }
    assert service.build_state(build, 1)["status"] == "completed"
    assert service.build_state(None, 1) == {"status": "queued"}


def _edit(db: FakeDatabase, revision: int) -> bool:
    document = {
        "_id": revision_id("d1", revision),
        "deck_id": "d1",
        "user_id": USER,
        "revision": revision,
        "title": "Edited",
        "template_id": "clean",
        "slide_count": 1,
    }
    requested = events.DeckRequested(
        deck_id="d1", user_id=USER, template_id="clean", slide_count=1, revision=revision
    )
    envelope = events.wrap(requested, source="jaryo/gateway", subject="d1")
    return service.record_revision(db, FakePublisher(), document, envelope, NOW)  # type: ignore[arg-type]


def test_of_two_edits_of_the_same_revision_only_the_first_is_stored():
    db = FakeDatabase()

    assert _edit(db, 2) is True
    assert _edit(db, 2) is False
    assert _edit(db, 3) is True
    assert latest_revision(db, "d1") == 3  # type: ignore[arg-type]


def test_the_latest_of_many_revisions_is_found_from_any_revision_known_to_exist():
    db = FakeDatabase()
    assert latest_revision(db, "d1") == 1  # type: ignore[arg-type]
    for revision in range(2, 38):
        db.deck_revisions.insert_one({"_id": revision_id("d1", revision)})
    for known in (1, 2, 20, 36, 37):
        assert latest_revision(db, "d1", at_least=known) == 37  # type: ignore[arg-type]


def test_each_deck_object_is_known_by_the_revision_it_belongs_to():
    assert revision_of_deck_key(deck_key(USER, "d1", "r2", 1), USER, "d1") == 1
    assert revision_of_deck_key(deck_preview_key(USER, "d1", 4), USER, "d1") == 1
    assert revision_of_deck_key(deck_key(USER, "d1", "deck", 12), USER, "d1") == 12
    assert revision_of_deck_key(deck_preview_key(USER, "d1", 1, 3), USER, "d1") == 3
