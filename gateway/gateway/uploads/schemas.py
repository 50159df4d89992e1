"""What /v1/uploads reads and answers (views.py shapes the answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from gateway.schemas import Absent, WaitQuery
from gateway.uploads.corners import problem_with
from jaryo_shared.events import ImageType
from jaryo_shared.failures import FailureCode
from jaryo_shared.ocr_result import Block, CapturedPage, Corner, Figure

ImageStatus = Literal["queued", "processing", "done", "failed"]
UploadStatus = Literal["processing", "completed", "partial", "failed"]


# receive.py reads this form as it streams in (a file at a time), so it describes the form
# rather than validates it.
class UploadForm(BaseModel):
    """The images in `images`, or one in each of `image0`, `image1`, … A PDF is taken like an
    image: each of its pages becomes an image of the upload (`{stem}-p{n}.png`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "patternProperties": {"^image[0-9]+$": {"type": "string", "format": "binary"}}
        }
    )
    image_type: ImageType = "mixed-printed"
    images: list[bytes] | Absent = None


class IdempotencyHeader(BaseModel):
    idempotency_key: Annotated[str, Field(min_length=1, max_length=255)] | Absent = Field(
        None,
        alias="Idempotency-Key",
        description="a retry with the same key gets the first upload back; once that upload "
        "is deleted, the key makes a new one",
    )


class GivenCorner(Corner):
    """A corner as a request gives it: numbers only (no "0.5", no true), nothing else."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


class PageCorners(BaseModel):
    """Where the page lies in the photo, as the person puts it: read the photo again,
    flattened from these corners."""

    model_config = ConfigDict(extra="forbid")
    corners: list[GivenCorner] = Field(
        min_length=4,
        max_length=4,
        description="fractions (0..1) of the upright original: top-left, top-right, "
        "bottom-right, bottom-left of the page, clockwise, enclosing a convex quadrilateral of "
        "at least 1 % of the image",
    )

    @field_validator("corners")
    @classmethod
    def _encloses_a_page(cls, corners: list[GivenCorner]) -> list[GivenCorner]:
        problem = problem_with(corners)
        if problem is not None:
            raise ValueError(problem)
        return corners


class PageVersionQuery(BaseModel):
    """`links.page` names the reading its page was made in, so a cache never shows an older
    page; the page served is always the latest."""

    v: str | Absent = Field(None, description="the reading (as `links.page` gives it); ignored")


class StorageState(BaseModel):
    status: Literal["queued", "stored", "rejected"]


class ImageOcr(BaseModel):
    """The image's OCR result; until the image is read only `status` is there."""

    status: ImageStatus
    engine: str | Absent = None
    language: str | Absent = None
    duration_ms: Annotated[int, Field(ge=0)] | Absent = None
    text: str | Absent = None
    blocks: list[Block] | Absent = None
    figures: list[Figure] | Absent = Field(
        None, description="once read: the regions that are pictures, not text"
    )
    clean_background: bool | Absent = Field(
        None,
        description="once read: whether a copy of the image with its text removed is kept "
        "(`links.background`), the background of a `clean` draft",
    )
    page: CapturedPage | Absent = Field(
        None,
        description="once read, when the capture step made a page of the photo (`links.page`) "
        "and read it instead: every bbox is then a fraction of that page, not of the original",
    )
    reason: str | Absent = None
    code: FailureCode | Absent = Field(
        None, description="why, as a stable machine-readable code beside `reason`"
    )


class ImageLinks(BaseModel):
    original: str
    thumbnail: str
    background: str | Absent = Field(
        None,
        description="the image with its text removed, when its OCR result has one; its `v` "
        "changes with each reading",
    )
    page: str | Absent = Field(
        None,
        description="the page made of the photo, when its OCR result has one (`ocr.page`); "
        "its `v` changes with each reading",
    )


class Image(BaseModel):
    image_id: str
    filename: str
    original_filename: str | None
    page: int | None = Field(
        description="the page of the PDF `original_filename` this image is, from 1; null for a "
        "photo or scan sent as an image"
    )
    index: int
    status: ImageStatus = Field(
        description="done once stored and read; failed says why in `reason`"
    )
    image_type: ImageType
    size: int
    type: str | None
    width: int | None
    height: int | None
    sha256: str | None
    reason: str | Absent = None
    code: FailureCode | Absent = Field(
        None, description="why, as a stable machine-readable code beside `reason`"
    )
    storage: StorageState
    ocr: ImageOcr
    links: ImageLinks | Absent = Field(None, description="once the image is stored")


class Failure(BaseModel):
    image_id: str
    reason: str
    code: FailureCode | Absent = Field(
        None, description="why, as a stable machine-readable code beside `reason`"
    )


class UploadLinks(BaseModel):
    self: str


class UploadSummary(BaseModel):
    upload_id: str
    status: UploadStatus
    image_type: ImageType
    image_count: int
    created_at: datetime
    expires_at: datetime | None = Field(
        description="when retention purges it; null if kept forever",
    )
    links: UploadLinks


class Upload(UploadSummary):
    images: list[Image]
    failures: list[Failure] | Absent = None


class UploadPage(BaseModel):
    items: list[UploadSummary]
    next_cursor: str | None


class AcceptedImage(BaseModel):
    image_id: str
    filename: str
    page: int | None = Field(description="the page of the PDF it comes from; null for an image")
    status: Literal["queued"]


class AcceptedUpload(BaseModel):
    upload_id: str
    status: UploadStatus
    image_type: ImageType
    created_at: datetime
    images: list[AcceptedImage]


class UploadText(RootModel[str]):
    """`txt`: the text of every read image, in upload order, separated by a blank line. `md`:
    Markdown, a section per image (docs/markdown.md)."""


class UploadTextQuery(WaitQuery):
    """`?format` and `?wait` of GET /v1/uploads/{upload_id}/text."""

    format: Literal["txt", "md"] | Absent = Field(
        None,
        description="`txt` (if not given): plain text; `md`: Markdown, a section per image, "
        "blocks as paragraphs and lists, tables found in the layout as tables",
    )


class UploadEvent(BaseModel):
    """One event of the stream (a `retry:` and `: keep-alive` lines besides)."""

    event: Literal["progress", "completed", "gone", "signed-out"]
    data: str = Field(
        json_schema_extra={"contentMediaType": "application/json"},
        description="the upload's state (as GET /v1/uploads/{upload_id} without the text), "
        "or on `gone` and `signed-out` a `detail`",
    )
