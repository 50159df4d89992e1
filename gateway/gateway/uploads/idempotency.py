"""`Idempotency-Key` on POST /v1/uploads: a retry of a request gets the upload the first one
made, and nothing is created twice. If the first request died between writing the upload and
sending its event, the retry sends it (announcer.send_owed), so its 202 is not followed by a wait.

The key is claimed with a unique `_id` insert, the one write FerretDB makes atomic under
concurrency. A claim whose upload was deleted (or purged, or never written because its request
died) is spent: the same key then claims its next generation (`user:key#1`, `#2`, ...) and makes
a new upload, so a client reusing a key after DELETE never gets the deleted upload back. Claims
are only ever inserted, never updated, so no concurrent write can be lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from gateway.bootstrap import Dependencies
from gateway.problems import IdempotencyConflict, InvalidUpload
from gateway.uploads import announcer
from jaryo_shared.database import by_id

# A claim is written just before its upload, within one request; gunicorn stops any request
# after 120 s. A claim older than this with no upload belongs to a request that died.
CLAIM_SETTLES_WITHIN = timedelta(minutes=5)

# Each deletion of a key's upload adds one generation; this only stops a pathological loop.
_MAX_ATTEMPTS = 1000

Created = tuple[dict[str, Any], list[dict[str, Any]]]


def check_key(key: str) -> None:
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidUpload(
            "Idempotency-Key must be 1 to 255 printable characters", pointer="/Idempotency-Key"
        )


def create_once(
    deps: Dependencies,
    user_id: str,
    key: str,
    upload_id: str,
    create: Callable[[str], Created],
    images_of: Callable[[str], list[dict[str, Any]]],
) -> Created:
    """The upload this key already made, if it is live; else `create(upload_id)` under a new
    claim of the key (the claim is withdrawn if creating fails)."""
    check_key(key)
    generation = 0
    for _attempt in range(_MAX_ATTEMPTS):
        claim_id = f"{user_id}:{key}" + (f"#{generation}" if generation else "")
        try:
            deps.db.idempotency_keys.insert_one(
                {"_id": claim_id, "upload_id": upload_id, "created_at": deps.clock.now()}
            )
        except DuplicateKeyError:
            claim = deps.db.idempotency_keys.find_one({"_id": claim_id})
            if claim is None:
                continue  # withdrawn just now by a request that failed: claim it again
            state, existing = _claimed(deps, claim, user_id)
            if existing is not None:
                announcer.send_owed(deps, existing)
                return existing, images_of(existing["_id"])
            if state == "pending":
                break
            generation += 1  # spent
            continue
        try:
            return create(upload_id)
        except Exception:
            deps.db.idempotency_keys.delete_one({"_id": claim_id})
            raise
    raise IdempotencyConflict("a request with this Idempotency-Key is in progress")


def _claimed(
    deps: Dependencies, claim: dict[str, Any], user_id: str
) -> tuple[str, dict[str, Any] | None]:
    """("live", the upload), ("pending", None) while the claiming request is still writing it,
    or ("spent", None): it was deleted, or was never written and never will be. One read of the
    upload decides, so an upload written between two reads is not mistaken for a deleted one."""
    upload = by_id(deps.db.uploads, claim["upload_id"], user_id=user_id)
    if upload is None:
        young = deps.clock.now() - claim["created_at"] <= CLAIM_SETTLES_WITHIN
        return ("pending" if young else "spent"), None
    # A DELETE records itself before it marks the upload (upload_deletions): either is gone.
    deleted = deps.db.upload_deletions.find_one({"_id": upload["_id"]}) is not None
    if deleted or upload["deleted_at"] is not None:
        return "spent", None
    return "live", upload
