"""For the listings' tests: a listing read the way a client reads it (every page in turn,
through the cursors the previous pages handed out), and the fake database with the
`insert_many` the backfills use (the shared fakes have none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway import paging
from tests.unit.fakes import FakeCollection, FakeDatabase

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


class _BatchingCollection(FakeCollection):
    def insert_many(self, documents: list[dict[str, Any]], ordered: bool = True) -> None:
        for document in documents:
            if document["_id"] not in self.documents:
                self.insert_one(document)


class ListingDatabase(FakeDatabase):
    def __getitem__(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, _BatchingCollection(name))
