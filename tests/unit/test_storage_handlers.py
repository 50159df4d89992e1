"""The storage service's handling of `upload.received` (storage_service.handlers), run through its
handler map as the worker runs it, over in-memory fakes of the database, the object store and
the broker: what a person sees of each image, what is kept in the buckets, which events go out,
and whether the worker acks, requeues or dead-letters the message."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from PIL import Image

from jaryo_shared import events
from jaryo_shared.clock import FixedClock
from jaryo_shared.keys import thumbnail_key
from storage_service.bootstrap import Dependencies
from storage_service.handlers import handlers
from storage_service.settings import StorageSettings
from tests.helpers import png_bytes
from tests.unit.fakes import FakeDatabase, FakePublisher
from tests.unit.handler_builders import (
    CORRELATION,
    NOW,
    USER,
    CountingObjectStore,
    Decision,
    SeededUpload,
    announcing,
    deliver,
    deliver_each,
    published,
    seed_upload,
)


class Storage:
    """The storage service's collaborators, all fakes, wired through its Dependencies."""

    def __init__(self, **settings: object) -> None:
        self.settings = StorageSettings(**settings)  # type: ignore[arg-type]
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

    def deliver_upload(self, upload: SeededUpload) -> Decision:
        """Each of its image.received messages, in order."""
        return deliver_each(handlers(self.deps), upload)

    def image(self, image_id: str) -> dict:
        found = self.db.images.find_one({"_id": image_id})
        assert found is not None
        return found

    def kept(self, key: str) -> bytes | None:
        return self.store.objects.get((self.settings.bucket_images, key))

    def read(self, image_id: str, status: str = "done") -> None:
        """The OCR service's outcome for the image, as it writes it."""
        image = self.image(image_id)
        self.db.ocr_results.insert_one(
            {"_id": image_id, "upload_id": image["upload_id"], "user_id": USER, "status": status}
        )


@pytest.fixture
def storage() -> Storage:
    return Storage()


def _jpeg_turned_on_its_side(width: int, height: int) -> bytes:
    """A photo stored sideways with EXIF orientation 6 (turn 90° clockwise) and a GPS tag."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_good_image_is_stored_with_its_thumbnail_and_image_stored_is_published(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(64, 48)])
    [image_id] = upload.image_ids

    decision = storage.deliver_upload(upload)

    assert decision == Decision("ack")
    image = storage.image(image_id)
    stored = storage.kept(image["image_path"])
    assert stored is not None
    assert Image.open(io.BytesIO(stored)).format == "PNG"
    thumbnail = storage.kept(thumbnail_key(USER, upload.upload_id, image_id))
    assert thumbnail is not None
    assert Image.open(io.BytesIO(thumbnail)).format == "WEBP"
    assert image["storage"] == {
        "status": "stored",
        "width": 64,
        "height": 48,
        "sha256": hashlib.sha256(stored).hexdigest(),
        "size": len(stored),
        "media_type": "image/png",
        "thumbnail_path": thumbnail_key(USER, upload.upload_id, image_id),
        "stored_at": NOW,
    }
    [event] = storage.publisher.published
    assert (event.type, event.source, event.correlationid) == (
        events.ImageStored.event_type,
        "jaryo/storage-service",
        CORRELATION,
    )
    assert event.data == {
        "upload_id": upload.upload_id,
        "user_id": USER,
        "image_id": image_id,
        "image_path": image["image_path"],
        "width": 64,
        "height": 48,
        "sha256": image["storage"]["sha256"],
    }
    assert (image["outbox"], image["outbox_pending"]) == ([], False)


def test_a_sideways_photo_is_stored_upright_without_its_exif_and_gps(storage):
    upload = seed_upload(
        storage.db, storage.store, storage.settings, [_jpeg_turned_on_its_side(60, 40)]
    )

    assert storage.deliver_upload(upload) == Decision("ack")

    image = storage.image(upload.image_ids[0])
    stored = Image.open(io.BytesIO(storage.kept(image["image_path"]) or b""))
    assert (stored.format, stored.size) == ("JPEG", (40, 60))
    assert image["storage"]["media_type"] == "image/jpeg"
    assert (image["storage"]["width"], image["storage"]["height"]) == (40, 60)
    assert not stored.getexif()


def test_an_undecodable_image_is_rejected_with_its_reason_and_the_others_are_stored(storage):
    cut_short = png_bytes(64, 48)[:60]
    upload = seed_upload(
        storage.db, storage.store, storage.settings, [cut_short, png_bytes(32, 32)]
    )
    broken_id, good_id = upload.image_ids

    assert storage.deliver_upload(upload) == Decision("ack")  # the file's fault: not retried

    broken = storage.image(broken_id)
    assert broken["storage"]["status"] == "rejected"
    assert "could not be decoded" in broken["storage"]["reason"]
    assert storage.kept(broken["image_path"]) is None
    assert storage.image(good_id)["storage"]["status"] == "stored"
    [rejected] = published(storage.publisher, events.ImageRejected)
    assert rejected["image_id"] == broken_id
    assert rejected["reason"] == broken["storage"]["reason"]
    assert [e["image_id"] for e in published(storage.publisher, events.ImageStored)] == [good_id]


def test_an_image_over_the_pixel_limit_is_rejected_with_the_limit_in_its_reason():
    storage = Storage(max_image_pixels=2000)
    upload = seed_upload(
        storage.db, storage.store, storage.settings, [png_bytes(64, 48), png_bytes(40, 40)]
    )
    large_id, small_id = upload.image_ids

    assert storage.deliver_upload(upload) == Decision("ack")

    large = storage.image(large_id)
    assert large["storage"]["status"] == "rejected"
    assert "64x48 pixels, more than the 2,000 pixels allowed" in large["storage"]["reason"]
    assert storage.kept(large["image_path"]) is None
    assert storage.image(small_id)["storage"]["status"] == "stored"
    assert storage.publisher.types() == [
        events.ImageRejected.event_type,
        events.ImageStored.event_type,
    ]


def test_an_image_whose_staged_file_expired_is_rejected_as_gone(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes()])
    image = storage.image(upload.image_ids[0])
    storage.store.delete(storage.settings.bucket_staging, image["staging_key"])

    assert storage.deliver_upload(upload) == Decision("ack")

    assert storage.image(image["_id"])["storage"]["status"] == "rejected"
    assert "staged file is gone" in storage.image(image["_id"])["storage"]["reason"]
    [rejected] = published(storage.publisher, events.ImageRejected)
    assert "staged file is gone" in rejected["reason"]


def test_an_image_whose_document_is_gone_is_skipped_and_the_others_are_stored(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(), png_bytes()])
    gone_id, kept_id = upload.image_ids
    storage.db.images.delete_one({"_id": gone_id})

    assert storage.deliver_upload(upload) == Decision("ack")

    assert storage.image(kept_id)["storage"]["status"] == "stored"
    assert [e["image_id"] for e in published(storage.publisher, events.ImageStored)] == [kept_id]


def test_a_redelivery_after_success_stores_and_publishes_nothing_again(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes()])
    assert storage.deliver_upload(upload) == Decision("ack")
    writes, sent = list(storage.store.puts), list(storage.publisher.published)
    storage.clock.advance(timedelta(minutes=5))

    assert storage.deliver_upload(upload) == Decision("ack")

    assert storage.store.puts == writes
    assert storage.publisher.published == sent
    assert storage.image(upload.image_ids[0])["storage"]["stored_at"] == NOW


def test_with_s3_down_the_message_is_retried_and_no_image_is_marked_failed(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes()])
    storage.store.fail_with = ConnectionError("S3 out of reach")

    decision = storage.deliver_upload(upload)

    assert decision.action == "requeue"
    assert storage.image(upload.image_ids[0])["storage"] == {"status": "queued"}
    assert storage.publisher.published == []
    storage.store.fail_with = None  # S3 is back: the retried message stores the image
    assert storage.deliver_upload(upload) == Decision("ack")
    assert storage.image(upload.image_ids[0])["storage"]["status"] == "stored"


def test_with_the_broker_down_after_the_write_the_event_stays_owed_and_goes_out_once(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes()])
    storage.publisher.fail_with = ConnectionError("broker out of reach")

    assert storage.deliver_upload(upload).action == "requeue"

    image = storage.image(upload.image_ids[0])
    assert image["storage"]["status"] == "stored"
    assert image["outbox_pending"] is True
    assert [entry["envelope"]["type"] for entry in image["outbox"]] == [
        events.ImageStored.event_type
    ]
    storage.publisher.fail_with = None  # the redelivery publishes what the outbox owes

    assert storage.deliver_upload(upload) == Decision("ack")

    assert storage.publisher.types() == [events.ImageStored.event_type]
    assert storage.publisher.published[0].id == image["outbox"][0]["envelope"]["id"]
    assert storage.image(upload.image_ids[0])["outbox"] == []


def test_storing_the_last_image_after_ocr_settles_the_upload_once_with_each_failure(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(), b"junk"])
    good_id, junk_id = upload.image_ids
    storage.read(good_id)
    storage.read(junk_id, status="failed")

    assert storage.deliver_upload(upload) == Decision("ack")
    assert storage.deliver_upload(upload) == Decision("ack")  # redelivered

    [completed] = published(storage.publisher, events.UploadCompleted)
    assert completed["status"] == "partial"
    assert (completed["stored_count"], completed["rejected_count"]) == (1, 1)
    [failure] = completed["failures"]
    assert failure["image_id"] == junk_id
    assert "not an image in a format we accept" in failure["reason"]
    upload_doc = storage.db.uploads.find_one({"_id": upload.upload_id})
    assert (upload_doc["status"], upload_doc["completed_at"]) == ("partial", NOW)


def test_the_upload_stays_processing_while_ocr_has_not_finished(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes()])

    storage.deliver_upload(upload)

    assert storage.db.uploads.find_one({"_id": upload.upload_id})["status"] == "processing"
    assert published(storage.publisher, events.UploadCompleted) == []


def test_each_image_is_its_own_message_and_the_one_that_finishes_last_settles(storage):
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(), png_bytes()])
    first, second = upload.messages
    for image_id in upload.image_ids:
        storage.read(image_id)

    assert storage.deliver(second) == Decision("ack")  # taken out of order by another worker
    assert storage.image(upload.image_ids[0])["storage"]["status"] == "queued"
    assert published(storage.publisher, events.UploadCompleted) == []

    assert storage.deliver(first) == Decision("ack")

    assert [s["image_id"] for s in published(storage.publisher, events.ImageStored)] == [
        upload.image_ids[1],
        upload.image_ids[0],
    ]
    [completed] = published(storage.publisher, events.UploadCompleted)
    assert (completed["status"], completed["stored_count"]) == ("completed", 2)


def test_an_upload_received_queued_before_image_messages_existed_is_still_stored(storage):
    """A queue bound to upload.received by an earlier version may still hold one at upgrade."""
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(), png_bytes()])
    for image_id in upload.image_ids:
        storage.read(image_id)

    assert storage.deliver(upload.envelope) == Decision("ack")

    assert all(storage.image(i)["storage"]["status"] == "stored" for i in upload.image_ids)
    [completed] = published(storage.publisher, events.UploadCompleted)
    assert completed["stored_count"] == 2


def test_an_upload_received_that_announces_its_images_is_passed_over(storage):
    """Its images' own messages do the work; working it too would read each image twice."""
    upload = seed_upload(storage.db, storage.store, storage.settings, [png_bytes(), png_bytes()])

    assert storage.deliver(announcing(upload.envelope)) == Decision("ack")

    assert all(storage.image(i)["storage"]["status"] == "queued" for i in upload.image_ids)
    assert storage.publisher.published == []
