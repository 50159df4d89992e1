"""`GET /v1/decks` over the real servers, read from the owner's listing partition
(jaryo_shared.deck_listings): a deck shows what it showed before listings, queued while no
worker builds it, its new revision as soon as a PUT claims it, the same once its build settled
and is served from the partition, never to another person, and never once deleted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from jaryo_shared import deck_listings
from jaryo_shared.read_models.decks import revision_id
from tests.helpers import wait_until
from tests.integration.deck_previews import with_previews

pytestmark = pytest.mark.integration


def _spec(title: str) -> dict:
    box = {"type": "text", "text": title, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.3, "size": 28}
    return {"template_id": "clean", "title": title, "slides": [{"elements": [box]}]}


def _post(client, user, title: str) -> str:
    response = client.post("/v1/decks", json=_spec(title), headers=user.auth)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["deck_id"]


def _listed(client, user) -> list[dict]:
    response = client.get("/v1/decks", query_string={"limit": 100}, headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_a_new_deck_is_listed_queued_to_its_owner_alone_and_leaves_at_once_when_deleted(
    client, make_user
):
    owner, other = make_user(), make_user()
    first, second = _post(client, owner, "One"), _post(client, owner, "Two")

    listed = _listed(client, owner)
    assert [(d["deck_id"], d["status"], d["revision"]) for d in listed] == [
        (second, "queued", 1),
        (first, "queued", 1),
    ]
    assert _listed(client, other) == []
    assert client.delete(f"/v1/decks/{first}", headers=other.auth).status_code == 404
    assert len(_listed(client, owner)) == 2

    assert client.delete(f"/v1/decks/{first}", headers=owner.auth).status_code == 204
    assert [d["deck_id"] for d in _listed(client, owner)] == [second]


def test_a_settled_deck_is_listed_as_its_own_page_shows_it_then_from_its_partition(
    client, make_user, deck_worker, db
):
    user = make_user()
    deck_id = _post(client, user, "Built")
    shown = with_previews(client, user, f"/v1/decks/{deck_id}")

    [looked_up] = _listed(client, user)  # the build is read, then marked settled
    [marked] = deck_listings.of_user(db, user.user_id)
    assert marked.settled is not None and marked.settled["status"] == "completed"
    [from_partition] = _listed(client, user)

    assert from_partition == looked_up
    same = ("status", "revision", "built_revision", "size", "previews_status", "previews")
    assert {key: looked_up.get(key) for key in same} == {key: shown.get(key) for key in same}


def test_a_revision_is_listed_as_soon_as_its_put_is_accepted_then_with_its_build(
    client, make_user, deck_worker
):
    user = make_user()
    deck_id = _post(client, user, "First")
    location = f"/v1/decks/{deck_id}"
    with_previews(client, user, location)
    assert _listed(client, user)[0]["revision"] == 1  # settled, served from its mark

    put = client.put(
        f"{location}/spec", json=_spec("Second"), headers={**user.auth, "If-Match": '"r1"'}
    )
    assert put.status_code == 202, put.get_json()

    [deck] = _listed(client, user)
    assert (deck["revision"], deck["title"]) == (2, "Second")
    assert deck["status"] in ("queued", "building", "completed")

    def built() -> dict | None:
        [deck] = _listed(client, user)
        return deck if deck.get("built_revision") == 2 else None

    deck = wait_until(built, timeout=60, interval=0.2)
    assert (deck["status"], deck["revision"]) == ("completed", 2)


def test_decks_from_before_listings_are_listed_once_beside_new_ones_after_the_backfill(
    client, make_user, db
):
    user = make_user()
    created_at = datetime.now(UTC) - timedelta(minutes=10)
    legacy = {  # as the gateway wrote a deck and its revision 2 before listings
        "_id": uuid.uuid4().hex,
        "user_id": user.user_id,
        "title": "Old",
        "template_id": "clean",
        "spec": _spec("Old"),
        "slide_count": 1,
        "status": "queued",
        "created_at": created_at,
        "deleted_at": None,
    }
    db.decks.insert_many([legacy, {**legacy, "_id": uuid.uuid4().hex, "deleted_at": created_at}])
    db.deck_revisions.insert_one(
        {
            "_id": revision_id(legacy["_id"], 2),
            "deck_id": legacy["_id"],
            "user_id": user.user_id,
            "revision": 2,
            "title": "Edited",
            "template_id": "clean",
            "spec": _spec("Edited"),
            "slide_count": 1,
            "created_at": created_at,
        }
    )
    new = _post(client, user, "New")

    deck_listings.backfill(db)
    deck_listings.backfill(db)  # a second provision adds nothing

    listed = _listed(client, user)
    assert [(d["deck_id"], d["revision"], d["title"]) for d in listed] == [
        (new, 1, "New"),
        (legacy["_id"], 2, "Edited"),
    ]
