"""Answers many routes share, and the ones every route gives alike, added in one place so
that no operation can leave them out."""

from __future__ import annotations

from typing import Any

from gateway.openapi.operations import Answer, Operation, problem

HEADERS = {
    "ETag": 'the revision this answer is of, e.g. `"r3"` (strong)',
    "Location": "the path of what was made",
    "Content-Disposition": "`attachment`, with the file name to save the answer under",
    "Retry-After": "whole seconds to wait before trying again",
    "WWW-Authenticate": '`Bearer realm="jaryo"`',
    "Set-Cookie": "the browser flow only: the refresh token's cookie (`jaryo_refresh`; "
    "`HttpOnly; SameSite=Strict; Path=/v1/auth/refresh`, `Secure` unless the page is plain http "
    "on a loopback host), set with its lifetime as `Max-Age`, or cleared with `Max-Age=0`",
}
# Headers an answer carries in one flow and not another: documented, not promised.
OPTIONAL_HEADERS = frozenset({"Set-Cookie"})

NOT_FOUND = problem("not the caller's, or does not exist")
BAD_PAGE = problem("limit out of range, or a cursor this API did not hand out")
BAD_WAIT = problem("wait out of range")
INVALID_INPUT = problem("invalid input")
TOO_MANY_WAITS = problem(
    "the caller already holds as many waiting requests (?wait, /events) as one user may on "
    "this server; see Retry-After",
    "Retry-After",
)

UNAUTHORIZED = problem(
    "no bearer token, or not a valid one: expired, of a device signed out, or of an account "
    "deleted",
    "WWW-Authenticate",
)
TOO_LARGE = problem("the request is larger than the gateway accepts")
# Refused by the HTTP server before any route sees the request, whatever the route.
MALFORMED = {
    400: problem("not a well-formed HTTP request"),
    414: problem("the request line (path and query) is too long"),
    431: problem("a header, or all of them, too large"),
}
# A server the gateway needs (database, broker, object store) is out of reach, whatever the route.
UNAVAILABLE = problem("a server Jaryo needs is out of reach; see Retry-After", "Retry-After")


def all_answers(operation: Operation) -> dict[int, Answer]:
    """The view's own answers, plus 401 wherever a token is needed, 413 wherever a body is
    read (a request over the gateway's size limit is refused before it is read), the refusals
    of malformed HTTP, and 503 everywhere."""
    answers = dict(operation.answers)
    if not operation.public:
        answers.setdefault(401, UNAUTHORIZED)
    if operation.body or operation.form:
        answers.setdefault(413, TOO_LARGE)
    for status, answer in MALFORMED.items():
        answers.setdefault(status, answer)
    answers.setdefault(503, UNAVAILABLE)
    return dict(sorted(answers.items()))


def header(name: str) -> dict[str, Any]:
    required = name not in OPTIONAL_HEADERS
    return {"description": HEADERS[name], "required": required, "schema": {"type": "string"}}
