"""The read models (jaryo_shared.read_models): what a service that does not own a collection
gets when it reads one, checked against the contract's fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from jaryo_shared.ocr_result import Figure
from jaryo_shared.read_models import deck_builds, images, ocr_results, uploads
from tests.unit.fakes import FakeDatabase

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _image(image_id: str, index: int, **fields: Any) -> dict[str, Any]:
    return {
        "_id": image_id,
        "upload_id": "up-1",
        "user_id": "user-1",
        "index": index,
        "image_name": f"{image_id}.png",
        "image_type": "print",
        "image_path": f"user-1/upload1/{image_id}.png",
        "staging_key": f"user-1/upload1/{image_id}.png",
        "size": 1234,
        "storage": {"status": "queued"},
        **fields,
    }


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


def test_images_of_an_upload_come_in_upload_order_and_only_the_persons_own(db):
    db.images.insert_one(_image("img-b", 1))
    db.images.insert_one(_image("img-a", 0))
    db.images.insert_one(_image("img-c", 2, user_id="someone-else"))

    found = images.in_upload(db, "user-1", "up-1")

    assert [image.id for image in found] == ["img-a", "img-b"]


def test_a_reader_does_not_see_the_owners_outbox(db):
    db.images.insert_one(_image("img-1", 0, outbox=[{"id": "e1"}], outbox_pending=True))

    found = images.own_in_upload(db, "user-1", "up-1", "img-1")

    assert found is not None
    assert "outbox" not in found.document()
    assert found.document()["storage"] == {"status": "queued"}  # unset figures stay absent


def test_an_image_missing_a_field_of_the_contract_fails_to_read(db):
    broken = _image("img-1", 0)
    del broken["image_path"]
    db.images.insert_one(broken)

    with pytest.raises(ValidationError, match="image_path"):
        images.of_upload(db, "up-1", "img-1")


def test_only_stored_images_count_as_stored(db):
    db.images.insert_one(_image("img-1", 0, storage={"status": "stored", "width": 10}))
    db.images.insert_one(_image("img-2", 1, storage={"status": "rejected", "reason": "no"}))

    stored = images.stored_among(db, "user-1", {"img-1", "img-2", "img-3"})

    assert [image.id for image in stored] == ["img-1"]
    assert stored[0].stored


def test_ocr_results_can_be_read_without_their_bulk(db):
    db.ocr_results.insert_one(
        {
            "_id": "img-1",
            "upload_id": "up-1",
            "user_id": "user-1",
            "status": "done",
            "text": "hello",
            "blocks": [],
        }
    )

    light = ocr_results.of_images(db, ["img-1", "img-unread"], with_text=False, with_blocks=False)
    full = ocr_results.of_images(db, ["img-1"])

    assert list(light) == ["img-1"]  # an unread image has no result yet
    assert light["img-1"].text is None and light["img-1"].blocks is None
    assert full["img-1"].text == "hello" and full["img-1"].blocks == []


def test_deck_builds_are_found_by_deck(db):
    db.deck_builds.insert_one({"_id": "deck-1", "status": "completed", "file_size": 99})
    db.deck_builds.insert_one({"_id": "deck-3", "status": "building"})

    found = deck_builds.of_decks(db, ["deck-1", "deck-2"])

    assert list(found) == ["deck-1"]
    assert deck_builds.of_deck(db, "deck-2") is None
    assert found["deck-1"].document()["file_size"] == 99


def test_previews_of_a_deck_built_before_they_followed_it_read_as_they_were_then(db):
    built = {"status": "completed", "file_path": "k.pptx", "built_revision": 1}
    db.deck_builds.insert_one({"_id": "had-them", **built, "preview_count": 3})
    db.deck_builds.insert_one({"_id": "had-none", **built, "preview_count": None})
    db.deck_builds.insert_one({"_id": "following", **built, "previews_status": "pending"})
    db.deck_builds.insert_one({"_id": "not-built", "status": "building"})

    found = deck_builds.of_decks(db, ["had-them", "had-none", "following", "not-built"])

    assert {deck_id: build.previews() for deck_id, build in found.items()} == {
        "had-them": "ready",
        "had-none": "unavailable",
        "following": "pending",
        "not-built": None,
    }


def test_an_upload_counts_as_deleted_by_its_deletion_record_alone(db):
    db.uploads.insert_one({"_id": "up-1", "deleted_at": None})  # DELETE's own write was lost
    db.uploads.insert_one({"_id": "up-2", "deleted_at": None})
    db.upload_deletions.insert_one({"_id": "up-1", "user_id": "user-1", "deleted_at": NOW})

    assert uploads.deleted_among(db, ["up-1", "up-2", "up-purged"]) == {"up-1", "up-purged"}


def test_an_ocr_result_says_whether_it_has_figures_and_a_clean_background(db):
    db.ocr_results.insert_one(
        {
            "_id": "img-new",
            "upload_id": "up-1",
            "user_id": "user-1",
            "status": "done",
            "figures": [{"bbox": [0.1, 0.2, 0.3, 0.4]}],
            "clean_background": True,
        }
    )
    db.ocr_results.insert_one(
        {"_id": "img-old", "upload_id": "up-1", "user_id": "user-1", "status": "done"}
    )

    found = ocr_results.of_images(db, ["img-new", "img-old"], with_blocks=False)

    assert found["img-new"].figures == [Figure(bbox=(0.1, 0.2, 0.3, 0.4))]
    assert found["img-new"].clean_background
    assert found["img-old"].figures is None and not found["img-old"].clean_background


def test_an_ocr_results_layout_is_read_from_its_own_document_and_only_when_asked(db):
    block = {"bbox": [0.1, 0.1, 0.5, 0.2], "lines": []}
    db.ocr_results.insert_one(
        {"_id": "img-1", "upload_id": "up-1", "user_id": "user-1", "status": "done", "text": "hi"}
    )
    db.ocr_layouts.insert_one(
        {
            "_id": "img-1",
            "upload_id": "up-1",
            "user_id": "user-1",
            "blocks": [block],
            "figures": [{"bbox": [0.6, 0.6, 0.9, 0.9]}],
        }
    )
    db.ocr_results.insert_one(  # read before layouts were kept apart: inline
        {
            "_id": "img-old",
            "upload_id": "up-1",
            "user_id": "user-1",
            "status": "done",
            "text": "old",
            "blocks": [block],
        }
    )

    full = ocr_results.of_images(db, ["img-1", "img-old"])
    light = ocr_results.of_images(db, ["img-1"], with_blocks=False)

    assert [b.bbox for b in full["img-1"].blocks] == [(0.1, 0.1, 0.5, 0.2)]
    assert full["img-1"].figures == [Figure(bbox=(0.6, 0.6, 0.9, 0.9))]
    assert [b.bbox for b in full["img-old"].blocks] == [(0.1, 0.1, 0.5, 0.2)]
    assert light["img-1"].blocks is None and light["img-1"].text == "hi"
