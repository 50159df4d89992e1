"""RFC 9457 problem details: the one JSON shape of every error, and the one table of the problems
the gateway answers with (status, `type` slug, title, `code`); docs/api.md lists it for clients."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, json, request
from werkzeug.exceptions import HTTPException

from jaryo_shared.logs import current_correlation_id
from jaryo_shared.messaging import UNREACHABLE

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://jaryo.dev/problems/"
MEDIA_TYPE = "application/problem+json"
OUTAGE_RETRY_AFTER_SECONDS = 5


class Problem(Exception):
    """An error the client can act on. `slug` ends the `type` URI; `code` is the stable,
    machine-readable name of the problem (the slug, unless two problems share a type)."""

    status = 400
    slug = "bad-request"
    title = "Bad request"
    code = ""

    def __init__(self, detail: str, *, retry_after: int | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)


# The table. Clients match on `type` and `code`: never change one, add a class instead.


class InvalidInput(Problem):
    status, slug, title = 422, "invalid-input", "Invalid input"


class InvalidUpload(Problem):
    status, slug, title = 422, "invalid-upload", "Invalid upload"


class TooManyPages(Problem):
    status, slug, title = 422, "too-many-pages", "Too many pages"


class PdfRefused(Problem):
    status, slug, title = 422, "unacceptable-pdf", "PDF not accepted"


class UnacceptableTemplate(Problem):
    status, slug, title = 422, "invalid-template", "Invalid template"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers["WWW-Authenticate"] = 'Bearer realm="jaryo"'


class BadCredentials(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"
    code = "bad-credentials"  # a sign-in refused, not a token missing or expired


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class WrongPassword(Problem):
    # An account change named the wrong current password. Not a 401: the token is fine, and
    # clients treat a 401 as "signed out".
    status, slug, title = 403, "wrong-password", "Wrong password"


class CsrfRefused(Problem):
    status, slug, title = 403, "csrf-refused", "Cross-site request refused"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class NoCleanBackground(Problem):
    status, slug, title = 404, "not-found", "Not found"
    # The image is the caller's, but no copy with its text removed exists: told apart from an
    # unknown image so a client can show the original instead.
    code = "no-clean-background"


class NoPage(Problem):
    status, slug, title = 404, "not-found", "Not found"
    # The image is the caller's, but it was read as it is (no page was made of it): told apart
    # from an unknown image so a client shows the original, whose frame the boxes are then in.
    code = "no-page"


class PdfNotMade(Problem):
    status, slug, title = 404, "not-found", "Not found"
    # The deck is the caller's and built, but its PDF of this revision could not be made (a
    # final outcome, like failed previews): told apart from an unknown deck.
    code = "pdf-not-made"


class NotReady(Problem):
    status, slug, title = 409, "not-ready", "Not ready"


class UploadProcessing(Problem):
    status, slug, title = 409, "not-ready", "Not ready"
    # The upload is being read (or read again after another fix): its pages are fixed once it
    # has settled, so two fixes never race one reading.
    code = "upload-processing"


class NotAPhoto(Problem):
    status, slug, title = 409, "not-a-photo", "Not a photo"


class RejectedImage(Problem):
    status, slug, title = 409, "image-rejected", "Image rejected"


class UsernameTaken(Problem):
    status, slug, title = 409, "username-taken", "Username taken"


class IdempotencyConflict(Problem):
    status, slug, title = 409, "request-in-progress", "Request in progress"


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class TooLarge(Problem):
    status, slug, title = 413, "too-large", "Too large"


class FileTooLarge(Problem):
    status, slug, title = 413, "file-too-large", "File too large"


class UploadStorageFull(Problem):
    status, slug, title = 413, "upload-storage-quota", "Upload storage quota reached"


class TemplateStorageFull(Problem):
    status, slug, title = 413, "template-storage-quota", "Template storage quota reached"


class UnsupportedImage(Problem):
    status, slug, title = 415, "unsupported-image", "Unsupported image type"


class PreconditionRequired(Problem):
    status, slug, title = 428, "precondition-required", "Precondition required"


class LimitReached(Problem):
    status, slug, title = 429, "too-many-attempts", "Too many attempts"


class TooManyUploads(Problem):
    status, slug, title = 429, "upload-quota", "Upload quota reached"


class RecordingUpload(Problem):
    status, slug, title = 429, "upload-in-progress", "Another upload is being recorded"


class TooManyPageFixes(Problem):
    status, slug, title = 429, "page-fix-quota", "Too many fixes"


class TooManyTemplates(Problem):
    status, slug, title = 429, "template-quota", "Template quota reached"


class AddingTemplate(Problem):
    status, slug, title = 429, "template-add-in-progress", "Another template is being added"


class AccountChanging(Problem):
    status, slug, title = 429, "account-change-in-progress", "Another change of the account"


class TooManyWaits(Problem):
    status, slug, title = 429, "too-many-waits", "Too many waiting requests"


class TooManyExports(Problem):
    status, slug, title = 429, "too-many-exports", "Too many exports at once"


# Webhooks (gateway/webhooks/): kept together here.


class UnsafeWebhookUrl(Problem):
    # `reason`: why, in one word (jaryo_shared.webhook_urls.Reason).
    status, slug, title = 422, "unsafe-webhook-url", "Webhook URL not allowed"


class TooManyWebhooks(Problem):
    status, slug, title = 429, "too-many-webhooks", "Webhook quota reached"


class AddingWebhook(Problem):
    status, slug, title = 429, "webhook-add-in-progress", "Another webhook is being added"


class InternalError(Problem):
    status, slug, title = 500, "internal-error", "Internal server error"


class Busy(Problem):
    status, slug, title = 503, "busy", "Busy"


class StorageUnavailable(Problem):
    status, slug, title = 503, "storage-unavailable", "Storage unavailable"


class Unavailable(Problem):
    status, slug, title = 503, "unavailable", "Service unavailable"


class ServersUnreachable(Problem):
    status, slug, title = 503, "not-ready", "Not ready"
    code = "servers-unreachable"  # /readyz: the gateway's servers, not a resource of the caller


def slug_of(reason: str) -> str:
    """The type slug (and code) of an HTTP error Jaryo did not name itself: its reason phrase,
    e.g. "Method Not Allowed" is method-not-allowed."""
    return reason.lower().replace(" ", "-")


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    code: str = "",
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
        "code": code or slug,
        "title": title,
        "status": status,
        "instance": request.path,
    }
    if detail:
        body["detail"] = detail
    body.update(extensions)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def _from_problem(exc: Problem) -> Response:
    return problem_response(
        exc.status, exc.slug, exc.title, exc.detail, exc.headers, code=exc.code, **exc.extensions
    )


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 500:  # an explicit 500 is a bug too: logged like an unexpected error
        log.error("internal error answering %s %s", request.method, request.path, exc_info=exc)
    slug = slug_of(exc.name or "error")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return problem_response(status, slug, exc.name or "Error", exc.description, headers)


def _correlation_id() -> str | None:
    return current_correlation_id() or g.get("correlation_id")


def _from_unexpected(exc: Exception) -> Response:
    """A bug or an outage nobody turned into a Problem: logged with its traceback (the log line
    carries the correlation id), and the id is in the body so a report can be matched to it."""
    log.error("unexpected error answering %s %s", request.method, request.path, exc_info=exc)
    return _from_problem(
        InternalError(
            "an unexpected error; it is logged under this correlation_id",
            correlation_id=_correlation_id(),
        )
    )


def _from_outage(exc: Exception) -> Response:
    """The database, the broker or the object store could not be reached: nothing the client
    did wrong, and worth a retry. Logged with its traceback, for the operator."""
    log.error(
        "a server was unreachable answering %s %s", request.method, request.path, exc_info=exc
    )
    return _from_problem(
        Unavailable(
            "a server Jaryo needs is out of reach; try again shortly",
            retry_after=OUTAGE_RETRY_AFTER_SECONDS,
            correlation_id=_correlation_id(),
        )
    )


def init_app(app: Flask) -> None:
    for unreachable in UNREACHABLE:
        app.register_error_handler(unreachable, _from_outage)
    app.register_error_handler(Problem, _from_problem)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_unexpected)
