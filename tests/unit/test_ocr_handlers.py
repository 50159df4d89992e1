"""The OCR service's handling of `upload.received` (ocr_service.handlers), run through its handler
map as the worker runs it, over in-memory fakes of the database, the object store, the broker
and the OCR engine (behind the service's real Reader, so images are decoded as in production):
each image's recorded text or reason, the events that go out, and the worker's decision."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from PIL import Image

from jaryo_shared import events
from jaryo_shared.clock import FixedClock
from jaryo_shared.keys import clean_background_key
from jaryo_shared.ocr_result import MEASURED_FONT, Block, Line, Page, Word
from jaryo_shared.read_models import ocr_results
from ocr_service.bootstrap import Dependencies
from ocr_service.engines.base import EngineTimeout
from ocr_service.engines.pdf_text import PdfTextLayer
from ocr_service.handlers import handlers
from ocr_service.layout.style import FontFiles
from ocr_service.reader import Reader
from ocr_service.settings import OcrSettings
from tests.helpers import png_bytes
from tests.unit.fakes import FakeDatabase, FakeObjectStore, FakePublisher
from tests.unit.handler_builders import (
    CORRELATION,
    NOW,
    USER,
    Decision,
    SeededUpload,
    announcing,
    deliver,
    deliver_each,
    published,
    seed_upload,
)

WORD = Word(bbox=(0.1, 0.2, 0.4, 0.3), text="안녕", confidence=91.5, low_confidence=False)
LINE = Line(bbox=(0.1, 0.2, 0.8, 0.3), text="안녕 Jaryo", confidence=90.0, words=[WORD])
PAGE = Page(text="안녕 Jaryo", blocks=[Block(bbox=(0.1, 0.2, 0.8, 0.3), lines=[LINE])])


@dataclass
class FakeEngine:
    """An OCR engine (ocr_service.engines.base.Engine) that reads `page` from every image, or
    raises `fail_with`; it keeps what it was asked to read."""

    name: str = "fake-ocr"
    page: Page = PAGE
    fail_with: Exception | None = None
    calls: list[tuple[tuple[int, int], str, float]] = field(default_factory=list)

    def read(self, image: Image.Image, language: str, *, dpi: int, timeout_seconds: float) -> Page:
        self.calls.append((image.size, language, timeout_seconds))
        if self.fail_with is not None:
            raise self.fail_with
        return self.page


class Ocr:
    """The OCR service's collaborators, all fakes, wired through its Dependencies."""

    def __init__(self, **settings: object) -> None:
        self.settings = OcrSettings(ocr_timeout_seconds=5, **settings)  # type: ignore[arg-type]
        self.db, self.store = FakeDatabase(), FakeObjectStore()
        self.publisher, self.clock, self.engine = FakePublisher(), FixedClock(NOW), FakeEngine()
        fonts = FontFiles(self.settings.font_regular, self.settings.font_bold, MEASURED_FONT)
        reader = Reader(
            [],
            self.engine,
            text_layer=PdfTextLayer(fonts),
            timeout_seconds=self.settings.ocr_timeout_seconds,
            max_pixels=self.settings.max_image_pixels,
            read_pixels=self.settings.ocr_read_pixels,
        )
        self.deps = Dependencies(
            settings=self.settings,
            db=self.db,  # type: ignore[arg-type]
            store=self.store,  # type: ignore[arg-type]
            publisher=self.publisher,  # type: ignore[arg-type]
            reader=reader,
            clock=self.clock,
        )

    def deliver(self, envelope: events.Envelope) -> Decision:
        return deliver(handlers(self.deps), envelope)

    def deliver_upload(self, upload: SeededUpload) -> Decision:
        """Each of its image.received messages, in order."""
        return deliver_each(handlers(self.deps), upload)

    def result(self, image_id: str) -> dict:
        found = self.db.ocr_results.find_one({"_id": image_id})
        assert found is not None
        return found

    def stored(self, *image_ids: str) -> None:
        """The storage service's outcome for these images, as it writes it."""
        for image_id in image_ids:
            self.db.images.update_one({"_id": image_id}, {"$set": {"storage.status": "stored"}})


@pytest.fixture
def ocr() -> Ocr:
    return Ocr()


def test_an_images_text_and_boxes_are_recorded_and_ocr_completed_is_published(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(64, 48)], "kor-printed")
    [image_id] = upload.image_ids

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert ocr.engine.calls == [((64, 48), "kor+eng", 5.0)]
    result = ocr.result(image_id)
    assert (result["status"], result["text"], result["engine"]) == ("done", PAGE.text, "fake-ocr")
    assert (result["language"], result["attempts"], result["finished_at"]) == ("kor+eng", 1, NOW)
    assert (result["outbox"], result["outbox_pending"]) == ([], False)
    assert "blocks" not in result  # the bulk is kept apart, so the result's rewrites stay small
    layout = ocr.db.ocr_layouts.find_one({"_id": image_id})
    assert layout["blocks"] == PAGE.model_dump(mode="json")["blocks"]
    assert (layout["upload_id"], layout["user_id"]) == (upload.upload_id, USER)
    [read] = ocr_results.of_images(ocr.db, [image_id]).values()  # as the gateway reads it
    assert read.blocks == PAGE.blocks and read.text == PAGE.text
    [event] = ocr.publisher.published
    assert (event.type, event.source, event.correlationid) == (
        events.OcrCompleted.event_type,
        "jaryo/ocr-service",
        CORRELATION,
    )
    assert event.data["image_id"] == image_id
    assert (event.data["status"], event.data["text"], event.data["reason"]) == (
        "done",
        PAGE.text,
        None,
    )


def test_english_print_is_read_in_english(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()], "eng-printed")

    ocr.deliver_upload(upload)

    assert [language for _, language, _ in ocr.engine.calls] == ["eng"]
    assert ocr.result(upload.image_ids[0])["language"] == "eng"


def test_the_stored_image_is_read_when_the_staged_file_is_gone(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(64, 48)])
    [image] = ocr.db.images.find({"_id": upload.image_ids[0]})
    ocr.store.put_bytes(ocr.settings.bucket_images, image["image_path"], png_bytes(30, 20))
    ocr.store.delete(ocr.settings.bucket_staging, image["staging_key"])

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert [size for size, _, _ in ocr.engine.calls] == [(30, 20)]
    assert ocr.result(image["_id"])["status"] == "done"


def test_an_image_gone_from_both_buckets_fails_with_the_reason(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    [image] = ocr.db.images.find({"_id": upload.image_ids[0]})
    ocr.store.delete(ocr.settings.bucket_staging, image["staging_key"])

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert ocr.engine.calls == []
    result = ocr.result(image["_id"])
    assert (result["status"], result["reason"]) == ("failed", "the image is gone from storage")
    [event] = published(ocr.publisher, events.OcrCompleted)
    assert (event["status"], event["reason"]) == ("failed", "the image is gone from storage")


def test_an_undecodable_image_fails_with_its_reason_and_the_others_are_read(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()[:60], png_bytes()])
    broken_id, good_id = upload.image_ids

    assert ocr.deliver_upload(upload) == Decision("ack")  # the file's fault: not retried

    assert len(ocr.engine.calls) == 1
    broken = ocr.result(broken_id)
    assert broken["status"] == "failed"
    assert "could not be decoded" in broken["reason"]
    assert ocr.result(good_id)["status"] == "done"
    outcomes = {e["image_id"]: e["status"] for e in published(ocr.publisher, events.OcrCompleted)}
    assert outcomes == {broken_id: "failed", good_id: "done"}


def test_an_image_whose_document_is_gone_is_skipped_and_the_others_are_read(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes()])
    gone_id, kept_id = upload.image_ids
    ocr.db.images.delete_one({"_id": gone_id})

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert ocr.db.ocr_results.find_one({"_id": gone_id}) is None
    assert [e["image_id"] for e in published(ocr.publisher, events.OcrCompleted)] == [kept_id]


def test_an_image_whose_read_times_out_fails_with_the_time_limit_in_its_reason(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    ocr.engine.fail_with = EngineTimeout()

    assert ocr.deliver_upload(upload) == Decision("ack")

    result = ocr.result(upload.image_ids[0])
    reason = "reading the text took longer than the 5 s allowed per image"
    assert (result["status"], result["reason"], result["engine"]) == ("failed", reason, "fake-ocr")
    [event] = published(ocr.publisher, events.OcrCompleted)
    assert (event["status"], event["reason"], event["engine"]) == ("failed", reason, "fake-ocr")


def test_an_engine_error_requeues_the_message_and_the_retry_reads_the_image(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    [image_id] = upload.image_ids
    ocr.engine.fail_with = RuntimeError("tesseract fell over")

    assert ocr.deliver_upload(upload).action == "requeue"

    assert (ocr.result(image_id)["status"], ocr.result(image_id)["attempts"]) == ("processing", 1)
    assert ocr.publisher.published == []
    ocr.engine.fail_with = None

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert (ocr.result(image_id)["status"], ocr.result(image_id)["attempts"]) == ("done", 2)
    assert ocr.publisher.types() == [events.OcrCompleted.event_type]


def test_an_image_that_keeps_failing_is_given_up_and_its_message_dead_lettered_with_the_reason():
    ocr = Ocr(ocr_max_attempts=2)
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes()])
    crashing_id, good_id = upload.image_ids
    ocr.stored(crashing_id, good_id)
    crashing, good = upload.messages
    ocr.engine.fail_with = RuntimeError("engine crashed")
    assert ocr.deliver(crashing).action == "requeue"
    assert ocr.deliver(crashing).action == "requeue"
    ocr.engine.fail_with = None
    assert ocr.deliver(good) == Decision("ack")  # the upload's other images are read meanwhile

    decision = ocr.deliver(crashing)

    reason = "reading stopped 2 times without finishing"
    assert decision.action == "dead-letter"
    assert decision.reason.startswith(f"image {crashing_id}: {reason}")
    crashing = ocr.result(crashing_id)
    assert crashing["status"] == "failed"
    assert crashing["reason"].startswith(reason)
    assert ocr.result(good_id)["status"] == "done"
    [completed] = published(ocr.publisher, events.UploadCompleted)
    assert completed["status"] == "partial"
    assert [f["image_id"] for f in completed["failures"]] == [crashing_id]


def test_reading_the_last_image_after_storage_settles_the_upload_once(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes()])
    ocr.stored(*upload.image_ids)

    assert ocr.deliver_upload(upload) == Decision("ack")
    assert ocr.deliver_upload(upload) == Decision("ack")  # redelivered

    [completed] = published(ocr.publisher, events.UploadCompleted)
    assert (completed["status"], completed["read_count"], completed["failures"]) == (
        "completed",
        2,
        [],
    )
    upload_doc = ocr.db.uploads.find_one({"_id": upload.upload_id})
    assert (upload_doc["status"], upload_doc["completed_at"]) == ("completed", NOW)


def test_the_upload_stays_processing_while_storage_has_not_finished(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])

    ocr.deliver_upload(upload)

    assert ocr.db.uploads.find_one({"_id": upload.upload_id})["status"] == "processing"
    assert published(ocr.publisher, events.UploadCompleted) == []


def test_a_redelivery_of_a_read_image_reads_and_publishes_nothing_again(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    ocr.deliver_upload(upload)
    ocr.clock.advance(timedelta(minutes=5))

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert len(ocr.engine.calls) == 1
    assert ocr.publisher.types() == [events.OcrCompleted.event_type]
    assert ocr.result(upload.image_ids[0])["finished_at"] == NOW


def test_with_the_broker_down_after_the_write_the_event_stays_owed_and_goes_out_once(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    [image_id] = upload.image_ids
    ocr.publisher.fail_with = ConnectionError("broker out of reach")

    assert ocr.deliver_upload(upload).action == "requeue"

    result = ocr.result(image_id)
    assert (result["status"], result["outbox_pending"]) == ("done", True)
    owed = [entry["envelope"] for entry in result["outbox"]]
    assert [envelope["type"] for envelope in owed] == [events.OcrCompleted.event_type]
    ocr.publisher.fail_with = None

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert [e.id for e in ocr.publisher.published] == [owed[0]["id"]]
    assert len(ocr.engine.calls) == 1
    assert ocr.result(image_id)["outbox"] == []


def test_with_s3_down_the_message_is_retried_and_no_image_is_marked_failed(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    ocr.store.fail_with = ConnectionError("S3 out of reach")

    assert ocr.deliver_upload(upload).action == "requeue"

    assert ocr.db.ocr_results.find_one({"_id": upload.image_ids[0]}) is None
    assert ocr.publisher.published == []
    ocr.store.fail_with = None  # S3 is back: the retried message reads the image
    assert ocr.deliver_upload(upload) == Decision("ack")
    assert ocr.result(upload.image_ids[0])["status"] == "done"


class WatchedStore(FakeObjectStore):
    """Notes, when each object is put, whether the image's OCR result was already recorded."""

    def __init__(self, db: FakeDatabase) -> None:
        super().__init__()
        self.db = db
        self.result_existed_at_put: dict[str, bool] = {}

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        if "/backgrounds/" in key:
            image_id = key.rsplit("/", 1)[1].removesuffix(".png")
            found = self.db.ocr_results.find_one({"_id": image_id}) or {}
            self.result_existed_at_put[image_id] = found.get("status") == "done"
        super().put_bytes(bucket, key, data, content_type)


def test_a_read_image_keeps_a_clean_copy_stored_before_the_result_that_announces_it():
    ocr = Ocr()
    ocr.store = ocr.deps.store = WatchedStore(ocr.db)  # type: ignore[assignment]
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(64, 48)], "kor-printed")
    [image_id] = upload.image_ids

    assert ocr.deliver_upload(upload) == Decision("ack")

    assert ocr.result(image_id)["clean_background"] is True
    key = clean_background_key(USER, upload.upload_id, image_id)
    with Image.open(io.BytesIO(ocr.store.get_bytes(ocr.settings.bucket_images, key))) as copy:
        assert (copy.format, copy.size) == ("PNG", (64, 48))
    assert ocr.store.result_existed_at_put == {image_id: False}  # the copy came first


def test_an_image_whose_read_failed_keeps_no_clean_copy(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes()])
    ocr.engine.fail_with = EngineTimeout()

    ocr.deliver_upload(upload)

    key = clean_background_key(USER, upload.upload_id, upload.image_ids[0])
    assert ocr.store.get_bytes_if_present(ocr.settings.bucket_images, key) is None
    assert ocr.result(upload.image_ids[0]).get("clean_background") is not True


def test_each_image_is_its_own_message_and_the_one_read_last_settles_the_upload(ocr):
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes(), png_bytes()])
    ocr.stored(*upload.image_ids)
    first, second, third = upload.messages

    for message in (third, first):  # taken by other workers, in any order
        assert ocr.deliver(message) == Decision("ack")
        assert published(ocr.publisher, events.UploadCompleted) == []
    assert ocr.deliver(second) == Decision("ack")

    read = [r["image_id"] for r in published(ocr.publisher, events.OcrCompleted)]
    assert read == [upload.image_ids[2], upload.image_ids[0], upload.image_ids[1]]
    [completed] = published(ocr.publisher, events.UploadCompleted)
    assert (completed["status"], completed["read_count"]) == ("completed", 3)


def test_an_upload_received_queued_before_image_messages_existed_is_still_read(ocr):
    """A queue bound to upload.received by an earlier version may still hold one at upgrade."""
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes()])
    ocr.stored(*upload.image_ids)

    assert ocr.deliver(upload.envelope) == Decision("ack")

    assert [ocr.result(i)["status"] for i in upload.image_ids] == ["done", "done"]
    [completed] = published(ocr.publisher, events.UploadCompleted)
    assert completed["read_count"] == 2


def test_an_upload_received_that_announces_its_images_is_passed_over(ocr):
    """Its images' own messages do the work; working it too would read each image twice."""
    upload = seed_upload(ocr.db, ocr.store, ocr.settings, [png_bytes(), png_bytes()])

    assert ocr.deliver(announcing(upload.envelope)) == Decision("ack")

    assert [ocr.db.ocr_results.find_one({"_id": i}) for i in upload.image_ids] == [None, None]
    assert ocr.publisher.published == []
