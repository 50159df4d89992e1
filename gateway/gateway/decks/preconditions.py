"""A deck revision's entity tag, and the conditional requests on it: `If-Match` on an edit (so
two tabs cannot silently overwrite each other), `If-None-Match` on a read (304)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import request

from gateway.problems import PreconditionFailed, PreconditionRequired

T = TypeVar("T")


def tag(revision: int, variant: str = "") -> str:
    """The opaque part of the ETag; it is strong, since a revision's spec never changes. A
    `variant` (`pdf`) names another representation of the same revision, so a cache never
    takes the .pptx for the PDF."""
    return f"r{revision}.{variant}" if variant else f"r{revision}"


def etag(revision: int, variant: str = "") -> str:
    return f'"{tag(revision, variant)}"'


def require_match(latest: int, check_body: Callable[[], T]) -> T:
    """The edit must name the revision it started from (428 if it names none), and that must
    still be the latest (412). The body is checked in between: a malformed edit is refused as
    such (422, 413) whatever revision it names."""
    # `*` ("whatever is there") would overwrite another tab's edit unseen: it names no revision.
    if not request.if_match or request.if_match.star_tag:
        raise PreconditionRequired(
            "send If-Match with the ETag of the revision you edited (GET the deck's spec)"
        )
    checked = check_body()
    if not request.if_match.contains(tag(latest)):
        raise stale(latest)
    return checked


def stale(latest: int) -> PreconditionFailed:
    problem = PreconditionFailed(
        f"the deck has changed since: its latest revision is {latest}; "
        "GET its spec again and make the edit on that",
        revision=latest,
    )
    problem.headers["ETag"] = etag(latest)
    return problem


def not_modified(revision: int, variant: str = "") -> bool:
    """Whether the client already holds this revision (If-None-Match, weak comparison). `*`
    holds any representation that exists, so it never matches a variant (the PDF) that may not
    have been made yet."""
    if variant and request.if_none_match.star_tag:
        return False
    return request.if_none_match.contains_weak(tag(revision, variant))
