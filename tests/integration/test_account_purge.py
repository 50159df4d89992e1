"""A deleted account over the real servers: a person with an upload read by OCR, a built deck,
a template of their own and a refresh token deletes their account (`DELETE /v1/me`); the
janitor keeps it all through the grace period, then purges it: no document of any collection
names the person (their id or their username, anywhere in it), no object key holds their id,
and `user.deleted` is published once, as the contract says. Another person's things all still
load."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from janitor.bootstrap import bootstrap
from janitor.run import run_once
from janitor.settings import JanitorSettings
from jaryo_shared import events
from jaryo_shared.clock import FixedClock
from tests.integration import pptx_packages as packages
from tests.integration.deck_previews import with_previews

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
SECOND = timedelta(seconds=1)
USER_DELETED = events.UserDeleted.event_type


@pytest.fixture
def janitor(settings, db):
    """A janitor whose clock only moves when told to."""
    made = []

    def make(at):
        deps = bootstrap(
            JanitorSettings(**{**settings.model_dump(), "lease_wait_seconds": 2}), FixedClock(at)
        )
        made.append(deps)
        return deps

    db.leases.delete_many({})
    yield make
    for deps in made:
        deps.publisher.close()


@dataclass
class Things:
    upload_id: str
    deck_location: str
    template_id: str


def _things_of(client, user) -> Things:
    """An upload read by OCR, a deck drafted from it and built (previews too: nothing of it is
    still being written), a template of their own, and a refresh token they have used."""
    image = (FIXTURES / "eng_printed_01_phototest.png").read_bytes()
    posted = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(image), "page.png"), "image_type": "eng-printed"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    upload_id = posted.get_json()["upload_id"]
    read = client.get(f"/v1/uploads/{upload_id}?wait=60", headers=user.auth).get_json()
    assert read["status"] == "completed", read
    asked = client.post(
        "/v1/decks",
        json={"template_id": "clean", "title": "notes", "from_upload": upload_id},
        headers=user.auth,
    )
    assert asked.status_code == 202, asked.get_json()
    location = asked.headers["Location"]
    built = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert built["status"] == "completed", built
    with_previews(client, user, location)
    added = client.post(
        "/v1/templates",
        data={"template": (io.BytesIO(packages.clean()), "mine.pptx"), "name": "mine"},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert added.status_code == 201, added.get_json()
    signed_in = client.post(
        "/v1/auth/token", json={"username": user.username, "password": user.password}
    ).get_json()
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.get_json()
    return Things(upload_id, location, added.get_json()["template_id"])


def _traces(db, store, settings, user) -> dict[str, list[str]]:
    """Every document of any collection holding the person's id or username anywhere in it
    (each serialised whole, so fields added later are covered too), and every object key in
    any bucket holding their id."""
    documents = [
        f"{name}: {text[:300]}"
        for name in sorted(db.list_collection_names())
        for document in db[name].find()
        if user.user_id in (text := json.dumps(document, default=str)) or user.username in text
    ]
    objects = sorted(
        f"{bucket}:{key}"
        for bucket in settings.buckets
        for key in store.keys(bucket)
        if user.user_id in key
    )
    return {"documents": documents, "objects": objects}


def _still_loads(client, user, things: Things) -> None:
    upload = client.get(f"/v1/uploads/{things.upload_id}", headers=user.auth)
    assert upload.status_code == 200 and upload.get_json()["status"] == "completed"
    text = client.get(f"/v1/uploads/{things.upload_id}/text", headers=user.auth)
    assert text.status_code == 200
    deck = client.get(things.deck_location, headers=user.auth).get_json()
    assert deck["status"] == "completed"
    assert client.get(deck["links"]["file"], headers=user.auth).status_code == 200
    listed = client.get("/v1/templates", headers=user.auth).get_json()["items"]
    assert things.template_id in [template["template_id"] for template in listed]


def _purged_accounts(report) -> list[str]:
    return [p.subject for p in report.planned if p.policy == "deleted-accounts"]


def _deleted_users(seen, person) -> list:
    return [(e, p) for e, p in seen if e.type == USER_DELETED and p.user_id == person.user_id]


def test_a_deleted_account_is_purged_after_the_grace_and_nothing_of_it_is_left(
    client, make_user, db, store, settings, workers, deck_worker, janitor, probe
):
    leaving, staying = make_user(), make_user()
    _things_of(client, leaving)
    kept = _things_of(client, staying)
    staying_objects = _traces(db, store, settings, staying)["objects"]
    for person in (leaving, staying):  # as POST /v1/webhooks stores one
        db.webhooks.insert_one(
            {"_id": uuid.uuid4().hex, "user_id": person.user_id, "url": "https://x.test/"}
        )
    probe.drain()
    gone = client.delete("/v1/me", json={"password": leaving.password}, headers=leaving.auth)
    assert gone.status_code == 204, gone.get_json()
    assert client.get("/v1/me", headers=leaving.auth).status_code == 401
    # Its webhooks go at once: no event of its work still under way is sent anywhere.
    assert db.webhooks.count_documents({"user_id": leaving.user_id}) == 0
    assert db.webhooks.count_documents({"user_id": staying.user_id}) == 1
    asked = db.account_deletions.find_one({"_id": leaving.user_id})["requested_at"]
    grace = timedelta(minutes=JanitorSettings().deleted_grace_minutes)
    before = _traces(db, store, settings, leaving)
    held = {trace.partition(":")[0].rstrip("_0123456789") for trace in before["documents"]}
    assert held >= {
        *("uploads", "upload_listings", "images", "ocr_results", "ocr_layouts", "upload_usage"),
        *("decks", "deck_listings", "deck_builds", "templates"),
        *("refresh_tokens", "refresh_redemptions", "account_deletions"),
    }
    assert {f"/{kind}" for kind in ("upload", "deck", "templates/")} == {
        kind
        for kind in ("/upload", "/deck", "/templates/")
        for key in before["objects"]
        if kind in key
    }

    # The suite's other tests delete accounts in this database too: only this one's are judged.
    early = run_once(janitor(asked + grace - SECOND), say=lambda _: None)

    assert leaving.user_id not in _purged_accounts(early)
    assert _traces(db, store, settings, leaving) == before
    assert _deleted_users(probe.drain(), leaving) == []

    late = run_once(janitor(asked + grace + SECOND), say=lambda _: None)

    assert leaving.user_id in _purged_accounts(late)
    assert _traces(db, store, settings, leaving) == {"documents": [], "objects": []}
    seen = probe.until(USER_DELETED)  # each event checked against docs/asyncapi.yaml
    sent = _deleted_users(seen, leaving)
    assert len(sent) == 1
    [(envelope, deleted)] = sent
    assert envelope.id == f"user-deleted-{leaving.user_id}"
    assert envelope.subject == leaving.user_id
    assert isinstance(deleted, events.UserDeleted)
    assert (deleted.user_id, deleted.uploads, deleted.decks, deleted.templates) == (
        leaving.user_id,
        1,
        1,
        1,
    )
    assert deleted.requested_at == asked
    assert deleted.objects == len(before["objects"]) and deleted.bytes > 0
    expired = {type(p).__name__ for e, p in seen if getattr(p, "user_id", None) == leaving.user_id}
    assert expired == {"UploadExpired", "DeckExpired", "UserDeleted"}

    again = run_once(janitor(asked + grace + 2 * SECOND), say=lambda _: None)

    assert leaving.user_id not in _purged_accounts(again)
    assert _deleted_users(probe.drain(), leaving) == []
    _still_loads(client, staying, kept)
    assert _traces(db, store, settings, staying)["objects"] == staying_objects
