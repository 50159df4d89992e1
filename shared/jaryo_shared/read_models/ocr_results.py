"""`ocr_results` as its readers see it (the gateway, the settle): one document per image
(`_id` = the image's), written by the OCR service alone, with its layout (blocks, figures) in
the image's `ocr_layouts` document (inline in results read before that existed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pymongo.database import Database

from jaryo_shared.ocr_result import LAYOUT_FIELDS, Block, CapturedPage, Figure
from jaryo_shared.read_models.base import ReadModel

OcrStatus = Literal["processing", "done", "failed"]


class OcrRecord(ReadModel):
    """The text is absent while the image is being read, or when a reader left it out."""

    upload_id: str
    user_id: str
    status: OcrStatus
    attempts: int = 0
    reading: int = 0  # the upload's reading it is of: N after the Nth fix of corners
    engine: str | None = None
    language: str | None = None
    duration_ms: int | None = None
    text: str | None = None
    blocks: list[Block] | None = None
    figures: list[Figure] | None = None  # absent while unread, and in results read before
    # A copy with the text removed is stored (keys.clean_background_key): absent is none.
    clean_background: bool = False
    page: CapturedPage | None = None  # the page made of a photo, in whose frame the boxes are
    reason: str | None = None
    code: str | None = None  # jaryo_shared.failures.FailureCode; absent before codes existed


def of_images(
    db: Database, image_ids: Iterable[str], *, with_text: bool = True, with_blocks: bool = True
) -> dict[str, OcrRecord]:
    """The results of these images, by image id (absent while an image is unread).

    One lookup by `_id` each: FerretDB 1.x on SQLite answers `_id` equality from its primary
    key but scans the whole collection for any other filter (measured: 9 ms vs 230 ms with 300
    results of 50 kB), and OCR results are the largest documents; `with_blocks=False` leaves
    their bulk on the server."""
    left_out = {"outbox": 0, **({} if with_text else {"text": 0})}
    projection = {**left_out, **({} if with_blocks else {"blocks": 0})}
    found = (db.ocr_results.find_one({"_id": image_id}, projection) for image_id in image_ids)
    records = (_with_layout(db, r) if with_blocks else r for r in found if r is not None)
    return {r["_id"]: OcrRecord.model_validate(r) for r in records}


def _with_layout(db: Database, result: dict[str, Any]) -> dict[str, Any]:
    """The result with its blocks and figures, from its layout document if it was read since
    layouts were kept apart (none while unread or failed)."""
    if "blocks" in result or result.get("status") != "done":
        return result
    layout = db.ocr_layouts.find_one({"_id": result["_id"]}) or {}
    return {**result, **{key: layout[key] for key in LAYOUT_FIELDS if key in layout}}
