"""`images` as its readers see it (OCR, deck, the gateway): one document per image, written by
the gateway when it receives the upload (`queued`) and a fix of its corners (`fix`), and by the
storage service (`storage`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pymongo.database import Database

from jaryo_shared.database import by_id
from jaryo_shared.ocr_result import Corner
from jaryo_shared.read_models.base import ReadModel

StorageStatus = Literal["queued", "stored", "rejected"]


class Storage(BaseModel):
    """The storage service's outcome; the figures are those of the stored (upright) image."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    status: StorageStatus = "queued"
    reason: str | None = None
    code: str | None = None  # jaryo_shared.failures.FailureCode; absent before codes existed
    width: int | None = None
    height: int | None = None
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    thumbnail_path: str | None = None
    stored_at: datetime | None = None


class PageFix(BaseModel):
    """The person's latest fix of the page's corners (PUT .../page), written by the gateway:
    the image is unfinished until its OCR result is of this `reading` (jaryo_shared.completion)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    reading: int
    corners: list[Corner]
    at: datetime | None = None


class Image(ReadModel):
    upload_id: str
    user_id: str
    index: int
    image_name: str
    filename: str | None = None
    image_type: str
    image_path: str
    staging_key: str
    page: int | None = None  # the page of the PDF at `staging_key` this image is rendered from
    size: int
    created_at: datetime | None = None
    storage: Storage = Storage()
    fix: PageFix | None = None
    fixes: int = 0  # how many times its corners were fixed

    @property
    def stored(self) -> bool:
        return self.storage.status == "stored"


def of_upload(db: Database, upload_id: str, image_id: str) -> Image | None:
    found = by_id(db.images, image_id, upload_id=upload_id)
    return None if found is None else Image.model_validate(found)


def of_user(db: Database, user_id: str, image_id: str) -> Image | None:
    found = by_id(db.images, image_id, user_id=user_id)
    return None if found is None else Image.model_validate(found)


def own_in_upload(db: Database, user_id: str, upload_id: str, image_id: str) -> Image | None:
    found = by_id(db.images, image_id, upload_id=upload_id, user_id=user_id)
    return None if found is None else Image.model_validate(found)


def in_upload(db: Database, user_id: str, upload_id: str) -> list[Image]:
    """The person's images of this upload, in upload order."""
    found = db.images.find({"upload_id": upload_id, "user_id": user_id})
    return sorted((Image.model_validate(i) for i in found), key=lambda image: image.index)


def stored_among(db: Database, user_id: str, image_ids: Iterable[str]) -> list[Image]:
    """Which of these are the person's stored images."""
    query = {"_id": {"$in": sorted(image_ids)}, "user_id": user_id, "storage.status": "stored"}
    return [Image.model_validate(found) for found in db.images.find(query)]
