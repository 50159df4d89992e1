"""What the editor's browser tests share: a person and their decks made through the API, signing
in through the page, and opening the editor by the app's own navigation (a reload would drop the
in-memory session)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
from playwright.sync_api import Page, expect

from tests.helpers import wait_until

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "ocr" / "eng_printed_01_phototest.png"
PASSWORD = "correct horse battery"


@dataclass
class Person:
    served: str
    username: str
    token: str

    def call(self, method: str, path: str, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        # Long enough for the API's `?wait=60` to answer first.
        kwargs.setdefault("timeout", urllib3.Timeout(connect=5, read=90))
        return urllib3.request(method, self.served + path, headers=headers, **kwargs)

    def spec(self, deck_id: str) -> dict[str, Any]:
        answer = self.call("GET", f"/v1/decks/{deck_id}/spec")
        assert answer.status == 200, answer.data
        return json.loads(answer.data)

    def drafted_deck(self, template_id: str = "clean") -> str:
        """A deck drafted from one uploaded sample image (its picture behind its text)."""
        upload = self.call(
            "POST",
            "/v1/uploads",
            fields={"image_type": "eng-printed", "images": (SAMPLE.name, SAMPLE.read_bytes())},
        )
        assert upload.status == 202, upload.data
        upload_id = json.loads(upload.data)["upload_id"]
        done = self.call("GET", f"/v1/uploads/{upload_id}?wait=60")
        assert json.loads(done.data)["status"] == "completed", done.data
        body = {"template_id": template_id, "title": "편집 Editor", "from_upload": upload_id}
        return self.new_deck({**body, "with_images": True})

    def new_deck(self, body: dict[str, Any]) -> str:
        answer = self.call("POST", "/v1/decks", json=body)
        assert answer.status == 202, answer.data
        return str(json.loads(answer.data)["deck_id"])


def stored_image(person: Person, raw: bytes) -> tuple[str, str]:
    """An image of the person's (upload id, image id), once storage has stored it (no OCR worker
    needs to run)."""
    upload = person.call("POST", "/v1/uploads", fields={"images": ("photo.png", raw)})
    assert upload.status == 202, upload.data
    upload_id = json.loads(upload.data)["upload_id"]

    def stored() -> str | None:
        [image] = json.loads(person.call("GET", f"/v1/uploads/{upload_id}").data)["images"]
        return image["image_id"] if image["storage"]["status"] == "stored" else None

    return upload_id, wait_until(stored, timeout=60)


def one_box_deck(person: Person) -> str:
    """A deck of one slide with one text box at (0.1, 0.1), 0.5 x 0.2 of the slide."""
    box = {"type": "text", "text": "자료 Jaryo", "x": 0.1, "y": 0.1, "w": 0.5, "h": 0.2}
    slides = [{"layout": "blank", "elements": [box]}]
    return person.new_deck({"template_id": "paper", "title": "One box", "slides": slides})


def registered(served: str) -> Person:
    username = f"edit-{uuid.uuid4().hex[:10]}"
    body = {"username": username, "password": PASSWORD}
    created = urllib3.request("POST", served + "/v1/auth/register", json=body)
    assert created.status == 201, created.data
    token = urllib3.request("POST", served + "/v1/auth/token", json=body)
    assert token.status == 200, token.data
    return Person(served, username, json.loads(token.data)["access_token"])


def open_editor(page: Page, person: Person, deck_id: str, expect_canvas: bool = True) -> None:
    """Signs in through the page, then follows the app's route to the deck's editor."""
    page.goto(person.served + "/sign-in")
    page.locator("input[name=username]").fill(person.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    page.evaluate(
        """(path) => { history.pushState(null, "", path);
                       dispatchEvent(new PopStateEvent("popstate")); }""",
        f"/decks/{deck_id}/edit",
    )
    if expect_canvas:
        expect(page.locator(".slide-canvas canvas")).to_be_visible()
