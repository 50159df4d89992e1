"""What the OCR service does with an `upload.received` event: read each image from staging (the
durable bucket if staging is gone), record its text with positions in `ocr_results` (one
document per image, `_id` = the image's; the storage service writes the image document itself),
publish `ocr.completed`, and settle the upload once storage and OCR have both finished every
image.

A file that cannot be decoded is that image's failure, at once and with the reason
(jaryo_shared.images); the rest of the upload is read.

Redelivery is safe: a finished image is not read again, and the events it owes are published from
its outbox until confirmed. Each read of an image is counted before the engine starts, so an image
that kills its worker (an engine crash) is failed after `ocr_max_attempts` instead of forever; the
message is then dead-lettered with the reason, once the rest of its upload is done.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any, cast

from jaryo_shared import database, events, outbox
from jaryo_shared.completion import OCR_FINISHED, settle_upload
from jaryo_shared.images import UnusableImage
from jaryo_shared.messaging import Handler, PermanentError
from jaryo_shared.ocr_result import OcrResult
from ocr_service import metrics
from ocr_service.bootstrap import Dependencies
from ocr_service.engines.base import EngineTimeout

log = logging.getLogger(__name__)

SOURCE = "jaryo/ocr-service"


def handlers(deps: Dependencies) -> dict[str, Handler]:
    """The worker's map, for `worker.py` and the tests (cast: each gets its own payload type)."""
    return {events.UploadReceived.event_type: cast(Handler, partial(handle_upload_received, deps))}


def handle_upload_received(
    deps: Dependencies, envelope: events.Envelope, event: events.UploadReceived
) -> None:
    gave_up: list[str] = []
    for image in event.images:
        reason = read_image(deps, envelope, event, image)
        if reason:
            gave_up.append(f"image {image.image_id}: {reason}")
    settle_upload(
        deps.db,
        deps.publisher,
        deps.clock,
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_ids=[image.image_id for image in event.images],
        source=SOURCE,
        correlation_id=envelope.correlationid,
    )
    if gave_up:
        raise PermanentError("; ".join(gave_up))


def read_image(
    deps: Dependencies,
    envelope: events.Envelope,
    event: events.UploadReceived,
    image: events.ReceivedImage,
) -> str | None:
    """Read one image unless it is finished. Returns the reason if it was given up on after
    repeated crashes (its message then belongs in the dead-letter queue)."""
    doc = database.by_id(deps.db.images, image.image_id, upload_id=event.upload_id)
    if doc is None:
        log.warning("image %s of upload %s has no document", image.image_id, event.upload_id)
        return None
    ocr = deps.db.ocr_results.find_one({"_id": image.image_id}, {"blocks": 0}) or {}
    gave_up = None
    if ocr.get("status") in OCR_FINISHED:
        # Redelivered: publish what an earlier run recorded but may not have sent.
        outbox.flush(deps.db.ocr_results, image.image_id, deps.publisher)
    else:
        attempts = int(ocr.get("attempts", 0))
        if attempts >= deps.settings.ocr_max_attempts:
            gave_up = (
                f"reading stopped {attempts} times without finishing "
                "(the OCR engine crashed or its worker was killed)"
            )
            _fail(deps, envelope, doc, gave_up, engine=None, language=None)
        else:
            _read(deps, envelope, doc)
    return gave_up


def _read(deps: Dependencies, envelope: events.Envelope, doc: dict[str, Any]) -> None:
    raw = _fetch(deps, doc)
    if raw is None:
        _fail(deps, envelope, doc, "the image is gone from storage", engine=None, language=None)
        return
    engine = deps.reader.engine_for(doc["image_type"])
    # Counted before the engine runs: if it takes the process down, the next delivery knows.
    deps.db.ocr_results.update_one(
        {"_id": doc["_id"]},
        {
            "$set": {
                "upload_id": doc["upload_id"],
                "user_id": doc["user_id"],
                "status": "processing",
                "started_at": deps.clock.now(),
            },
            "$inc": {"attempts": 1},
        },
        upsert=True,
    )
    started = time.monotonic()
    try:
        result = deps.reader.read(raw, doc["image_type"])
    except UnusableImage as exc:  # the file's fault, not the engine's: failed now, for good
        metrics.IMAGE_SECONDS.labels(engine.name, "unreadable").observe(time.monotonic() - started)
        log.info("image %s is unusable: %s (%s)", doc["_id"], exc.reason, exc.detail)
        _fail(deps, envelope, doc, exc.reason, engine=None, language=None)
        return
    except EngineTimeout:
        metrics.IMAGE_SECONDS.labels(engine.name, "timeout").observe(time.monotonic() - started)
        limit = deps.settings.ocr_timeout_seconds
        reason = f"reading the text took longer than the {limit:g} s allowed per image"
        _fail(deps, envelope, doc, reason, engine=engine.name, language=None)
        return
    metrics.IMAGE_SECONDS.labels(result.engine, "done").observe(time.monotonic() - started)
    _record(deps, envelope, doc, result)


def _fetch(deps: Dependencies, doc: dict[str, Any]) -> bytes | None:
    """The staged original, or the stored (already upright) image if staging is gone."""
    settings = deps.settings
    for bucket, key in (
        (settings.bucket_staging, doc["staging_key"]),
        (settings.bucket_images, doc["image_path"]),
    ):
        raw = deps.store.get_bytes_if_present(bucket, key)
        if raw is not None:
            return raw
    return None


def _record(
    deps: Dependencies, envelope: events.Envelope, doc: dict[str, Any], result: OcrResult
) -> None:
    log.info(
        "read image %s: %d characters in %d ms (%s, %s)",
        doc["_id"],
        len(result.text),
        result.duration_ms,
        result.engine,
        result.language,
    )
    payload = events.OcrCompleted(
        upload_id=doc["upload_id"],
        user_id=doc["user_id"],
        image_id=doc["_id"],
        status="done",
        engine=result.engine,
        language=result.language,
        duration_ms=result.duration_ms,
        text=result.text,
    )
    fields = result.model_dump(mode="json")
    _finish(deps, envelope, doc, payload, {**fields, "finished_at": deps.clock.now()})


def _fail(
    deps: Dependencies,
    envelope: events.Envelope,
    doc: dict[str, Any],
    reason: str,
    *,
    engine: str | None,
    language: str | None,
) -> None:
    log.warning("could not read image %s: %s", doc["_id"], reason)
    payload = events.OcrCompleted(
        upload_id=doc["upload_id"],
        user_id=doc["user_id"],
        image_id=doc["_id"],
        status="failed",
        engine=engine,
        language=language,
        reason=reason,
    )
    fields = {
        "status": "failed",
        "reason": reason,
        "engine": engine,
        "finished_at": deps.clock.now(),
    }
    _finish(deps, envelope, doc, payload, fields)


def _finish(
    deps: Dependencies,
    envelope: events.Envelope,
    doc: dict[str, Any],
    payload: events.OcrCompleted,
    fields: dict[str, Any],
) -> None:
    """The outcome and its event in one write, only if no other delivery finished it first;
    then that event is published. read_image checked the image is unfinished."""
    published = events.wrap(
        payload, source=SOURCE, subject=doc["upload_id"], correlation_id=envelope.correlationid
    )
    fields = {"upload_id": doc["upload_id"], "user_id": doc["user_id"], **fields}
    # Upserted: an image gone from storage fails before any attempt is counted (no document yet).
    outbox.record_and_flush(
        deps.db.ocr_results, doc["_id"], deps.publisher, published, fields, upsert=True
    )
