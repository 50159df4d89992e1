"""/v1/uploads: receive images, list and show uploads, serve image bytes, delete."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, g, jsonify, request, stream_with_context

from gateway import paging
from gateway.auth.routes import require_user, still_signed_in
from gateway.bootstrap import current_deps
from gateway.openapi.common import BAD_PAGE, BAD_WAIT, NOT_FOUND, TOO_MANY_WAITS
from gateway.openapi.operations import content, documented, empty, json, problem
from gateway.problems import Busy, NoCleanBackground, NoPage, NotFound, NotReady, TooLarge
from gateway.progress import TooManyWaiters
from gateway.schemas import PageQuery, WaitQuery
from gateway.uploads import (
    idempotency,
    page_fixes,
    quota,
    receive,
    request_body,
    service,
    sse,
    views,
)
from gateway.uploads.markdown import MEDIA_TYPE as MARKDOWN
from gateway.uploads.markdown import upload_markdown, wants_markdown
from gateway.uploads.schemas import (
    AcceptedUpload,
    IdempotencyHeader,
    Image,
    PageCorners,
    PageVersionQuery,
    Upload,
    UploadEvent,
    UploadForm,
    UploadPage,
    UploadText,
    UploadTextQuery,
)
from gateway.validation import parse_json
from gateway.waiting import open_waiter, until_finished, wait_seconds
from jaryo_shared.keys import clean_background_key, page_key

blueprint = Blueprint("uploads", __name__, url_prefix="/v1/uploads")


# Four corners take under 200 bytes: a larger body is refused before it is parsed.
CORNERS_BODY_BYTES = 4096

# The original and the thumbnail answer alike.
IMAGE_ANSWERS = {
    200: content("image/*", "the image"),
    404: NOT_FOUND,
    409: problem("not stored (yet)"),
}


def _own_upload(upload_id: str) -> dict[str, Any]:
    """The caller's live upload, or 404 (also for another user's: existence is not leaked)."""
    upload = service.own_upload(current_deps().db, g.user_id, upload_id)
    if upload is None:
        raise NotFound("no such upload")
    return upload


def _images(upload_id: str) -> list[dict[str, Any]]:
    return service.images(current_deps().db, g.user_id, upload_id)


def _ocr_results(images: list[dict[str, Any]], **projection: int) -> dict[str, dict[str, Any]]:
    return service.results(current_deps().db, g.user_id, images, **projection)


@blueprint.post("")
@documented(
    {
        202: json(AcceptedUpload, "accepted; Location names the upload", "Location"),
        409: problem("a request with this Idempotency-Key is in progress"),
        413: problem(
            "a file or the request is too large, or the images would pass the caller's stored "
            "bytes (`limit`: stored_bytes_per_user)"
        ),
        415: problem("neither an accepted image type nor a PDF"),
        422: problem(
            "invalid upload; a PDF with too many pages (`too-many-pages`, `limit`: "
            "pdf_pages_per_file or pdf_pages_per_upload), or one we do not take "
            "(`unacceptable-pdf`, `reason`: encrypted, javascript, broken or too_many_pixels)"
        ),
        429: problem(
            "the caller keeps as many uploads as one person may (`limit`: uploads_per_user), or "
            "another of their uploads is being recorded"
        ),
        503: problem("the images could not be stored; try again"),
    },
    form=UploadForm,
    headers=IdempotencyHeader,
)
@require_user
def create_upload() -> tuple[Response, int, dict[str, str]]:
    deps = current_deps()
    request_body.read_in_large_steps(request.environ)
    image_type = receive.validate_image_type(request.form.get("image_type"))
    accepted = receive.check_files(deps, receive.collect_files(request.files, request.form))
    key = request.headers.get("Idempotency-Key")
    if key is None:
        upload, images = receive.create_upload(deps, g.user_id, image_type, accepted)
    else:
        upload, images = idempotency.create_once(
            deps,
            g.user_id,
            key,
            uuid.uuid4().hex,
            lambda upload_id: receive.create_upload(
                deps, g.user_id, image_type, accepted, upload_id=upload_id
            ),
            _images,
        )
    location = f"/v1/uploads/{upload['_id']}"
    body = views.accepted_upload(upload, images)
    return jsonify(body), 202, {"Location": location}


@blueprint.get("")
@documented({200: json(UploadPage, "newest first"), 422: BAD_PAGE}, query=PageQuery)
@require_user
def list_uploads() -> Response:
    page_request = paging.page_request(request.args)
    found = service.newest_first(current_deps().db, g.user_id, page_request)
    page, next_cursor = paging.page_of(found, page_request)
    return jsonify({"items": [views.upload_summary(u) for u in page], "next_cursor": next_cursor})


@blueprint.get("/<upload_id>")
@documented(
    {
        200: json(Upload, "the upload (finished, or the wait ran out)"),
        404: NOT_FOUND,
        422: BAD_WAIT,
        429: TOO_MANY_WAITS,
    },
    query=WaitQuery,
)
@require_user
def get_upload(upload_id: str) -> Response:
    """`?wait=N` (seconds, at most 60) answers as soon as the upload is finished."""
    upload = _settled_upload(upload_id, _wait_seconds(request.args.get("wait")))
    images = _images(upload_id)
    return jsonify(views.upload_detail(upload, images, _ocr_results(images)))


@blueprint.get("/<upload_id>/text")
@documented(
    {
        200: content(
            "text/plain; charset=utf-8",
            "the text (`format=md`: as Markdown)",
            UploadText,
            alternatives=(MARKDOWN,),
        ),
        404: NOT_FOUND,
        409: problem("still being read"),
        422: problem("wait out of range, or a format other than txt or md"),
        429: TOO_MANY_WAITS,
    },
    query=UploadTextQuery,
)
@require_user
def get_upload_text(upload_id: str) -> Response:
    """The plain text of every read image, in upload order; `?format=md` gives Markdown with a
    section per image instead; `?wait=N` as for the upload."""
    as_markdown = wants_markdown(request.args.get("format"))
    upload = _settled_upload(upload_id, _wait_seconds(request.args.get("wait")))
    if upload["status"] == "processing":
        raise NotReady(
            "the images are still being read; try again, or ask with ?wait=60",
            upload_status="processing",
        )
    images = _images(upload_id)
    if as_markdown:
        results = _ocr_results(images, text=0)
        return Response(upload_markdown(images, results), content_type=MARKDOWN)
    results = _ocr_results(images, blocks=0)
    texts = [
        results[image["_id"]].get("text", "")
        for image in images
        if results.get(image["_id"], {}).get("status") == "done"
    ]
    return Response(
        "\n\n".join(texts), mimetype="text/plain", content_type="text/plain; charset=utf-8"
    )


@blueprint.get("/<upload_id>/events")
@documented(
    {
        200: content("text/event-stream", "the event stream", UploadEvent),
        404: NOT_FOUND,
        429: TOO_MANY_WAITS,
        503: problem("too many clients waiting; see Retry-After", "Retry-After"),
    }
)
@require_user
def upload_events(upload_id: str) -> Response:
    """Server-Sent Events: `progress` with the upload's state whenever it changes, then
    `completed` once it is finished, and the stream ends."""
    _own_upload(upload_id)
    deps = current_deps()
    try:
        waiter = open_waiter(upload_id)  # over the caller's own cap: a 429
    except TooManyWaiters:
        raise Busy(
            "too many clients are waiting on uploads; retry shortly", retry_after=5
        ) from None
    stream = sse.upload_stream(
        lambda: _progress_snapshot(upload_id),
        waiter,
        still_signed_in(),
        heartbeat_seconds=deps.settings.events_heartbeat_seconds,
        max_seconds=deps.settings.events_max_seconds,
    )
    response = Response(
        stream_with_context(stream),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    response.call_on_close(waiter.close)  # also if the stream never started
    return response


def _progress_snapshot(upload_id: str) -> dict[str, Any] | None:
    upload = service.own_upload(current_deps().db, g.user_id, upload_id)
    if upload is None:
        return None
    images = _images(upload_id)
    results = _ocr_results(images, blocks=0, text=0, outbox=0)
    return views.upload_progress(upload, images, results)


def _wait_seconds(raw: str | None) -> int:
    return wait_seconds(raw, current_deps().settings.wait_max_seconds)


def _settled_upload(upload_id: str, wait: int) -> dict[str, Any]:
    """The caller's upload, after waiting up to `wait` seconds for it to finish. The wait
    re-reads the upload only when one of its events passes (or after a quiet spell)."""
    return until_finished(
        upload_id,
        wait,
        read=lambda: _own_upload(upload_id),
        finished=lambda upload: upload["status"] != "processing",
    )


@blueprint.delete("/<upload_id>")
@documented({204: empty("deleted"), 404: NOT_FOUND})
@require_user
def delete_upload(upload_id: str) -> tuple[str, int]:
    deps = current_deps()
    if not service.delete_upload(deps.db, deps.clock, g.user_id, upload_id):
        raise NotFound("no such upload")
    quota.released(deps, g.user_id, upload_id)
    return "", 204


@blueprint.get("/<upload_id>/images/<image_id>/original")
@documented(IMAGE_ANSWERS)
@require_user
def get_original(upload_id: str, image_id: str) -> Response:
    image = _stored_image(upload_id, image_id)
    return _object_response(image["image_path"], image["storage"]["media_type"])


@blueprint.get("/<upload_id>/images/<image_id>/thumbnail")
@documented(IMAGE_ANSWERS)
@require_user
def get_thumbnail(upload_id: str, image_id: str) -> Response:
    image = _stored_image(upload_id, image_id)
    return _object_response(image["storage"]["thumbnail_path"], "image/webp")


@blueprint.get("/<upload_id>/images/<image_id>/background")
@documented(
    {
        200: content("image/png", "the image with its text removed"),
        404: problem(
            "not the caller's, or does not exist; or (`code`: no-clean-background) the image has "
            "no copy with its text removed: not read yet, reading failed, or read before such "
            "copies were made"
        ),
        409: problem("not stored (yet)"),
    },
    query=PageVersionQuery,
)
@require_user
def get_background(upload_id: str, image_id: str) -> Response:
    """The image with its text removed: the background of a draft's `clean` slides (an
    ImageElement with `variant: clean`), once the image's OCR result has one."""
    image = _stored_image(upload_id, image_id)
    if not views.has_clean_background(_ocr_results([image], text=0, blocks=0).get(image_id)):
        raise NoCleanBackground("this image has no copy with its text removed; use its original")
    return _object_response(clean_background_key(g.user_id, upload_id, image_id), "image/png")


@blueprint.get("/<upload_id>/images/<image_id>/page")
@documented(
    {
        200: content("image/jpeg", "the page made of the photo (flattened, its light evened)"),
        404: problem(
            "not the caller's, or does not exist; or (`code`: no-page) the image was read as it "
            "is (a scan, a PDF's page, a photo in which no page was found): its boxes are in "
            "the original's frame"
        ),
        409: problem("not stored (yet)"),
    },
    query=PageVersionQuery,
)
@require_user
def get_page(upload_id: str, image_id: str) -> Response:
    """The page the OCR service made of a photo and read: the frame of the image's boxes when
    its `ocr.page` is set."""
    image = _stored_image(upload_id, image_id)
    if not views.has_page(_ocr_results([image], text=0, blocks=0).get(image_id)):
        raise NoPage("no page was made of this image; its original is what was read")
    return _object_response(page_key(g.user_id, upload_id, image_id), "image/jpeg")


@blueprint.put("/<upload_id>/images/<image_id>/page")
@documented(
    {
        202: json(Image, "the image, being read again; Location names its upload", "Location"),
        404: NOT_FOUND,
        409: problem(
            "the upload is still being read (`code`: upload-processing), the image is not "
            "stored (`not-ready`), was rejected (`image-rejected`), or is a page of a PDF "
            "(`not-a-photo`)"
        ),
        413: problem("a body over 4096 bytes"),
        422: problem("malformed corners; `pointer` names the field"),
        429: problem("the image was read again as often as one may be (`limit`)"),
    },
    body=PageCorners,
)
@require_user
def put_page(upload_id: str, image_id: str) -> tuple[Response, int, dict[str, str]]:
    """Read a photo again, flattened from the person's corners of its page: the upload is
    `processing` until that reading is done, then settles again (a new `upload.completed`)."""
    if (request.content_length or 0) > CORNERS_BODY_BYTES:
        raise TooLarge(f"a page's corners take at most {CORNERS_BODY_BYTES} bytes")
    request.max_content_length = CORNERS_BODY_BYTES  # a body sent without a length too
    corners = parse_json(PageCorners).corners
    deps = current_deps()
    page_fixes.fix_corners(deps, g.user_id, upload_id, image_id, corners)
    image = service.own_image(deps.db, g.user_id, upload_id, image_id)
    if image is None:  # deleted meanwhile
        raise NotFound("no such image")
    detail = views.image_detail(image, _ocr_results([image], text=0, blocks=0).get(image_id))
    return jsonify(detail), 202, {"Location": f"/v1/uploads/{upload_id}"}


def _stored_image(upload_id: str, image_id: str) -> dict[str, Any]:
    _own_upload(upload_id)
    image = service.own_image(current_deps().db, g.user_id, upload_id, image_id)
    if image is None:
        raise NotFound("no such image")
    storage = image.get("storage", {}).get("status", "queued")
    if storage != "stored":
        raise NotReady(f"the image is not stored ({storage})", image_status=storage)
    return image


def _object_response(key: str, media_type: str) -> Response:
    deps = current_deps()
    chunks = deps.store.stream(deps.settings.bucket_images, key)
    return Response(
        stream_with_context(chunks),
        mimetype=media_type,
        headers={"Cache-Control": "private, max-age=300"},
    )
