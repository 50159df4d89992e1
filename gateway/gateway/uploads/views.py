"""How uploads and images look to API clients."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for

from gateway.uploads.filenames import displayable
from jaryo_shared.completion import fix_reading
from jaryo_shared.failures import FailureCode


def expires_at(created_at: datetime) -> str | None:
    """When the janitor purges it (JARYO_RETENTION_DAYS after creation), or None if never."""
    days = current_app.extensions["jaryo"].settings.retention_days
    return (created_at + timedelta(days=days)).isoformat() if days else None


def upload_summary(upload: dict[str, Any]) -> dict[str, Any]:
    return {
        "upload_id": upload["_id"],
        "status": upload["status"],
        "image_type": upload["image_type"],
        "image_count": upload["image_count"],
        "created_at": upload["created_at"].isoformat(),
        "expires_at": expires_at(upload["created_at"]),
        "links": {"self": url_for("uploads.get_upload", upload_id=upload["_id"])},
    }


def accepted_upload(upload: dict[str, Any], images: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "upload_id": upload["_id"],
        "status": upload["status"],
        "image_type": upload["image_type"],
        "created_at": upload["created_at"].isoformat(),
        "images": [
            {
                "image_id": i["_id"],
                "filename": i["image_name"],
                "page": i.get("page"),
                "status": "queued",
            }
            for i in images
        ],
    }


OCR_FIELDS = (
    "status",
    "engine",
    "language",
    "duration_ms",
    "text",
    "blocks",
    "page",
    "reason",
    "code",
)
# Shown once the image is read; a result read before they existed has none of either.
READ_DEFAULTS = {"figures": [], "clean_background": False}


def image_status(image: dict[str, Any], ocr_result: dict[str, Any] | None) -> str:
    """queued → processing → done | failed, across both storing and reading the image; a
    photo whose corners were fixed is processing until it is read again."""
    storage = image.get("storage", {}).get("status", "queued")
    ocr = (ocr_result or {}).get("status", "queued")
    if ocr in ("done", "failed") and (ocr_result or {}).get("reading", 0) < fix_reading(image):
        return "processing"
    if storage == "rejected" or ocr == "failed":
        return "failed"
    if storage == "stored" and ocr == "done":
        return "done"
    if storage == "queued" and ocr == "queued":
        return "queued"
    return "processing"


def image_failure(image: dict[str, Any], ocr_result: dict[str, Any] | None) -> dict[str, str]:
    """Why the image failed (`reason`, and its `code`), or nothing while it has not. A failure
    recorded before codes existed has the code `unspecified`."""
    storage, ocr = image.get("storage", {}), ocr_result or {}
    why = storage if storage.get("reason") else ocr
    if not why.get("reason"):
        return {}
    return {"reason": why["reason"], "code": why.get("code") or FailureCode.UNSPECIFIED.value}


def ocr_view(ocr_result: dict[str, Any] | None) -> dict[str, Any]:
    ocr = ocr_result or {}
    view = {name: ocr[name] for name in OCR_FIELDS if ocr.get(name) is not None}
    view.setdefault("status", "queued")
    if view["status"] == "done":
        view.update({name: ocr.get(name, default) for name, default in READ_DEFAULTS.items()})
    return view


def has_clean_background(ocr_result: dict[str, Any] | None) -> bool:
    """Whether the image was read and a copy with its text removed was kept (by the OCR
    service, under keys.clean_background_key)."""
    ocr = ocr_result or {}
    return ocr.get("status") == "done" and bool(ocr.get("clean_background"))


def has_page(ocr_result: dict[str, Any] | None) -> bool:
    """Whether the image was read from a page the capture step made of it (stored by the OCR
    service under keys.page_key), in whose frame its boxes are."""
    ocr = ocr_result or {}
    return ocr.get("status") == "done" and bool(ocr.get("page"))


def image_detail(image: dict[str, Any], ocr: dict[str, Any] | None) -> dict[str, Any]:
    storage = image.get("storage", {})
    ids = {"upload_id": image["upload_id"], "image_id": image["_id"]}
    detail: dict[str, Any] = {
        "image_id": image["_id"],
        "filename": image["image_name"],
        # Cleaned again: documents stored before names were cleaned on receipt.
        "original_filename": displayable(image.get("filename")),
        "page": image.get("page"),
        "index": image["index"],
        "status": image_status(image, ocr),
        "image_type": image["image_type"],
        "size": storage.get("size", image["size"]),
        "type": storage.get("media_type"),
        "width": storage.get("width"),
        "height": storage.get("height"),
        "sha256": storage.get("sha256"),
    }
    detail.update(image_failure(image, ocr))
    detail["storage"] = {"status": storage.get("status", "queued")}
    detail["ocr"] = ocr_view(ocr)
    if storage.get("status") == "stored":
        detail["links"] = {
            "original": url_for("uploads.get_original", **ids),
            "thumbnail": url_for("uploads.get_thumbnail", **ids),
        }
        # `v` changes with each reading, so no cache shows a copy made before a fix.
        version = (ocr or {}).get("reading", 0)
        if has_clean_background(ocr):
            detail["links"]["background"] = url_for("uploads.get_background", **ids, v=version)
        if has_page(ocr):
            detail["links"]["page"] = url_for("uploads.get_page", **ids, v=version)
    return detail


OcrResults = dict[str, dict[str, Any]]


def upload_detail(
    upload: dict[str, Any], images: list[dict[str, Any]], ocr: OcrResults
) -> dict[str, Any]:
    detail = {
        **upload_summary(upload),
        "images": [image_detail(image, ocr.get(image["_id"])) for image in images],
    }
    if upload.get("failures"):
        detail["failures"] = upload["failures"]
    return detail


def upload_progress(
    upload: dict[str, Any], images: list[dict[str, Any]], ocr: OcrResults
) -> dict[str, Any]:
    """The light view streamed by /events: states and reasons, without the text itself."""
    progress = {
        **upload_summary(upload),
        "images": [
            {
                "image_id": image["_id"],
                "filename": image["image_name"],
                "status": image_status(image, ocr.get(image["_id"])),
                "storage": {"status": image.get("storage", {}).get("status", "queued")},
                "ocr": {"status": ocr.get(image["_id"], {}).get("status", "queued")},
                **image_failure(image, ocr.get(image["_id"])),
            }
            for image in images
        ],
    }
    if upload.get("failures"):
        progress["failures"] = upload["failures"]
    return progress
