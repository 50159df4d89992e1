"""Whether uploads are deleted, as readers other than the gateway see it (a deck may not place
the images of a deleted upload). The gateway records a DELETE in `upload_deletions` before it
marks the upload (jaryo_shared.upload_deletions says why)."""

from __future__ import annotations

from pymongo.database import Database


def deleted_among(db: Database, upload_ids: list[str]) -> set[str]:
    """Which of these uploads are deleted (or purged): gone for every route. The deletion record
    counts even if the upload's own write was lost."""
    if not upload_ids:
        return set()
    alive = {
        u["_id"]
        for u in db.uploads.find({"_id": {"$in": upload_ids}, "deleted_at": None}, {"_id": 1})
    }
    recorded = {
        d["_id"] for d in db.upload_deletions.find({"_id": {"$in": upload_ids}}, {"_id": 1})
    }
    return (set(upload_ids) - alive) | recorded
