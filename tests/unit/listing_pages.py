"""A listing read the way a client reads it: every page in turn, through the cursors the
previous pages handed out (for the uploads' and the decks' `newest_first`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway import paging

NewestFirst = Callable[[Any, str, paging.PageRequest], list[dict[str, Any]]]


def every_page(
    newest_first: NewestFirst, db: Any, user_id: str, limit: int
) -> list[dict[str, Any]]:
    """Each item of each page, newest first."""
    seen: list[dict[str, Any]] = []
    query = {"limit": str(limit)}
    while True:
        request = paging.page_request(query)
        page, cursor = paging.page_of(newest_first(db, user_id, request), request)
        seen += page
        if cursor is None:
            return seen
        query = {"limit": str(limit), "cursor": cursor}
