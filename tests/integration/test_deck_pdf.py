"""The deck as PDF over the real servers (`GET /v1/decks/{id}/file?format=pdf`): rendered by
the deck service's LibreOffice when first asked for, once per revision, one page per slide, a
file a PDF reader opens; a render that fails is a final problem, never "rendering" for ever."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from deck_service import render
from deck_service.bootstrap import bootstrap as deck_bootstrap
from deck_service.handlers import handlers as deck_handlers
from deck_service.settings import DeckSettings
from jaryo_shared.keys import deck_prefix
from jaryo_shared.read_models.deck_pdfs import pdf_id
from tests.helpers import wait_until

pytestmark = pytest.mark.integration

PDF_REQUESTED = "jaryo.deck.pdf_requested.v1"
PDF_RENDERED = "jaryo.deck.pdf_rendered.v1"


@pytest.fixture
def pdf_worker(settings, run_worker):
    """The deck service without previews: the PDF is all these tests render."""
    deps = deck_bootstrap(DeckSettings(**{**settings.model_dump(), "previews": False}))
    return run_worker("deck", deck_handlers(deps))


def _spec(slides: int, title: str = "발표 Slides") -> dict:
    def slide(n: int) -> dict:
        text = f"슬라이드 {n} — slide {n}"
        box = {"type": "text", "text": text, "x": 0.1, "y": 0.1, "w": 0.8, "h": 0.3, "size": 28}
        return {"layout": "title_body", "elements": [box]}

    return {"template_id": "clean", "title": title, "slides": [slide(n) for n in range(slides)]}


def _built_deck(client, user, slides: int) -> str:
    posted = client.post("/v1/decks", json=_spec(slides), headers=user.auth)
    assert posted.status_code == 202, posted.get_json()
    location = posted.headers["Location"]
    deck = client.get(f"{location}?wait=60", headers=user.auth).get_json()
    assert deck["status"] == "completed", deck
    return location


def _pdf_events(probe, deck_id: str) -> list[str]:
    return [
        envelope.type
        for envelope, payload in probe.drain()
        if envelope.type in (PDF_REQUESTED, PDF_RENDERED) and payload.deck_id == deck_id
    ]


def _pages(pdf: bytes, tmp_path: Path) -> int:
    """What a PDF reader (poppler's pdfinfo) makes of it; it fails on a file it cannot open."""
    path = tmp_path / "deck.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert found, info
    return int(found.group(1))


def test_a_deck_downloads_as_a_pdf_of_one_page_per_slide_rendered_once(
    client, make_user, pdf_worker, db, store, settings, tmp_path
):
    user = make_user()
    location = _built_deck(client, user, 5)
    deck_id = location.rsplit("/", 1)[-1]
    url = f"{location}/file?format=pdf"

    first = client.get(url, headers=user.auth)
    again = client.get(url, headers=user.auth)  # while rendering: no second request

    assert first.status_code == 202, first.get_json()
    assert first.get_json() == {"status": "rendering", "revision": 1}
    assert first.headers["Location"] == url and int(first.headers["Retry-After"]) > 0
    assert "ETag" not in first.headers
    assert again.status_code in (200, 202)
    waited = client.get(f"{url}&wait=60", headers=user.auth)
    assert waited.status_code == 200, waited.get_json()
    assert waited.mimetype == "application/pdf"
    assert waited.headers["ETag"] == '"r1.pdf"'
    assert int(waited.headers["Content-Length"]) == len(waited.data)
    disposition = waited.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith(".pdf")
    assert waited.data.startswith(b"%PDF-")
    assert _pages(waited.data, tmp_path) == 5

    record = db.deck_pdfs.find_one({"_id": pdf_id(deck_id, 1)})
    assert (record["status"], record["attempts"], record["page_count"]) == ("ready", 1, 5)
    key = record["file_path"]
    assert key.startswith(deck_prefix(user.user_id, deck_id)) and key.endswith(".pdf")
    stored = [(o.size, o.last_modified) for o in store.listing(settings.bucket_decks, key)]
    served = client.get(url, headers=user.auth)
    assert served.status_code == 200 and served.data == waited.data
    later = [(o.size, o.last_modified) for o in store.listing(settings.bucket_decks, key)]
    assert stored == later and len(stored) == 1  # the cached object, not rendered again
    assert db.deck_pdf_requests.count_documents({"deck_id": deck_id}) == 1
    assert db.deck_pdfs.find_one({"_id": pdf_id(deck_id, 1)})["attempts"] == 1

    held = {**user.auth, "If-None-Match": '"r1.pdf"'}
    assert client.get(url, headers=held).status_code == 304
    assert client.get(f"{location}/file", headers=held).status_code == 200  # the .pptx differs
    pptx_held = {**user.auth, "If-None-Match": '"r1"'}
    assert client.get(url, headers=pptx_held).status_code == 200


def test_a_pdf_is_requested_and_rendered_once_however_often_it_is_asked_for(
    client, make_user, pdf_worker, probe
):
    user = make_user()
    location = _built_deck(client, user, 2)
    deck_id = location.rsplit("/", 1)[-1]
    url = f"{location}/file?format=pdf"

    anything = {**user.auth, "If-None-Match": "*"}  # holds whatever exists: no PDF yet
    answers = [client.get(url, headers=anything).status_code]
    answers += [client.get(url, headers=user.auth).status_code for _ in range(3)]
    assert client.get(f"{url}&wait=60", headers=user.auth).status_code == 200
    answers.append(client.get(url, headers=user.auth).status_code)

    assert answers[0] == 202 and answers[-1] == 200
    seen: list[str] = []
    wait_until(lambda: seen.extend(_pdf_events(probe, deck_id)) or PDF_RENDERED in seen)
    seen.extend(_pdf_events(probe, deck_id))  # a second event would be here by now
    assert seen == [PDF_REQUESTED, PDF_RENDERED]


def test_another_users_pdf_is_404_an_unknown_format_422_and_an_unbuilt_deck_409(
    client, make_user, pdf_worker, run_worker
):
    owner, other = make_user(), make_user()
    location = _built_deck(client, owner, 1)

    stranger = client.get(f"{location}/file?format=pdf", headers=other.auth)
    docx = client.get(f"{location}/file?format=docx", headers=owner.auth)
    too_long = client.get(f"{location}/file?format=pdf&wait=61", headers=owner.auth)

    assert (stranger.status_code, stranger.get_json()["code"]) == (404, "not-found")
    assert (docx.status_code, docx.get_json()["pointer"]) == (422, "/format")
    assert (too_long.status_code, too_long.get_json()["pointer"]) == (422, "/wait")
    assert client.get(f"{location}/file?format=pptx", headers=owner.auth).status_code == 200


def test_a_pdf_of_a_deck_not_built_yet_is_409(client, make_user):
    user = make_user()
    posted = client.post("/v1/decks", json=_spec(1), headers=user.auth)  # no deck worker runs

    answer = client.get(f"{posted.headers['Location']}/file?format=pdf", headers=user.auth)

    assert (answer.status_code, answer.get_json()["code"]) == (409, "not-ready")


def test_a_pdf_libreoffice_cannot_make_is_a_problem_and_does_not_stay_rendering(
    client, make_user, pdf_worker, monkeypatch, db
):
    def crashes(pptx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
        raise subprocess.CalledProcessError(134, ["soffice"], stderr=b"core dumped")

    monkeypatch.setattr(render, "to_pdf", crashes)
    user = make_user()
    location = _built_deck(client, user, 2)
    deck_id = location.rsplit("/", 1)[-1]
    url = f"{location}/file?format=pdf"

    failed = client.get(f"{url}&wait=60", headers=user.auth)
    again = client.get(url, headers=user.auth)

    assert failed.status_code == 404, failed.get_json()
    problem = failed.get_json()
    assert (problem["code"], problem["failure_code"]) == ("pdf-not-made", "pdf-render-failed")
    assert "could not be made" in problem["detail"]
    assert again.status_code == 404 and again.get_json()["code"] == "pdf-not-made"
    record = db.deck_pdfs.find_one({"_id": pdf_id(deck_id, 1)})
    assert (record["status"], record["attempts"]) == ("failed", 1)


def test_an_edited_deck_gets_the_pdf_of_its_new_revision(client, make_user, pdf_worker, tmp_path):
    user = make_user()
    location = _built_deck(client, user, 1)
    url = f"{location}/file?format=pdf&wait=60"
    assert client.get(url, headers=user.auth).headers["ETag"] == '"r1.pdf"'

    edited = client.put(
        f"{location}/spec", json=_spec(3, "Edited"), headers={**user.auth, "If-Match": '"r1"'}
    )
    assert edited.status_code == 202
    assert client.get(f"{location}?wait=60", headers=user.auth).get_json()["built_revision"] == 2
    second = client.get(url, headers=user.auth)

    assert second.status_code == 200 and second.headers["ETag"] == '"r2.pdf"'
    assert _pages(second.data, tmp_path) == 3
    assert "edited.pdf" in second.headers["Content-Disposition"]  # its new title
