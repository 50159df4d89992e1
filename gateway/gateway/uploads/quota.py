"""How many live uploads, and how many bytes of images in them, one person may keep.

Counting a person's uploads is a query on `user_id`, which FerretDB answers by scanning the whole
collection (measured, all users' uploads in it: 115 ms at 1,000, 470 ms at 5,000, 1.4 s at
10,000). So each person has a usage document, `_id` = user id, listing their live uploads with
their bytes; it is read by `_id` (under 1 ms). FerretDB can lose one of two concurrent updates of
a document, so the usage document is only written under a per-person lock: a document with a
fixed `_id` (only one insert of it can win, even on FerretDB) that expires if its holder dies.
The lock also makes check-then-record one step, so two uploads at once cannot both pass.

Entries are added before the upload is recorded and removed after it is marked deleted, so a
crash in between can only over-count; the janitor's purges are not subtracted either. Over-counts
never refuse anyone: before a refusal, the usage is counted again from the uploads themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from gateway import user_locks
from gateway.bootstrap import Dependencies
from gateway.problems import RecordingUpload, TooManyUploads, UploadStorageFull

log = logging.getLogger(__name__)

LOCK_SECONDS = 30  # a holder that died frees the lock after this
WAIT_SECONDS = 5.0  # how long a request waits for another of the same person's to finish
_POLL_SECONDS = 0.02

Usage = dict[str, int]  # live upload id -> bytes of its images


REFUSALS = (TooManyUploads, UploadStorageFull, RecordingUpload)


def check(deps: Dependencies, user_id: str, size: int) -> None:
    """Refuse at once an upload of `size` bytes that would take this person past a quota
    (before its images are stored; `admitted` checks again when recording it)."""
    _check(deps, user_id, size, _stored(deps, user_id))


@contextmanager
def admitted(deps: Dependencies, user_id: str, upload_id: str, size: int) -> Iterator[None]:
    """Record the upload inside the block: it is checked and counted first, and no other upload
    of this person is checked or counted until the block ends."""
    with _locked(deps, user_id) as held:
        if not held:
            raise RecordingUpload(
                "another upload of yours is being recorded; try again", retry_after=2
            )
        usage = _check(deps, user_id, size, _stored(deps, user_id))
        _save(deps, user_id, {**usage, upload_id: size})
        try:
            yield
        except BaseException:
            _save(deps, user_id, usage)
            raise


def released(deps: Dependencies, user_id: str, upload_id: str) -> None:
    """The upload is deleted: it no longer counts."""
    with _locked(deps, user_id) as held:
        usage = _stored(deps, user_id)
        if not held:  # it over-counts until a recount; the DELETE itself has happened
            log.warning("usage of %s not updated for deleted %s: busy", user_id, upload_id)
        elif upload_id in usage:
            del usage[upload_id]
            _save(deps, user_id, usage)


def _check(deps: Dependencies, user_id: str, size: int, usage: Usage) -> Usage:
    settings = deps.settings
    if _over(deps, usage, size):
        usage = _recount(deps, user_id)
    uploads, used = len(usage), sum(usage.values())
    if uploads >= settings.max_uploads_per_user:
        raise TooManyUploads(
            f"you keep {uploads} uploads, the most one person may "
            f"({settings.max_uploads_per_user}); delete one to upload again",
            limit="uploads_per_user",
            allowed=settings.max_uploads_per_user,
            used=uploads,
        )
    if used + size > settings.max_stored_bytes_per_user:
        raise UploadStorageFull(
            f"your uploads take {used} bytes; with these images ({size} bytes) they would pass "
            f"the {settings.max_stored_bytes_per_user} bytes one person may keep; delete an "
            "upload to make room",
            limit="stored_bytes_per_user",
            allowed=settings.max_stored_bytes_per_user,
            used=used,
        )
    return usage


def _over(deps: Dependencies, usage: Usage, size: int) -> bool:
    settings = deps.settings
    return (
        len(usage) >= settings.max_uploads_per_user
        or sum(usage.values()) + size > settings.max_stored_bytes_per_user
    )


def _stored(deps: Dependencies, user_id: str) -> Usage:
    """What the usage document says; nothing yet for a person who has not uploaded since
    quotas exist (their older uploads count from the first recount)."""
    found = deps.db.upload_usage.find_one({"_id": user_id}) or {"uploads": {}}
    return {key: int(value) for key, value in found["uploads"].items()}


def _recount(deps: Dependencies, user_id: str) -> Usage:
    """From the uploads themselves (the slow scan). Uploads recorded before quotas existed
    carry no `bytes` and count as 0 bytes."""
    live = deps.db.uploads.find({"user_id": user_id, "deleted_at": None}, {"bytes": 1})
    return {upload["_id"]: int(upload.get("bytes", 0)) for upload in live}


def _save(deps: Dependencies, user_id: str, usage: Usage) -> None:
    deps.db.upload_usage.replace_one(
        {"_id": user_id}, {"_id": user_id, "uploads": usage}, upsert=True
    )


def _locked(deps: Dependencies, user_id: str) -> AbstractContextManager[bool]:
    """Hold this person's usage lock inside the block (True), or False if it stayed taken for
    WAIT_SECONDS."""
    return user_locks.held(
        deps.db,
        f"upload-usage:{user_id}",
        deps.clock,
        lifetime_seconds=LOCK_SECONDS,
        wait_seconds=WAIT_SECONDS,
        poll_seconds=_POLL_SECONDS,
    )
