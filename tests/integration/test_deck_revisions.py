"""Deck revisions over the real servers: an edit PUT to a deck's spec is stored as the next
revision and built, the deck and its file follow it, and If-Match keeps two editors from
silently overwriting each other, even when twenty of them race."""

from __future__ import annotations

import io
import threading

import pytest
from pptx import Presentation

from deck_service import render
from jaryo_shared.keys import deck_prefix
from tests.integration.deck_previews import with_previews

pytestmark = pytest.mark.integration


def _spec(text: str, title: str = "Revisions", *more: str) -> dict:
    def slide(text: str) -> dict:
        box = {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.3, "size": 28}
        return {"elements": [box]}

    return {"template_id": "clean", "title": title, "slides": [slide(t) for t in (text, *more)]}


def _texts(client, user, deck: dict) -> list[str]:
    response = client.get(deck["links"]["file"], headers=user.auth)
    assert response.status_code == 200
    deck_file = Presentation(io.BytesIO(response.data))
    return [shape.text_frame.text for shape in deck_file.slides[0].shapes if shape.has_text_frame]


def _post(client, user, spec: dict) -> str:
    response = client.post("/v1/decks", json=spec, headers=user.auth)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["revision"] == 1
    return response.headers["Location"]


def _put(client, user, location: str, spec: dict, if_match: str | None):
    headers = dict(user.auth) | ({"If-Match": if_match} if if_match is not None else {})
    return client.put(f"{location}/spec", json=spec, headers=headers)


def _finished(client, user, location: str) -> dict:
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    return deck


def test_an_edited_spec_is_built_as_revision_2_and_the_deck_serves_the_new_file(
    client, make_user, deck_worker
):
    user = make_user()
    location = _post(client, user, _spec("처음 First"))
    first = _finished(client, user, location)
    spec = client.get(f"{location}/spec", headers=user.auth)
    assert (first["revision"], first["built_revision"], spec.headers["ETag"]) == (1, 1, '"r1"')

    edited = _put(client, user, location, _spec("고친 Edited", title="Edited"), '"r1"')

    assert edited.status_code == 202, edited.get_json()
    assert edited.get_json() == {"deck_id": first["deck_id"], "status": "queued", "revision": 2}
    assert (edited.headers["ETag"], edited.headers["Location"]) == ('"r2"', location)
    second = _finished(client, user, location)
    assert (second["revision"], second["built_revision"], second["title"]) == (2, 2, "Edited")
    assert _texts(client, user, second) == ["고친 Edited"]
    now = client.get(f"{location}/spec", headers=user.auth)
    assert now.headers["ETag"] == '"r2"'
    assert now.get_json()["slides"][0]["elements"][0]["text"] == "고친 Edited"
    held = {**user.auth, "If-None-Match": '"r2"'}
    assert client.get(f"{location}/spec", headers=held).status_code == 304
    assert client.get(second["links"]["file"], headers=held).status_code == 304
    assert client.get(location, headers=user.auth).headers["ETag"] == '"r2"'


def test_a_revision_shows_its_changed_slide_anew_and_keeps_the_unchanged_ones_previews(
    client, make_user, deck_worker, monkeypatch
):
    rendered: list[int] = []  # slides LibreOffice rendered, per render
    real_render = render.to_pngs

    def counted_render(*args, **kwargs):
        pngs = real_render(*args, **kwargs)
        rendered.append(len(pngs))
        return pngs

    monkeypatch.setattr(render, "to_pngs", counted_render)
    user = make_user()
    location = _post(client, user, _spec("같은 Same", "Previews", "바뀔 Before"))
    _finished(client, user, location)
    first = with_previews(client, user, location)
    before = [client.get(url, headers=user.auth).data for url in first["previews"]]

    edited = _spec("같은 Same", "Previews", "바뀐 After — a longer line now")
    assert _put(client, user, location, edited, '"r1"').status_code == 202
    _finished(client, user, location)
    second = with_previews(client, user, location)

    assert (second["built_revision"], second["previews_status"]) == (2, "ready")
    assert rendered == [2, 1]  # the whole first deck, then only the changed slide
    after = [client.get(url, headers=user.auth).data for url in second["previews"]]
    assert after[0] == before[0]
    assert after[1] != before[1] and after[1].startswith(b"\x89PNG")


def test_an_edit_without_if_match_is_428_and_a_stale_one_412_and_neither_is_stored(
    client, make_user, db
):
    user = make_user()
    location = _post(client, user, _spec("one"))

    missing = _put(client, user, location, _spec("two"), None)
    star = _put(client, user, location, _spec("two"), "*")  # names no revision
    stale = _put(client, user, location, _spec("two"), '"r7"')
    weak = _put(client, user, location, _spec("two"), 'W/"r1"')
    invalid = _put(client, user, location, {**_spec("two"), "slides": "none"}, '"r1"')

    assert missing.status_code == star.status_code == 428
    assert missing.get_json()["code"] == star.get_json()["code"] == "precondition-required"
    assert missing.mimetype == "application/problem+json"
    for refused in (stale, weak):
        assert refused.status_code == 412
        assert refused.get_json()["code"] == "precondition-failed"
        assert (refused.get_json()["revision"], refused.headers["ETag"]) == (1, '"r1"')
    assert invalid.status_code == 422 and invalid.get_json()["pointer"] == "/slides"
    assert db.deck_revisions.count_documents({"user_id": user.user_id}) == 0
    assert client.get(location, headers=user.auth).get_json()["revision"] == 1


def test_twenty_racing_edits_of_one_revision_have_exactly_one_winner(app, make_user, db):
    user = make_user()
    location = _post(app.test_client(), user, _spec("base"))
    statuses: list[int] = []
    start = threading.Barrier(20)

    def edit(number: int) -> None:
        start.wait()
        answer = _put(app.test_client(), user, location, _spec(f"edit {number}"), '"r1"')
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [202] + [412] * 19
    deck = app.test_client().get(location, headers=user.auth).get_json()
    assert deck["revision"] == 2
    assert db.deck_revisions.count_documents({"user_id": user.user_id}) == 1


def test_another_users_deck_cannot_be_edited_or_probed(client, make_user, db):
    owner, other = make_user(), make_user()
    location = _post(client, owner, _spec("mine"))

    for if_match in ('"r1"', None):
        answer = _put(client, other, location, _spec("theirs"), if_match)
        assert answer.status_code == 404, answer.get_json()
    assert db.deck_revisions.count_documents({"deck_id": location.rsplit("/", 1)[-1]}) == 0
    assert client.get(location, headers=owner.auth).get_json()["revision"] == 1


def test_older_revisions_messages_are_skipped_and_only_the_latest_is_built(
    request, client, make_user, store, settings, db
):
    user = make_user()
    location = _post(client, user, _spec("one"))
    assert _put(client, user, location, _spec("two"), '"r1"').status_code == 202
    assert _put(client, user, location, _spec("three"), '"r2"').status_code == 202
    request.getfixturevalue("deck_worker")  # the three messages wait for it in order

    deck = _finished(client, user, location)

    assert (deck["revision"], deck["built_revision"]) == (3, 3)
    assert _texts(client, user, deck) == ["three"]
    deck_id = deck["deck_id"]
    kept = list(store.keys(settings.bucket_decks, deck_prefix(user.user_id, deck_id)))
    assert kept and all(key.startswith(f"{deck_prefix(user.user_id, deck_id)}r3/") for key in kept)
    assert db.deck_builds.find_one({"_id": deck_id})["attempts"] == 1
