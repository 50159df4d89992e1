"""What the storage service does with an `image.received` event: decode and normalise the
image (or render its page of a PDF), keep it and its thumbnail in the durable bucket, record
the outcome, and settle the upload if that was its last unfinished image. A file that cannot be
used is rejected at once with the reason; the upload's other images, each its own message, go on
in other workers.

An `upload.received` from a gateway that announces no images (an earlier version, while a
cluster is upgraded) is worked whole, image by image; one that announces them is passed over.

Redelivery is safe: an image already stored or rejected is not processed again, and the events
it owes are published from its outbox until they are confirmed.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, cast

from jaryo_shared import events
from jaryo_shared.completion import settle_image, settle_received
from jaryo_shared.failures import FailureCode
from jaryo_shared.images import UnusableImage
from jaryo_shared.keys import thumbnail_key
from jaryo_shared.messaging import Handler
from storage_service.bootstrap import Dependencies
from storage_service.normalise import NormalisedImage, normalise, normalise_pdf_page
from storage_service.records import ImageRecords

log = logging.getLogger(__name__)

SOURCE = "jaryo/storage-service"
Received = events.UploadReceived | events.ImageReceived  # what names the upload and its owner


def handlers(deps: Dependencies) -> dict[str, Handler]:
    """What `__main__` and the tests run the worker with (cast: dispatched by event type)."""
    return {
        events.ImageReceived.event_type: cast(Handler, partial(handle_image_received, deps)),
        events.UploadReceived.event_type: cast(Handler, partial(handle_upload_received, deps)),
    }


def handle_image_received(
    deps: Dependencies, envelope: events.Envelope, event: events.ImageReceived
) -> None:
    store_image(deps, envelope, event, event.image)
    settle_image(deps.db, deps.publisher, deps.clock, envelope, event, source=SOURCE)


def handle_upload_received(
    deps: Dependencies, envelope: events.Envelope, event: events.UploadReceived
) -> None:
    if event.each_image_announced:
        return  # its images' own messages do the work (image.received)
    for image in event.images:
        store_image(deps, envelope, event, image)
    settle_received(deps.db, deps.publisher, deps.clock, envelope, event, source=SOURCE)


def store_image(
    deps: Dependencies,
    envelope: events.Envelope,
    event: Received,
    image: events.ReceivedImage,
) -> None:
    records = ImageRecords(deps.db, deps.publisher)
    doc = records.of_upload(event.upload_id, image.image_id)
    if doc is None:
        log.warning(
            "image %s of upload %s has no document; skipping", image.image_id, event.upload_id
        )
        return
    if records.finished(doc):
        records.publish_owed(image.image_id)  # redelivered: what an earlier run may not have sent
    else:
        _process(deps, envelope, event, doc)


def _process(
    deps: Dependencies,
    envelope: events.Envelope,
    event: Received,
    doc: dict[str, Any],
) -> None:
    settings = deps.settings
    size = deps.store.size(settings.bucket_staging, doc["staging_key"])
    if size is None:
        gone = "the staged file is gone (it expired before storage)"
        _reject(deps, envelope, event, doc, gone, FailureCode.IMAGE_GONE)
        return
    raw = deps.store.get_bytes(settings.bucket_staging, doc["staging_key"])
    limits = {"max_pixels": settings.max_image_pixels, "thumbnail_size": settings.thumbnail_size}
    try:
        if doc.get("page") is not None:  # a page of the PDF staged for all its pages
            result = normalise_pdf_page(raw, doc["page"], **limits)
        else:
            result = normalise(raw, **limits)
    except UnusableImage as exc:  # the file's own fault: failed for good, now, with the reason
        _reject(deps, envelope, event, doc, exc.reason, exc.code, exc.detail)
        return
    _keep(deps, envelope, event, doc, result)


def _keep(
    deps: Dependencies,
    envelope: events.Envelope,
    event: Received,
    doc: dict[str, Any],
    result: NormalisedImage,
) -> None:
    settings = deps.settings
    thumb_key = thumbnail_key(doc["user_id"], doc["upload_id"], doc["_id"])
    deps.store.put_bytes(settings.bucket_images, doc["image_path"], result.data, result.media_type)
    deps.store.put_bytes(settings.bucket_images, thumb_key, result.thumbnail, "image/webp")
    log.info("stored image %s: %dx%d", doc["_id"], result.width, result.height)
    stored = events.ImageStored(
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_id=doc["_id"],
        image_path=doc["image_path"],
        width=result.width,
        height=result.height,
        sha256=result.sha256,
    )
    records = ImageRecords(deps.db, deps.publisher)
    records.mark_stored(doc["_id"], result, thumb_key, deps.clock.now(), _wrap(envelope, stored))


def _reject(
    deps: Dependencies,
    envelope: events.Envelope,
    event: Received,
    doc: dict[str, Any],
    reason: str,
    code: FailureCode,
    detail: str = "",
) -> None:
    log.info(
        "rejecting image %s: %s (%s)%s", doc["_id"], reason, code, f" {detail}" if detail else ""
    )
    rejected = events.ImageRejected(
        upload_id=event.upload_id,
        user_id=event.user_id,
        image_id=doc["_id"],
        reason=reason,
        code=code,
    )
    records = ImageRecords(deps.db, deps.publisher)
    records.mark_rejected(doc["_id"], rejected, deps.clock.now(), _wrap(envelope, rejected))


def _wrap(
    received: events.Envelope, payload: events.ImageStored | events.ImageRejected
) -> events.Envelope:
    """The outcome's event, in the upload's conversation (store_image checked the image is
    unfinished, so it is recorded)."""
    return events.wrap(
        payload, source=SOURCE, subject=payload.upload_id, correlation_id=received.correlationid
    )
