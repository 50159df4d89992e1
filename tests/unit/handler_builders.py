"""What the handler tests share: the fakes extended with what the workers' writes use, the
documents and events as the gateway makes them, and a delivery that reports what the worker
would decide (ack, dead-letter, requeue).

The object store here counts its writes, so a test can tell that a redelivery stored nothing
again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from jaryo_shared import events
from jaryo_shared.keys import image_key, upload_prefix
from jaryo_shared.messaging import Handler, PermanentError
from jaryo_shared.settings import Settings
from tests.unit.fakes import FakeDatabase, FakeObjectStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
USER = "alice"
CORRELATION = "corr-1"


@dataclass
class CountingObjectStore(FakeObjectStore):
    """The shared fake object store, keeping the (bucket, key) of every write in order."""

    puts: list[tuple[str, str]] = field(default_factory=list)

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        super().put_bytes(bucket, key, data, content_type)
        self.puts.append((bucket, key))


@dataclass(frozen=True)
class Decision:
    """What the worker does with the message after its handler (jaryo_shared.messaging.Worker)."""

    action: Literal["ack", "dead-letter", "requeue"]
    reason: str = ""


def deliver(handler_map: dict[str, Handler], envelope: events.Envelope) -> Decision:
    """Deliver the envelope as the worker does: parsed from its JSON body, dispatched by type
    through the service's map; returning acks it, PermanentError dead-letters it with the
    reason, any other exception requeues it (a server out of reach is waited out first)."""
    parsed, payload = events.parse(envelope.model_dump_json())
    handler = handler_map[parsed.type]
    try:
        handler(parsed, payload)
    except PermanentError as exc:
        return Decision("dead-letter", str(exc))
    except Exception as exc:  # noqa: BLE001 - the worker requeues whatever else a handler raises
        return Decision("requeue", f"{type(exc).__name__}: {exc}")
    return Decision("ack")


def published(publisher: Any, event_type: type[events.Payload]) -> list[dict[str, Any]]:
    """The payloads published of one type, in order."""
    return [e.data for e in publisher.published if e.type == event_type.event_type]


@dataclass(frozen=True)
class SeededUpload:
    envelope: events.Envelope  # upload.received as an earlier gateway sent it (no images announced)
    image_ids: list[str]
    messages: list[events.Envelope]  # image.received, one per image, as sent after it

    @property
    def upload_id(self) -> str:
        return str(self.envelope.data["upload_id"])


def seed_upload(
    db: FakeDatabase,
    store: FakeObjectStore,
    settings: Settings,
    files: list[bytes],
    image_type: str = "mixed-printed",
) -> SeededUpload:
    """An upload as the gateway leaves it (gateway/uploads/receive.py): each file staged, its
    `queued` image document and the upload document written, and `upload.received` as sent."""
    upload_id = uuid.uuid4().hex
    images = [_image(upload_id, index, image_type, raw) for index, raw in enumerate(files)]
    for image, raw in zip(images, files, strict=True):
        store.put_bytes(settings.bucket_staging, image["staging_key"], raw, "image/png")
        db.images.insert_one(image)
    db.uploads.insert_one(
        {
            "_id": upload_id,
            "user_id": USER,
            "upload_path": upload_prefix(USER, upload_id),
            "created_at": NOW,
            "status": "processing",
            "image_type": image_type,
            "image_count": len(images),
            "bytes": sum(len(raw) for raw in files),
            "deleted_at": None,
            "outbox": [],
            "outbox_pending": False,
        }
    )
    received = events.UploadReceived(
        upload_id=upload_id,
        user_id=USER,
        image_type=image_type,  # type: ignore[arg-type]
        images=[
            events.ReceivedImage(
                image_id=image["_id"],
                image_name=image["image_name"],
                staging_key=image["staging_key"],
                size=image["size"],
            )
            for image in images
        ],
    )
    envelope = events.wrap(
        received, source="jaryo/gateway", subject=upload_id, correlation_id=CORRELATION
    )
    image_ids = [image["_id"] for image in images]
    messages = [
        events.wrap(
            events.ImageReceived(
                upload_id=upload_id,
                user_id=USER,
                image_type=received.image_type,
                image=image,
                upload_image_ids=image_ids,
            ),
            source="jaryo/gateway",
            subject=upload_id,
            correlation_id=CORRELATION,
        )
        for image in received.images
    ]
    return SeededUpload(envelope, image_ids, messages)


def deliver_each(handler_map: dict[str, Handler], upload: SeededUpload) -> Decision:
    """Deliver each of the upload's image.received messages in order; the worker's decision,
    which must be the same for every message (a test that expects them to differ delivers
    `upload.messages` one by one)."""
    decisions = [deliver(handler_map, message) for message in upload.messages]
    assert len(set(decisions)) == 1, f"the images' messages were decided apart: {decisions}"
    return decisions[0]


def _image(upload_id: str, index: int, image_type: str, raw: bytes) -> dict[str, Any]:
    name = f"page-{index}.png"
    key = image_key(USER, upload_id, name)
    return {
        "_id": uuid.uuid4().hex,
        "upload_id": upload_id,
        "user_id": USER,
        "index": index,
        "image_name": name,
        "filename": name,
        "image_path": key,
        "staging_key": key,
        "image_type": image_type,
        "format": "PNG",
        "size": len(raw),
        "created_at": NOW,
        "storage": {"status": "queued"},
    }


def announcing(envelope: events.Envelope) -> events.Envelope:
    """The upload.received as the gateway sends it now: each image also has its image.received."""
    return envelope.model_copy(update={"data": {**envelope.data, "each_image_announced": True}})
