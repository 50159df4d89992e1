"""A person fixes a photo's page corners, in a real browser against the real gateway and workers
(the OCR worker with its capture step on): a phone photo of a page on a desk is uploaded through
the app and read; "Adjust page corners" shows the photo with the found page's corners as handles;
corners that cross are refused before sending; one handle moved by the keyboard and one dragged by
the mouse are sent with "Read again", and the image is read again from them: the app shows the new
page, and the API says the corners are the person's. A deck drafted with the photo behind its text
places the page (`variant: page`), and the editor draws the page, not the photo on the desk.

The screenshot of the corner editor goes to the test's tmp_path, or to JARYO_E2E_SCREENSHOTS when
set (`JARYO_E2E_SCREENSHOTS=docs/screenshots` retakes the documentation's `page-corners.png`)."""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import urllib3
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from ocr_service.settings import OcrSettings
from tests.e2e.editor_support import open_editor, registered
from tests.e2e.test_pages_journey import _no_serious_violation
from tests.helpers import wait_until
from tests.unit.test_capture import photo_of_page

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
NAMES = ["Top-left corner", "Top-right corner", "Bottom-right corner", "Bottom-left corner"]
STEP = 0.005  # an arrow key's move (web/src/pages/corners.ts)
READ_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def ocr_settings(settings) -> OcrSettings:
    """The OCR worker of `workers`, with its capture step on (the default, said here because
    the test is about it)."""
    return OcrSettings(**{**settings.model_dump(), "ocr_timeout_seconds": 30, "ocr_capture": True})


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JARYO_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _phone_photo(folder: Path) -> Path:
    """The unit tests' page on a desk (tests/unit/test_capture.py), seen at an angle, as a JPEG."""
    path = folder / "desk.jpg"
    Image.fromarray(photo_of_page(np.random.default_rng(5))).save(path, "JPEG", quality=90)
    return path


def _signed_up(browser, served: str) -> tuple[Page, str]:
    """A new person, signed up and signed in through the page; the page and their token."""
    username = f"corners-{uuid.uuid4().hex[:10]}"
    # The page's policy allows no injected script; axe is the test's, not the app's.
    page = browser.new_context(locale="en-US", bypass_csp=True).new_page()
    page.goto(served + "/sign-up")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    body = {"username": username, "password": PASSWORD}
    token = urllib3.request("POST", served + "/v1/auth/token", json=body)
    assert token.status == 200, token.data
    return page, json.loads(token.data)["access_token"]


def _upload(served: str, token: str, upload_id: str, wait: int = 0) -> dict[str, Any]:
    answer = urllib3.request(
        "GET",
        f"{served}/v1/uploads/{upload_id}?wait={wait}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=urllib3.Timeout(connect=5, read=wait + 30),
    )
    assert answer.status == 200, answer.data
    return json.loads(answer.data)


def _xy(corner: Any) -> tuple[float, float]:
    """A corner as the API gives it: `{"x", "y"}` (or an `[x, y]` pair)."""
    return (corner["x"], corner["y"]) if isinstance(corner, dict) else (corner[0], corner[1])


def _centre(handle: Locator, photo: Locator) -> tuple[float, float]:
    """Where a handle's centre is, as fractions of the photo shown."""
    box, frame = handle.bounding_box(), photo.bounding_box()
    assert box and frame
    return (
        (box["x"] + box["width"] / 2 - frame["x"]) / frame["width"],
        (box["y"] + box["height"] / 2 - frame["y"]) / frame["height"],
    )


def _drag(page: Page, handle: Locator, to: tuple[float, float]) -> None:
    """Drags a handle with the mouse to a point of the page (pixels)."""
    box = handle.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(*to, steps=8)
    page.mouse.up()


def _uploaded_and_read(page: Page, photo: Path) -> str:
    page.get_by_label("What the images show").select_option("eng-printed")
    page.get_by_label("Images or PDFs", exact=True).set_input_files(photo)
    page.get_by_role("button", name="Upload", exact=True).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Accepted: 1 image\(s\), upload \w+"))
    expect(status).to_contain_text("Status: completed", timeout=READ_TIMEOUT_MS)
    page.get_by_role("link", name="See the text and boxes").click()
    expect(page).to_have_url(re.compile(r"/uploads/\w+$"))
    return page.url.rsplit("/", 1)[1]


def _crossed_corners_are_refused(page: Page, editor: Locator, photo: Locator) -> None:
    frame = photo.bounding_box()
    assert frame
    top_left = editor.get_by_role("button", name=NAMES[0])
    _drag(page, top_left, (frame["x"] + 0.9 * frame["width"], frame["y"] + 0.9 * frame["height"]))
    expect(editor).to_contain_text("The corners must go round the page in order")
    expect(editor.get_by_role("button", name="Read again")).to_be_disabled()
    editor.get_by_role("button", name="Reset the corners").click()
    expect(editor.get_by_role("button", name="Read again")).to_be_enabled()


def test_a_person_moves_a_photos_page_corners_and_it_is_read_again(
    browser, served, workers, tmp_path
):
    folder = _screenshots(tmp_path)
    page, token = _signed_up(browser, served)
    page.set_viewport_size({"width": 1280, "height": 1000})
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    pages_fetched: list[str] = []
    page.on("response", lambda r: pages_fetched.append(r.url) if "/page?" in r.url else None)

    upload_id = _uploaded_and_read(page, _phone_photo(tmp_path))
    before = _upload(served, token, upload_id)["images"][0]
    found = before["ocr"]["page"]
    assert found["source"] == "found" and found["corners"] is not None, found
    article = page.get_by_role("article", name="desk.jpg")
    # The boxes are fractions of the page: the results draw them over the page, not the photo.
    expect(article.get_by_role("img", name="desk.jpg, with the text found on it")).to_be_visible()
    assert any(url.endswith(before["links"]["page"]) for url in pages_fetched), pages_fetched

    article.get_by_role("button", name="Adjust page corners").click()
    editor = article.get_by_role("region", name="Page corners of desk.jpg")
    photo = editor.get_by_role("img", name="desk.jpg, the photo as it was taken")
    expect(photo).to_be_visible()
    for name, corner in zip(NAMES, map(_xy, found["corners"]), strict=True):
        x, y = _centre(editor.get_by_role("button", name=name), photo)
        assert abs(x - corner[0]) <= 0.02 and abs(y - corner[1]) <= 0.02, (name, x, y, corner)
    editor.scroll_into_view_if_needed()
    editor.screenshot(path=folder / "page-corners.png")
    _no_serious_violation(page)
    _crossed_corners_are_refused(page, editor, photo)

    # The top-right corner two steps left by the keyboard; the bottom-left dragged 1 % right.
    top_right = editor.get_by_role("button", name=NAMES[1])
    top_right.focus()
    top_right.press("ArrowLeft")
    top_right.press("ArrowLeft")
    frame = photo.bounding_box()
    assert frame
    bottom_left = editor.get_by_role("button", name=NAMES[3])
    x, y = _centre(bottom_left, photo)
    dragged_to = (x + 0.01, y)
    _drag(
        page,
        bottom_left,
        (frame["x"] + (x + 0.01) * frame["width"], frame["y"] + y * frame["height"]),
    )
    with page.expect_response(lambda r: r.request.method == "PUT") as sent:
        editor.get_by_role("button", name="Read again").click()
    assert sent.value.status == 202, sent.value.text()

    after = _upload(served, token, upload_id, wait=60)
    assert after["status"] == "completed", after
    (image,) = after["images"]
    given = image["ocr"]["page"]
    assert given["source"] == "person", given
    corners = np.array([_xy(corner) for corner in given["corners"]])
    expected = np.array([_xy(corner) for corner in found["corners"]])
    expected[1, 0] -= 2 * STEP
    expected[3, 0] = dragged_to[0]
    assert np.abs(corners[:3] - expected[:3]).max() <= 0.001, (corners, expected)
    assert np.abs(corners[3] - expected[3]).max() <= 0.005, (corners, expected)
    assert image["links"]["page"] != before["links"]["page"]
    assert "Quarterly figures 2026" in image["ocr"]["text"], image["ocr"]["text"]

    # The app follows the reading and shows the new page and its text.
    expect(page.get_by_text("Status: read")).to_be_visible(timeout=READ_TIMEOUT_MS)
    expect(article.get_by_role("img", name="desk.jpg, with the text found on it")).to_be_visible()
    expect(article.get_by_role("list", name="Lines of desk.jpg")).to_contain_text(
        "Quarterly figures 2026"
    )
    expect(article.get_by_role("button", name="Adjust page corners")).to_be_visible()
    for _ in range(100):  # the page made again is fetched by its new link, not taken from a cache
        if any(url.endswith(image["links"]["page"]) for url in pages_fetched):
            break
        page.wait_for_timeout(100)
    assert any(url.endswith(image["links"]["page"]) for url in pages_fetched), pages_fetched
    page.screenshot(path=tmp_path / "results-read-again.png", full_page=True)
    page.context.close()
    assert console_errors == []


def _canvas_pixel(page: Page, x: float, y: float) -> tuple[int, ...]:
    """The canvas's colour at (x, y), fractions of the slide."""
    shot = page.locator(".slide-canvas canvas").first.screenshot()
    canvas = Image.open(io.BytesIO(shot)).convert("RGB")
    return canvas.getpixel((int(x * canvas.width), int(y * canvas.height)))


def test_the_editor_draws_a_drafted_photo_from_its_page(browser, served, workers, tmp_path):
    person = registered(served)
    photo = _phone_photo(tmp_path)
    fields = {"image_type": "eng-printed", "images": (photo.name, photo.read_bytes())}
    answer = person.call("POST", "/v1/uploads", fields=fields)
    assert answer.status == 202, answer.data
    upload_id = json.loads(answer.data)["upload_id"]
    assert _upload(served, person.token, upload_id, wait=60)["status"] == "completed"
    body = {"template_id": "clean", "title": "Desk", "from_upload": upload_id}
    deck_id = person.new_deck({**body, "background": "photo"})
    [picture] = [e for e in person.spec(deck_id)["slides"][0]["elements"] if e["type"] == "image"]
    assert picture["variant"] == "page", picture
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})

    open_editor(page, person, deck_id)

    # Just inside the picture's top-left corner: the page's paper, where the photo has the desk.
    near_corner = (picture["x"] + 0.03 * picture["w"], picture["y"] + 0.03 * picture["h"])
    assert wait_until(lambda: min(_canvas_pixel(page, *near_corner)) > 180, timeout=20)
    page.close()
