"""The owners' repositories (storage ImageRecords, OCR OcrResults, deck DeckBuilds): each
outcome is kept with the event it owes and that event is published once; what an earlier
delivery left owed is published again; an attempt is counted before the work starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from deck_service.records import BuiltDeck, DeckBuilds
from jaryo_shared import events
from jaryo_shared.failures import FailureCode
from jaryo_shared.ocr_result import OcrResult
from jaryo_shared.read_models.images import Image
from ocr_service.records import OcrResults
from storage_service.normalise import NormalisedImage
from storage_service.records import ImageRecords
from tests.unit.fakes import FakeCollection, FakeDatabase, FakePublisher

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IMAGE = Image.model_validate(
    {
        "_id": "img-1",
        "upload_id": "up-1",
        "user_id": "user-1",
        "index": 0,
        "image_name": "page.png",
        "image_type": "print",
        "image_path": "user-1/upload1/page.png",
        "staging_key": "user-1/upload1/page.png",
        "size": 1234,
    }
)


@dataclass
class Written:
    matched_count: int
    modified_count: int
    upserted_id: Any = None


class OwnedCollection(FakeCollection):
    """The shared fake plus what the repositories' writes use: `upsert` (with `upserted_id`)
    and `$set` of a dotted path (`storage.status`)."""

    def update_one(  # type: ignore[override]
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> Written:
        if query["_id"] not in self.documents:
            if not upsert:
                return Written(0, 0)
            self.insert_one({"_id": query["_id"]})
            self._update(query["_id"], update)
            return Written(0, 0, query["_id"])
        self._update(query["_id"], update)
        return Written(1, 1)

    def _update(self, document_id: str, update: dict[str, Any]) -> None:
        dotted = {k: v for k, v in update.get("$set", {}).items() if "." in k}
        flat = {k: v for k, v in update.get("$set", {}).items() if "." not in k}
        super().update_one({"_id": document_id}, {**update, "$set": flat})
        for path, value in dotted.items():
            *parents, name = path.split(".")
            node = self.documents[document_id]
            for parent in parents:
                node = node.setdefault(parent, {})
            node[name] = value


@pytest.fixture
def db() -> FakeDatabase:
    database = FakeDatabase()
    for name in ("images", "ocr_results", "deck_builds"):
        database.collections[name] = OwnedCollection(name)
    return database


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()


def _stored_event() -> events.Envelope:
    payload = events.ImageStored(
        upload_id="up-1",
        user_id="user-1",
        image_id="img-1",
        image_path=IMAGE.image_path,
        width=40,
        height=30,
        sha256="ab" * 32,
    )
    return events.wrap(payload, source="jaryo/storage-service", subject="up-1")


def test_a_stored_image_keeps_its_figures_and_its_event_is_published_once(db, publisher):
    db.images.insert_one({"_id": "img-1", "upload_id": "up-1", "storage": {"status": "queued"}})
    records = ImageRecords(db, publisher)
    normalised = NormalisedImage(b"png", "image/png", 40, 30, "ab" * 32, b"webp")

    records.mark_stored("img-1", normalised, "user-1/thumb.webp", NOW, _stored_event())
    records.publish_owed("img-1")  # a redelivery finds nothing left owed

    image = records.of_upload("up-1", "img-1")
    assert image is not None and records.finished(image)
    assert image["storage"]["width"] == 40 and image["storage"]["size"] == 3
    assert publisher.types() == ["jaryo.image.stored.v1"]


def test_a_rejected_image_is_finished_with_its_reason(db, publisher):
    db.images.insert_one({"_id": "img-1", "upload_id": "up-1", "storage": {"status": "queued"}})
    records = ImageRecords(db, publisher)
    payload = events.ImageRejected(
        upload_id="up-1",
        user_id="user-1",
        image_id="img-1",
        reason="not an image",
        code=FailureCode.IMAGE_FORMAT_NOT_ACCEPTED,
    )
    event = events.wrap(payload, source="jaryo/storage-service", subject="up-1")

    records.mark_rejected("img-1", payload, NOW, event)

    image = records.of_upload("up-1", "img-1")
    assert image is not None and records.finished(image)
    assert image["storage"]["reason"] == "not an image"
    assert image["storage"]["code"] == "image-format-not-accepted"


def _ocr_event(status: str) -> events.Envelope:
    payload = events.OcrCompleted(
        upload_id="up-1", user_id="user-1", image_id="img-1", status=status, reason="gone"
    )
    return events.wrap(payload, source="jaryo/ocr-service", subject="up-1")


def _ocr_failure() -> events.OcrCompleted:
    return events.OcrCompleted(
        upload_id="up-1",
        user_id="user-1",
        image_id="img-1",
        status="failed",
        reason="gone from storage",
        code=FailureCode.IMAGE_GONE,
    )


def test_each_started_reading_is_counted_until_the_image_is_finished(db, publisher):
    results = OcrResults(db, publisher)
    assert results.attempts_if_unfinished("img-1") == 0

    results.start_attempt(IMAGE, NOW)
    results.start_attempt(IMAGE, NOW)
    assert results.attempts_if_unfinished("img-1") == 2

    read = OcrResult(
        status="done", engine="tesseract", language="eng", duration_ms=5, text="hi", blocks=[]
    )
    results.record_read(IMAGE, read, NOW, _ocr_event("done"))
    assert results.attempts_if_unfinished("img-1") is None
    assert publisher.types() == ["jaryo.ocr.completed.v1"]


def test_an_image_that_failed_before_any_attempt_gets_its_result_and_event(db, publisher):
    results = OcrResults(db, publisher)

    assert results.record_failure(IMAGE, _ocr_failure(), NOW, _ocr_event("failed"))

    stored = db.ocr_results.find_one({"_id": "img-1"})
    assert stored is not None
    assert (stored["status"], stored["user_id"], stored["reason"], stored["code"]) == (
        "failed",
        "user-1",
        "gone from storage",
        "image-gone",
    )
    assert publisher.types() == ["jaryo.ocr.completed.v1"]


def test_a_completed_build_keeps_its_file_and_is_finished(db, publisher):
    builds = DeckBuilds(db, publisher)
    builds.start_attempt("deck-1", 1, "user-1", NOW)
    assert not builds.finished("deck-1", 1)
    payload = events.DeckCompleted(
        deck_id="deck-1", user_id="user-1", file_path="k.pptx", size=9, slide_count=2
    )
    event = events.wrap(payload, source="jaryo/deck-service", subject="deck-1")

    builds.mark_completed("deck-1", BuiltDeck("k.pptx", 9, 2, "unavailable"), NOW, event)

    assert builds.finished("deck-1", 1)
    build = db.deck_builds.find_one({"_id": "deck-1"})
    assert build is not None
    assert (build["file_path"], build["preview_count"], build["attempts"]) == ("k.pptx", None, 1)
    assert publisher.types() == ["jaryo.deck.completed.v1"]


def test_a_failed_builds_event_left_unsent_is_published_on_redelivery(db, publisher):
    builds = DeckBuilds(db, publisher)
    builds.start_attempt("deck-1", 1, "user-1", NOW)
    payload = events.DeckFailed(
        deck_id="deck-1", user_id="user-1", reason="no template", code=FailureCode.TEMPLATE_GONE
    )
    event = events.wrap(payload, source="jaryo/deck-service", subject="deck-1")
    publisher.fail_with = ConnectionError("broker away")
    with pytest.raises(ConnectionError):
        builds.mark_failed("deck-1", payload, NOW, event)
    publisher.fail_with = None

    assert builds.finished("deck-1", 1)
    assert builds.publish_owed("deck-1") == 1
    assert publisher.types() == ["jaryo.deck.failed.v1"]
