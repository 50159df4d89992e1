"""Paging for the list routes (uploads, decks): newest first, `?limit` items a page and an
opaque `?cursor` that the previous page handed out. Query strings are untrusted text, so every
value is checked here and anything else is a 422 naming the parameter."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from gateway.problems import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
NEWEST_FIRST = [("created_at", -1), ("_id", -1)]
# A cursor holds an ISO timestamp and a hex id; anything far longer is not one of ours.
_MAX_CURSOR = 200
_DOCUMENT_ID = re.compile(r"[0-9a-f]{32}")
Listed = TypeVar("Listed")


@dataclass(frozen=True)
class PageRequest:
    limit: int
    after: tuple[datetime, str] | None  # (created_at, _id) of the last item already seen

    def follows_cursor(self, item: Mapping[str, Any]) -> bool:
        """Whether the item comes after the cursor, newest first (what `filter` asks a query)."""
        return self.after is None or newest_first_key(item) < self.after

    def filter(self) -> dict[str, Any]:
        """What to add to a list query so that it starts after the cursor."""
        if self.after is None:
            return {}
        created_at, document_id = self.after
        return {
            "$or": [
                {"created_at": {"$lt": created_at}},
                {"created_at": created_at, "_id": {"$lt": document_id}},
            ]
        }


def newest_first_key(item: Mapping[str, Any]) -> tuple[datetime, str]:
    """NEWEST_FIRST's order, for items sorted here rather than by the database."""
    return item["created_at"], item["_id"]


def newest_shown(
    listed: list[Listed],
    request: PageRequest,
    item: Callable[[Listed], Mapping[str, Any]],
    shown: Callable[[Listed], dict[str, Any] | None],
) -> list[dict[str, Any]]:
    """For lists read whole and sorted here (the listing partitions): what `shown` makes of
    the items after the cursor, newest first by `item`'s `created_at` and `_id`, until one
    more than the page holds; an item it shows as None (gone, half-recorded) is left out."""
    after = [listed_item for listed_item in listed if request.follows_cursor(item(listed_item))]
    after.sort(key=lambda listed_item: newest_first_key(item(listed_item)), reverse=True)
    found: list[dict[str, Any]] = []
    for listed_item in after:
        if len(found) > request.limit:
            break
        showing = shown(listed_item)
        if showing is not None:
            found.append(showing)
    return found


def page_request(args: Mapping[str, str]) -> PageRequest:
    return PageRequest(_limit(args.get("limit")), _cursor(args.get("cursor")))


def whole_number(raw: str, name: str, lowest: int, highest: int) -> int:
    """`raw` as an int in [lowest, highest], or a 422 naming `name`. ASCII digits only:
    str.isdigit() also accepts '²' and other digits int() refuses, and a thousand-digit
    number would be slow to convert."""
    if (
        not raw.isascii()
        or not raw.isdigit()
        or len(raw) > len(str(highest))
        or not lowest <= int(raw) <= highest
    ):
        raise InvalidInput(
            f"{name} must be a whole number from {lowest} to {highest}", pointer=f"/{name}"
        )
    return int(raw)


def _limit(raw: str | None) -> int:
    return DEFAULT_LIMIT if raw is None else whole_number(raw, "limit", 1, MAX_LIMIT)


def _cursor(raw: str | None) -> tuple[datetime, str] | None:
    if not raw:
        return None
    try:
        if len(raw) > _MAX_CURSOR:
            raise ValueError("too long")
        created_at, document_id = base64.urlsafe_b64decode(raw.encode()).decode().split("|")
        if not _DOCUMENT_ID.fullmatch(document_id):
            raise ValueError("not an id")
        after = datetime.fromisoformat(created_at)
        # The database keeps UTC times; a cursor without an offset means UTC there too.
        return (after if after.tzinfo else after.replace(tzinfo=UTC)), document_id
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidInput("cursor is not one this API returned", pointer="/cursor") from None


def page_of(
    found: list[dict[str, Any]], request: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """The page from up to limit + 1 documents read, and the cursor of the next page (None on
    the last one)."""
    page = found[: request.limit]
    if len(found) <= request.limit:
        return page, None
    last = page[-1]
    raw = f"{last['created_at'].isoformat()}|{last['_id']}"
    return page, base64.urlsafe_b64encode(raw.encode()).decode()
