"""How many private templates, and how many bytes of them, one person may keep.

The count and the sum are read and then a template is added, so two uploads at once could both
pass; one add per person at a time closes that. The lock is a document with a fixed `_id`
(only one insert can win, even on FerretDB) and an expiry, so a gateway that dies holding it
blocks that person's next template for a minute, not forever."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pymongo.database import Database

from gateway import user_locks
from gateway.problems import AddingTemplate, TemplateStorageFull, TooManyTemplates
from jaryo_shared.clock import Clock

LOCK_SECONDS = 60  # longer than the check's own time limit and the store


def check_quota(db: Database, user_id: str, size: int, max_count: int, max_bytes: int) -> None:
    owned = list(db.templates.find({"user_id": user_id}, {"size": 1}))
    if len(owned) >= max_count:
        raise TooManyTemplates(
            f"you keep {len(owned)} templates, the most one person may ({max_count}); "
            "delete one to add another",
            limit="templates_per_user",
        )
    used = sum(int(t.get("size", 0)) for t in owned)
    if used + size > max_bytes:
        raise TemplateStorageFull(
            f"your templates take {used} bytes; with this one ({size} bytes) they would pass "
            f"the {max_bytes} bytes one person may keep; delete one to make room",
            limit="template_bytes_per_user",
        )


@contextmanager
def one_add_at_a_time(db: Database, user_id: str, clock: Clock) -> Iterator[None]:
    with user_locks.held(
        db, f"add-template:{user_id}", clock, lifetime_seconds=LOCK_SECONDS
    ) as taken:
        if not taken:
            raise AddingTemplate(
                "another template of yours is being added; try again shortly", retry_after=2
            )
        yield
