"""What the OCR service does with an `image.received` event: read the image from staging (the
durable bucket if staging is gone), record its text with positions in `ocr_results` (one
document per image, `_id` = the image's; the storage service writes the image document itself),
publish `ocr.completed`, and settle the upload once storage and OCR have both finished every
image. Each image is its own message, so one upload's images are read by every OCR worker at
once. An `upload.received` from a gateway that announces no images (an earlier version, while
a cluster is upgraded) is read whole, image by image; one that announces them is passed over.

A file that cannot be decoded is that image's failure, at once and with the reason
(jaryo_shared.images).

An `image.corners_fixed` reads a photo again, flattened from the person's corners, as the
upload's reading N (jaryo_shared.completion): its result replaces the earlier one, a new
`ocr.completed` (with `reading`) is published, and the upload is settled again.

Redelivery is safe: a finished image is not read again, and the events it owes are published from
its outbox until confirmed. Each read of an image is counted before the engine starts, so an image
that kills its worker (an engine crash) is failed after `ocr_max_attempts` instead of forever; the
message is then dead-lettered with the reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import cast

from jaryo_shared import events, upload_deletions
from jaryo_shared.completion import settle_image, settle_received, settle_upload
from jaryo_shared.database import by_id
from jaryo_shared.failures import FailureCode
from jaryo_shared.images import UnusableImage
from jaryo_shared.keys import clean_background_key, page_key
from jaryo_shared.messaging import Handler, PermanentError
from jaryo_shared.ocr_result import OcrResult
from jaryo_shared.read_models import images
from jaryo_shared.read_models.images import Image
from ocr_service import metrics
from ocr_service.bootstrap import Dependencies
from ocr_service.capture.pipeline import Corners
from ocr_service.engines.base import EngineTimeout
from ocr_service.records import OcrResults

log = logging.getLogger(__name__)

SOURCE = "jaryo/ocr-service"


def handlers(deps: Dependencies) -> dict[str, Handler]:
    """The worker's map, for `worker.py` and the tests (cast: each gets its own payload type)."""
    return {
        events.ImageReceived.event_type: cast(Handler, partial(handle_image_received, deps)),
        events.UploadReceived.event_type: cast(Handler, partial(handle_upload_received, deps)),
        events.ImageCornersFixed.event_type: cast(Handler, partial(handle_corners_fixed, deps)),
    }


def handle_image_received(
    deps: Dependencies, envelope: events.Envelope, event: events.ImageReceived
) -> None:
    gave_up = read_image(deps, envelope, event, event.image)
    settle_image(deps.db, deps.publisher, deps.clock, envelope, event, source=SOURCE)
    if gave_up:
        raise PermanentError(f"image {event.image.image_id}: {gave_up}")


def handle_upload_received(
    deps: Dependencies, envelope: events.Envelope, event: events.UploadReceived
) -> None:
    if event.each_image_announced:
        return  # its images' own messages do the work (image.received)
    gave_up: list[str] = []
    for image in event.images:
        reason = read_image(deps, envelope, event, image)
        if reason:
            gave_up.append(f"image {image.image_id}: {reason}")
    settle_received(deps.db, deps.publisher, deps.clock, envelope, event, source=SOURCE)
    if gave_up:
        raise PermanentError("; ".join(gave_up))


def handle_corners_fixed(
    deps: Dependencies, envelope: events.Envelope, event: events.ImageCornersFixed
) -> None:
    gave_up = read_image_again(deps, envelope, event)
    settle_upload(
        deps.db,
        deps.publisher,
        deps.clock,
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_ids=event.upload_image_ids,
        source=SOURCE,
        correlation_id=envelope.correlationid,
        reading=event.reading,
    )
    if gave_up:
        raise PermanentError(f"image {event.image_id}: {gave_up}")


def read_image_again(
    deps: Dependencies, envelope: events.Envelope, event: events.ImageCornersFixed
) -> str | None:
    """Read the photo flattened from the fix's corners, unless that reading is finished; the
    reason if it was given up on after repeated crashes."""
    image = images.of_upload(deps.db, event.upload_id, event.image_id)
    if image is None or _deleted(deps, event.upload_id):
        log.info("image %s of upload %s is gone; not read again", event.image_id, event.upload_id)
        return None
    if image.fix is not None and image.fix.reading > event.reading:
        log.info("image %s: reading %d passed over, a later fix came", image.id, event.reading)
        return None
    results = OcrResults(deps.db, deps.publisher)
    attempts = results.attempts_if_unread(image.id, event.reading)
    if attempts is None:
        results.publish_owed(image.id)
        return None
    return _attempt(
        deps,
        envelope,
        image,
        attempts,
        lambda: results.start_reading_again(image, event.reading, attempts, deps.clock.now()),
        fix=event,
    )


def _deleted(deps: Dependencies, upload_id: str) -> bool:
    """By `_id` alone (read_models.uploads.deleted_among filters otherwise, which FerretDB
    answers by reading every upload)."""
    upload = by_id(deps.db.uploads, upload_id, {"deleted_at": 1})
    if upload is None or upload.get("deleted_at") is not None:
        return True
    return upload_deletions.recorded(deps.db, upload_id)


def read_image(
    deps: Dependencies,
    envelope: events.Envelope,
    event: events.UploadReceived | events.ImageReceived,
    received: events.ReceivedImage,
) -> str | None:
    """Read one image unless it is finished. Returns the reason if it was given up on after
    repeated crashes (its message then belongs in the dead-letter queue)."""
    image = images.of_upload(deps.db, event.upload_id, received.image_id)
    if image is None:
        log.warning("image %s of upload %s has no document", received.image_id, event.upload_id)
        return None
    results = OcrResults(deps.db, deps.publisher)
    attempts = results.attempts_if_unfinished(image.id)
    if attempts is None or image.fix is not None:
        # Redelivered: what an earlier run may not have sent. (Once its corners are fixed, the
        # fix's message reads the image.)
        results.publish_owed(image.id)
        return None
    return _attempt(
        deps, envelope, image, attempts, lambda: results.start_attempt(image, deps.clock.now())
    )


def _attempt(
    deps: Dependencies,
    envelope: events.Envelope,
    image: Image,
    attempts: int,
    count_attempt: Callable[[], None],
    *,
    fix: events.ImageCornersFixed | None = None,
) -> str | None:
    """One more attempt at an unfinished reading (the first, or a `fix`'s) after `attempts`
    started ones: failed after `ocr_max_attempts` (the reason is returned, for the dead-letter
    queue), else read, the attempt counted before the engine runs, so that if the engine takes
    the process down the next delivery knows."""
    if attempts >= deps.settings.ocr_max_attempts:
        gave_up = _crashed(attempts)
        _fail(deps, envelope, image, gave_up, FailureCode.OCR_CRASHED, engine=None, fix=fix)
        return gave_up
    raw = _fetched(deps, envelope, image, fix=fix)
    if raw is None:
        return None
    count_attempt()
    _read(deps, envelope, image, raw, fix=fix)
    return None


def _corners(fix: events.ImageCornersFixed) -> Corners:
    tl, tr, br, bl = ((corner.x, corner.y) for corner in fix.corners)
    return (tl, tr, br, bl)


def _crashed(attempts: int) -> str:
    return (
        f"reading stopped {attempts} times without finishing "
        "(the OCR engine crashed or its worker was killed)"
    )


def _fetched(
    deps: Dependencies,
    envelope: events.Envelope,
    image: Image,
    *,
    fix: events.ImageCornersFixed | None = None,
) -> bytes | None:
    """The image's bytes, or None once it is failed for being gone. Fetched before an attempt
    is counted: an object store out of reach (an exception, so the message is retried) is no
    fault of the image's."""
    raw = _fetch(deps, image)
    if raw is None:
        gone = "the image is gone from storage"
        _fail(deps, envelope, image, gone, FailureCode.IMAGE_GONE, engine=None, fix=fix)
    return raw


def _read(
    deps: Dependencies,
    envelope: events.Envelope,
    image: Image,
    raw: bytes,
    *,
    fix: events.ImageCornersFixed | None = None,
) -> None:
    """Read the image (its attempt already counted) and record the outcome; with a `fix`, as
    that fix's reading, flattened from its corners."""
    corners = None if fix is None else _corners(fix)
    engine = deps.reader.engine_for(image.image_type)
    started = time.monotonic()
    try:
        reading = deps.reader.read(
            raw, image.image_type, page=image.page, clean=True, corners=corners
        )
    except UnusableImage as exc:  # the file's fault, not the engine's: failed now, for good
        metrics.IMAGE_SECONDS.labels(engine.name, "unreadable").observe(time.monotonic() - started)
        log.info("image %s is unusable: %s (%s)", image.id, exc.reason, exc.detail)
        _fail(deps, envelope, image, exc.reason, exc.code, engine=None, fix=fix)
        return
    except EngineTimeout:
        metrics.IMAGE_SECONDS.labels(engine.name, "timeout").observe(time.monotonic() - started)
        limit = deps.settings.ocr_timeout_seconds
        reason = f"reading the text took longer than the {limit:g} s allowed per image"
        _fail(deps, envelope, image, reason, FailureCode.OCR_TIMED_OUT, engine=engine.name, fix=fix)
        return
    result = reading.result
    metrics.IMAGE_SECONDS.labels(result.engine, "done").observe(time.monotonic() - started)
    # Stored before the result that announces them, so whoever sees the result finds the files.
    bucket, owner = deps.settings.bucket_images, (image.user_id, image.upload_id, image.id)
    if reading.page is not None:
        deps.store.put_bytes(bucket, page_key(*owner), reading.page, "image/jpeg")
    if reading.clean_background is not None:
        key = clean_background_key(*owner)
        deps.store.put_bytes(bucket, key, reading.clean_background, "image/png")
    _record(deps, envelope, image, result, 0 if fix is None else fix.reading)


def _fetch(deps: Dependencies, image: Image) -> bytes | None:
    """The staged original (for a page of a PDF, the PDF), or the stored (already upright)
    image if staging is gone."""
    settings = deps.settings
    for bucket, key in (
        (settings.bucket_staging, image.staging_key),
        (settings.bucket_images, image.image_path),
    ):
        raw = deps.store.get_bytes_if_present(bucket, key)
        if raw is not None:
            return raw
    return None


def _record(
    deps: Dependencies, envelope: events.Envelope, image: Image, result: OcrResult, reading: int
) -> None:
    log.info(
        "read image %s: %d characters in %d ms (%s, %s)",
        image.id,
        len(result.text),
        result.duration_ms,
        result.engine,
        result.language,
    )
    payload = events.OcrCompleted(
        upload_id=image.upload_id,
        user_id=image.user_id,
        image_id=image.id,
        status="done",
        engine=result.engine,
        language=result.language,
        duration_ms=result.duration_ms,
        text=result.text,
        reading=reading,
    )
    results = OcrResults(deps.db, deps.publisher)
    now = deps.clock.now()
    results.record_read(image, result, now, _wrap(envelope, payload), reading=reading)


def _fail(
    deps: Dependencies,
    envelope: events.Envelope,
    image: Image,
    reason: str,
    code: FailureCode,
    *,
    engine: str | None,
    fix: events.ImageCornersFixed | None = None,
) -> None:
    log.warning("could not read image %s: %s (%s)", image.id, reason, code)
    payload = events.OcrCompleted(
        upload_id=image.upload_id,
        user_id=image.user_id,
        image_id=image.id,
        status="failed",
        engine=engine,
        reason=reason,
        code=code,
        reading=0 if fix is None else fix.reading,
    )
    results = OcrResults(deps.db, deps.publisher)
    results.record_failure(image, payload, deps.clock.now(), _wrap(envelope, payload))


def _wrap(received: events.Envelope, payload: events.OcrCompleted) -> events.Envelope:
    """The outcome's event, in the upload's conversation (read_image checked the image is
    unfinished; the repository records it only if no other delivery finished it first)."""
    return events.wrap(
        payload, source=SOURCE, subject=payload.upload_id, correlation_id=received.correlationid
    )
