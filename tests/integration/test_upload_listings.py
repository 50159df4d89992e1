"""Uploads recorded before listings existed, on the real FerretDB: provision's backfill lists
each live one once, in order with the new ones, and a deleted one stays out."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

from jaryo_shared import upload_listings
from tests.helpers import png_bytes


def _legacy_upload(user_id: str, minutes_ago: int, **fields) -> dict:
    """As the gateway wrote an upload before listings (no entry anywhere)."""
    return {
        "_id": uuid.uuid4().hex,
        "user_id": user_id,
        "created_at": datetime.now(UTC) - timedelta(minutes=minutes_ago),
        "status": "completed",
        "image_type": "mixed-printed",
        "image_count": 1,
        "deleted_at": None,
        **fields,
    }


def test_uploads_from_before_listings_are_listed_once_beside_new_ones_after_the_backfill(
    client, make_user, db
):
    user = make_user()
    older, deleted = (
        _legacy_upload(user.user_id, 20),
        _legacy_upload(user.user_id, 10, deleted_at=datetime.now(UTC)),
    )
    db.uploads.insert_many([older, deleted])
    data = {"images": (io.BytesIO(png_bytes()), "p.png")}
    created = client.post(
        "/v1/uploads", data=data, headers=user.auth, content_type="multipart/form-data"
    ).get_json()["upload_id"]

    upload_listings.backfill(db)
    upload_listings.backfill(db)  # a second provision adds nothing

    page = client.get("/v1/uploads", headers=user.auth).get_json()
    assert [item["upload_id"] for item in page["items"]] == [created, older["_id"]]
    assert page["items"][1]["status"] == "completed"
