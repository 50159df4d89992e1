"""RFC 9457 problem details: the one JSON shape of every error, and the one table that maps
exceptions to status codes."""

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
    """An error the client can act on. `slug` names the problem type."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + slug,
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
        exc.status, exc.slug, exc.title, exc.detail, exc.headers, **exc.extensions
    )


def _from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 500:  # an explicit 500 is a bug too: logged like an unexpected error
        log.error("internal error answering %s %s", request.method, request.path, exc_info=exc)
    slug = (exc.name or "error").lower().replace(" ", "-")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return problem_response(status, slug, exc.name or "Error", exc.description, headers)


def _from_unexpected(exc: Exception) -> Response:
    """A bug or an outage nobody turned into a Problem: logged with its traceback (the log line
    carries the correlation id), and the id is in the body so a report can be matched to it."""
    log.error("unexpected error answering %s %s", request.method, request.path, exc_info=exc)
    correlation_id = current_correlation_id() or g.get("correlation_id")
    return problem_response(
        500,
        "internal-error",
        "Internal server error",
        "an unexpected error; it is logged under this correlation_id",
        correlation_id=correlation_id,
    )


def _from_outage(exc: Exception) -> Response:
    """The database, the broker or the object store could not be reached: nothing the client
    did wrong, and worth a retry. Logged with its traceback, for the operator."""
    log.error(
        "a server was unreachable answering %s %s", request.method, request.path, exc_info=exc
    )
    return problem_response(
        503,
        "unavailable",
        "Service unavailable",
        "a server Jaryo needs is out of reach; try again shortly",
        {"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)},
        correlation_id=current_correlation_id() or g.get("correlation_id"),
    )


def init_app(app: Flask) -> None:
    for unreachable in UNREACHABLE:
        app.register_error_handler(unreachable, _from_outage)
    app.register_error_handler(Problem, _from_problem)
    app.register_error_handler(HTTPException, _from_http_exception)
    app.register_error_handler(Exception, _from_unexpected)
