"""Decks under failure, over the real servers: a deck worker killed mid-build and again while
it renders the previews, a deck whose image is gone by the time it is built, and a template
python-pptx cannot build on."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys

import pytest

from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from tests.helpers import png_bytes, wait_until
from tests.integration import pptx_packages as packages
from tests.integration.processes import service_env

pytestmark = pytest.mark.integration

BIG = {
    "template_id": "paper",
    "title": "Two hundred slides",
    "slides": [
        {
            "layout": "title_body",
            "elements": [
                {
                    "type": "text",
                    "text": f"슬라이드 {n} — slide {n}",
                    "x": 0.1,
                    "y": 0.1,
                    "w": 0.8,
                    "h": 0.3,
                    "size": 30,
                },
            ],
        }
        for n in range(200)
    ],
}


def _start_deck_service(settings) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "deck_service"],
        env=service_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # LibreOffice runs as its child: kill the whole group
    )


def _kill(service: subprocess.Popen) -> None:
    os.killpg(service.pid, signal.SIGKILL)
    service.wait(timeout=10)


def test_deck_worker_killed_mid_build_and_mid_render_finishes_both_once(
    client, make_user, settings, db, store, probe, purge_queues
):
    purge_queues()
    user = make_user()
    response = client.post("/v1/decks", json=BIG, headers=user.auth)
    assert response.status_code == 202
    deck_id = response.get_json()["deck_id"]

    def state() -> tuple[str, str | None]:
        build = db.deck_builds.find_one({"_id": deck_id}) or {"status": "queued"}
        return build["status"], build.get("previews_status")

    def completed_and_announced() -> bool:
        """Built, and deck.completed sent and cleared from the outbox: a kill between the send
        and the clear would have the event sent again (at least once, by its id), which is not
        what this test is after."""
        build = db.deck_builds.find_one({"_id": deck_id}) or {}
        return state() == ("completed", "pending") and not build.get("outbox")

    service = _start_deck_service(settings)
    try:
        wait_until(lambda: state()[0] == "building", timeout=60, interval=0.05)
        _kill(service)  # while it builds the 200 slides
        assert state()[0] == "building", "it finished before it could be killed"
        service = _start_deck_service(settings)
        wait_until(completed_and_announced, timeout=180, interval=0.05)
        _kill(service)  # while it renders the 200 previews, after deck.completed
        assert state() == ("completed", "pending"), "the previews were made before the kill"
        service = _start_deck_service(settings)
        wait_until(lambda: state()[1] == "ready", timeout=400, interval=0.3)
        # The event is published just after that write: the service must live until it is.
        seen = probe.until("jaryo.deck.previews_ready.v1", timeout=60)
    finally:
        if service.poll() is None:
            _kill(service)

    deck = db.deck_builds.find_one({"_id": deck_id})
    assert deck["attempts"] == 2 and deck["preview_count"] == 200
    keys = list(store.keys(settings.bucket_decks, f"{user.user_id}/deck{deck_id}/"))
    assert [k for k in keys if k.endswith(".pptx")] == [deck["file_path"]]
    assert len([k for k in keys if "/previews/" in k]) == 200

    def about_the_deck(event_type: str) -> list:
        return [p for e, p in seen if e.type == event_type and p.deck_id == deck_id]

    completed = about_the_deck("jaryo.deck.completed.v1")
    assert len(completed) == 1 and completed[0].slide_count == 200
    ready = about_the_deck("jaryo.deck.previews_ready.v1")
    assert [(p.revision, p.preview_count) for p in ready] == [(1, 200)]


def test_deck_whose_image_is_gone_fails_with_a_reason_the_person_can_act_on(
    client, make_user, settings, db, workers, run_worker, probe
):
    user = make_user()
    upload = client.post(
        "/v1/uploads",
        data={"image0": (io.BytesIO(png_bytes(200, 100)), "photo.png")},
        headers=user.auth,
        content_type="multipart/form-data",
    ).get_json()
    image_id = client.get(
        f"/v1/uploads/{upload['upload_id']}?wait=60", headers=user.auth
    ).get_json()["images"][0]["image_id"]
    spec = {
        "template_id": "clean",
        "title": "t",
        "slides": [
            {
                "elements": [
                    {"type": "image", "image_id": image_id, "x": 0, "y": 0, "w": 0.5, "h": 0.5}
                ]
            }
        ],
    }
    location = client.post("/v1/decks", json=spec, headers=user.auth).headers["Location"]
    db.images.delete_one({"_id": image_id})  # purged before the deck service got to it

    deps = deck_bootstrap(DeckSettings(**settings.model_dump()))
    run_worker("deck", deck_handlers(deps))
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()

    assert deck["status"] == "failed"
    assert deck["reason"] == f"the image {image_id} is no longer available; remove it from the deck"
    assert "file" not in deck["links"]
    assert client.get(f"{location}/file", headers=user.auth).status_code == 409
    seen = probe.until("jaryo.deck.failed.v1")
    assert [p.reason for e, p in seen if e.type == "jaryo.deck.failed.v1"] == [deck["reason"]]
    assert deck["code"] == "deck-image-gone"
    assert [p.code for e, p in seen if e.type == "jaryo.deck.failed.v1"] == ["deck-image-gone"]


def test_deck_on_a_template_python_pptx_cannot_use_fails_at_once_with_a_reason(
    client, make_user, db, deck_worker, probe
):
    """The template opens and lists its layouts, so it was accepted; its placeholders have a
    type python-pptx cannot clone. Retrying cannot help: the first delivery fails the deck."""
    user = make_user()
    added = client.post(
        "/v1/templates",
        data={"template": (io.BytesIO(packages.unknown_placeholder_type()), "odd.pptx")},
        headers=user.auth,
        content_type="multipart/form-data",
    )
    assert added.status_code == 201, added.get_json()
    spec = {
        "template_id": added.get_json()["template_id"],
        "title": "on an odd template",
        "slides": [{"layout": "title", "elements": []}],
    }
    location = client.post("/v1/decks", json=spec, headers=user.auth).headers["Location"]

    deck = client.get(f"{location}?wait=30", headers=user.auth).get_json()

    assert deck["status"] == "failed", deck
    assert deck["reason"].startswith("your template could not be used for this deck")
    assert "pick a built-in template" in deck["reason"]
    assert deck["code"] == "template-unusable"
    assert db.deck_builds.find_one({"_id": deck["deck_id"]})["attempts"] == 1
    seen = probe.until("jaryo.deck.failed.v1")
    failed = [p for e, p in seen if e.type == "jaryo.deck.failed.v1"]
    assert [p.deck_id for p in failed] == [deck["deck_id"]]
