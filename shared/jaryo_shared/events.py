"""The public event contract: a CloudEvents 1.0 envelope around versioned pydantic payloads.

Other teams consume these events. Additive changes keep a type's version; anything else is a new
type (`....v2`) published side by side until consumers have moved (docs/events.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jaryo_shared.failures import FailureCode
from jaryo_shared.ocr_result import Corner

TYPE_PREFIX = "jaryo."
CONTENT_TYPE = "application/cloudevents+json"


class Payload(BaseModel):
    """Base of every event payload. `event_type` names it on the wire."""

    model_config = ConfigDict(extra="allow", frozen=True)
    event_type: ClassVar[str]
    # The envelope `source` of every service that publishes this type (docs/asyncapi.yaml).
    emitted_by: ClassVar[tuple[str, ...]]

    @classmethod
    def routing_key(cls) -> str:
        return cls.event_type.removeprefix(TYPE_PREFIX)


ImageType = Literal[
    "eng-printed", "eng-handwritten", "kor-printed", "kor-handwritten", "mixed-printed"
]


class ReceivedImage(BaseModel):
    model_config = ConfigDict(frozen=True)
    image_id: str
    image_name: str = Field(description="the sanitised, unique-in-upload file name")
    staging_key: str = Field(description="object key in the staging bucket")
    size: int = Field(ge=0)
    page: int | None = Field(
        default=None,
        ge=1,
        description="the page (from 1) of the PDF at `staging_key` this image is rendered from; "
        "null for an image file",
    )


class UploadReceived(Payload):
    """A person's images are staged and their documents written: start storing and reading."""

    event_type: ClassVar[str] = "jaryo.upload.received.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/gateway",)
    upload_id: str
    user_id: str
    image_type: ImageType
    images: list[ReceivedImage]
    # Added with image.received (additive: same version).
    each_image_announced: bool = Field(
        default=False,
        description="each image also has its own image.received, the unit of work: storage "
        "and OCR take those and pass over this event",
    )


class ImageReceived(Payload):
    """One image of an upload is staged and recorded: the unit of work for storage and OCR.
    Published with the upload's `upload.received` (one per image, in upload order), so an
    upload's images are stored and read in parallel by as many workers as there are."""

    event_type: ClassVar[str] = "jaryo.image.received.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/gateway",)
    upload_id: str
    user_id: str
    image_type: ImageType
    image: ReceivedImage
    upload_image_ids: list[str] = Field(
        min_length=1,
        description="every image id of the upload, in upload order: whoever finishes the "
        "last one settles the upload",
    )


class ImageStored(Payload):
    """One image is normalised and kept in the durable images bucket."""

    event_type: ClassVar[str] = "jaryo.image.stored.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/storage-service",)
    upload_id: str
    user_id: str
    image_id: str
    image_path: str
    width: int
    height: int
    sha256: str


class ImageRejected(Payload):
    """One image could not be decoded or broke a limit; `reason` says why."""

    event_type: ClassVar[str] = "jaryo.image.rejected.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/storage-service",)
    upload_id: str
    user_id: str
    image_id: str
    reason: str
    # Added with the failure codes (additive: same version). Set by every producer since;
    # absent only from events published before (jaryo_shared/failures.py).
    code: FailureCode | None = Field(
        default=None, description="why, as a stable machine-readable code beside `reason`"
    )


class OcrCompleted(Payload):
    """The OCR service finished one image: `done` with its text, or `failed` with a reason.
    The text's positions are in the image's `ocr` field of `GET /v1/uploads/{id}`."""

    event_type: ClassVar[str] = "jaryo.ocr.completed.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/ocr-service",)
    upload_id: str
    user_id: str
    image_id: str
    status: Literal["done", "failed"]
    engine: str | None = None
    language: str | None = None
    duration_ms: int | None = None
    text: str = ""
    reason: str | None = None
    # Added with the failure codes (additive: same version). Set by every producer since;
    # absent only from events published before (jaryo_shared/failures.py).
    code: FailureCode | None = Field(
        default=None,
        description="why, as a stable machine-readable code beside `reason` (when failed)",
    )
    # Added with corner fixes (additive: same version).
    reading: int = Field(
        default=0,
        ge=0,
        description="0 for the image's first reading; the upload's reading N when the image "
        "was read again after the Nth fix of a page's corners (image.corners_fixed): the "
        "latest reading of an image replaces the earlier ones",
    )


class ImageCornersFixed(Payload):
    """The person moved the corners of the page in one photo (PUT .../images/{id}/page): read
    it again, flattened from these corners. The upload is processing again until it is
    settled with this `reading`."""

    event_type: ClassVar[str] = "jaryo.image.corners_fixed.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/gateway",)
    upload_id: str
    user_id: str
    image_id: str
    image_type: ImageType
    corners: list[Corner] = Field(
        min_length=4,
        max_length=4,
        description="fractions of the upright original: top-left, top-right, bottom-right, "
        "bottom-left",
    )
    reading: int = Field(ge=1, description="the upload's reading this fix starts (1, 2, ...)")
    upload_image_ids: list[str] = Field(
        min_length=1,
        description="every image id of the upload, in upload order: whoever finishes the "
        "last one settles the upload",
    )


class ImageFailure(BaseModel):
    model_config = ConfigDict(frozen=True)
    image_id: str
    reason: str
    # Added with the failure codes (additive: same version). Set by every producer since;
    # absent only from events published before (jaryo_shared/failures.py).
    code: FailureCode | None = Field(
        default=None, description="why, as a stable machine-readable code beside `reason`"
    )


class UploadCompleted(Payload):
    """Every image of an upload reached its end in both storage and OCR. `status` is completed
    (every image stored and read), partial (some) or failed (none); `failures` says why."""

    event_type: ClassVar[str] = "jaryo.upload.completed.v1"
    emitted_by: ClassVar[tuple[str, ...]] = (
        "jaryo/storage-service",
        "jaryo/ocr-service",
        "jaryo/janitor",
    )
    upload_id: str
    user_id: str
    status: Literal["completed", "partial", "failed"]
    image_count: int
    stored_count: int
    rejected_count: int
    # Added with the OCR service (additive: same version).
    read_count: int = 0
    unread_count: int = 0
    failures: list[ImageFailure] = Field(default_factory=list)
    # Added with corner fixes (additive: same version).
    reading: int = Field(
        default=0,
        ge=0,
        description="0 when the upload is first settled; N when it is settled again after "
        "the Nth fix of a page's corners (one upload.completed per reading)",
    )


class DeckRequested(Payload):
    """A person asked for a deck, or for a new revision of one (PUT /v1/decks/{id}/spec); that
    revision's spec is stored with the deck (GET /v1/decks/{id}/spec)."""

    event_type: ClassVar[str] = "jaryo.deck.requested.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/gateway",)
    deck_id: str
    user_id: str
    template_id: str
    slide_count: int
    revision: int = Field(
        default=1, ge=1, description="which revision of the deck's spec to build (1: as created)"
    )


class DeckCompleted(Payload):
    """The .pptx is built and stored; `file_path` is its key in the decks bucket."""

    event_type: ClassVar[str] = "jaryo.deck.completed.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/deck-service",)
    deck_id: str
    user_id: str
    file_path: str
    size: int
    slide_count: int
    preview_count: int = Field(default=0, description="0: previews follow (deck.previews_ready)")
    revision: int = Field(default=1, ge=1, description="the revision of the spec that was built")


class DeckFailed(Payload):
    """The deck could not be built; `reason` says what the person can do about it."""

    event_type: ClassVar[str] = "jaryo.deck.failed.v1"
    # The janitor fails decks stuck past their limit (an additive change: same version).
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/deck-service", "jaryo/janitor")
    deck_id: str
    user_id: str
    reason: str
    # Added with the failure codes (additive: same version). Set by every producer since;
    # absent only from events published before (jaryo_shared/failures.py).
    code: FailureCode | None = Field(
        default=None, description="why, as a stable machine-readable code beside `reason`"
    )
    revision: int = Field(default=1, ge=1, description="the revision of the spec that failed")


class DeckPreviewsReady(Payload):
    """A built revision's slide previews are stored, one PNG a slide, after its deck.completed."""

    event_type: ClassVar[str] = "jaryo.deck.previews_ready.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/deck-service",)
    deck_id: str
    user_id: str
    revision: int = Field(ge=1, description="the revision of the spec whose slides they show")
    preview_count: int = Field(ge=0, description="one per slide")


class DeckPdfRequested(Payload):
    """Someone asked for a built revision's PDF for the first time (GET
    /v1/decks/{id}/file?format=pdf): render it once, from that revision's .pptx."""

    event_type: ClassVar[str] = "jaryo.deck.pdf_requested.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/gateway",)
    deck_id: str
    user_id: str
    revision: int = Field(ge=1, description="the built revision whose PDF is wanted")
    file_path: str = Field(description="that revision's .pptx: its key in the decks bucket")


class DeckPdfRendered(Payload):
    """A revision's PDF is stored (`ready`) or could not be made (`failed`, final for that
    revision); once per deck.pdf_requested."""

    event_type: ClassVar[str] = "jaryo.deck.pdf_rendered.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/deck-service",)
    deck_id: str
    user_id: str
    revision: int = Field(ge=1, description="the revision the PDF is of")
    status: Literal["ready", "failed"]
    file_path: str | None = Field(
        default=None, description="the PDF's key in the decks bucket (when ready)"
    )
    size: int | None = Field(default=None, ge=0, description="the PDF's bytes (when ready)")
    page_count: int | None = Field(
        default=None, ge=0, description="its pages, one per slide (when ready)"
    )
    reason: str | None = Field(default=None, description="why it failed, for a person")
    code: FailureCode | None = Field(
        default=None, description="why, as a stable machine-readable code (when failed)"
    )


class UploadExpired(Payload):
    """The janitor purged an upload and every object of it; `reason` is `deleted` (the person
    deleted it) or `retention` (it outlived the retention period)."""

    event_type: ClassVar[str] = "jaryo.upload.expired.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/janitor",)
    upload_id: str
    user_id: str
    reason: Literal["deleted", "retention"]
    objects: int
    bytes: int


class DeckExpired(Payload):
    """The janitor purged a deck (its file and previews) at the end of the retention period."""

    event_type: ClassVar[str] = "jaryo.deck.expired.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/janitor",)
    deck_id: str
    user_id: str
    reason: Literal["deleted", "retention"]
    objects: int
    bytes: int


class UserDeleted(Payload):
    """A person deleted their account and the janitor has purged everything of it: forget the
    user. Sent once the purge is done (after each upload's `upload.expired` and each deck's
    `deck.expired`); a purge finished by a later run re-sends it with the same envelope id."""

    event_type: ClassVar[str] = "jaryo.user.deleted.v1"
    emitted_by: ClassVar[tuple[str, ...]] = ("jaryo/janitor",)
    user_id: str
    requested_at: datetime = Field(description="when the person asked to delete their account")
    uploads: int = Field(ge=0, description="uploads purged")
    decks: int = Field(ge=0, description="decks purged")
    templates: int = Field(ge=0, description="private templates purged")
    objects: int = Field(ge=0, description="objects deleted from the buckets")
    bytes: int = Field(ge=0, description="bytes those objects held")


EVENT_TYPES: dict[str, type[Payload]] = {
    cls.event_type: cls
    for cls in (
        UploadReceived,
        ImageReceived,
        ImageStored,
        ImageRejected,
        OcrCompleted,
        ImageCornersFixed,
        UploadCompleted,
        DeckRequested,
        DeckCompleted,
        DeckFailed,
        DeckPreviewsReady,
        DeckPdfRequested,
        DeckPdfRendered,
        UploadExpired,
        DeckExpired,
        UserDeleted,
    )
}


class Envelope(BaseModel):
    """CloudEvents 1.0 structured-mode envelope; `correlationid` is an extension attribute."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    source: str
    type: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = None
    data: dict[str, Any]

    @property
    def routing_key(self) -> str:
        return self.type.removeprefix(TYPE_PREFIX)


class UnknownEventError(ValueError):
    pass


def wrap(
    payload: Payload,
    *,
    source: str,
    subject: str | None = None,
    correlation_id: str | None = None,
    event_id: str | None = None,
) -> Envelope:
    """Put a payload in its envelope. A fixed `event_id` makes a re-publish recognisable."""
    fields: dict[str, Any] = {
        "source": source,
        "type": payload.event_type,
        "subject": subject,
        "correlationid": correlation_id,
        "data": payload.model_dump(mode="json"),
    }
    if event_id:
        fields["id"] = event_id
    return Envelope(**fields)


def parse(body: bytes | str) -> tuple[Envelope, Payload]:
    """Read an envelope and its payload; ValueError if either is malformed or unknown."""
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as exc:
        raise ValueError(f"not a Jaryo event envelope: {exc}") from exc
    model = EVENT_TYPES.get(envelope.type)
    if model is None:
        raise UnknownEventError(f"unknown event type {envelope.type!r}")
    try:
        return envelope, model.model_validate(envelope.data)
    except ValidationError as exc:
        raise ValueError(f"malformed {envelope.type} payload: {exc}") from exc
