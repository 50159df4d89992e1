"""The slide editor in a real browser: a deck drafted from an uploaded image is edited (a box
dragged, its text typed in Korean, its size and colour changed) and autosaved, and the API's spec
holds exactly that. Screenshots of each step are written to the test's tmp_path."""

from __future__ import annotations

import io
import json

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.editor_support import one_box_deck, open_editor, registered
from tests.e2e.test_accessibility import _serious_violations
from tests.integration.conftest import deck_worker  # noqa: F401

pytestmark = pytest.mark.integration

SLIDE_TOLERANCE = 0.005  # 0.5 % of the slide


def _shot(page: Page, folder, step: str) -> None:
    page.screenshot(path=folder / f"{step}.png", full_page=True)


def _first_text(spec: dict) -> tuple[int, dict]:
    elements = spec["slides"][0]["elements"]
    index = next(i for i, element in enumerate(elements) if element["type"] == "text")
    return index, elements[index]


def _room(start: float, extent: float) -> float:
    """A move along one axis (slide fractions) that keeps the box on the slide: a tenth of the
    slide, or most of the room there is, on the side with more of it."""
    after, before = 1 - (start + extent), start
    return min(0.1, 0.8 * after) if after >= before else -min(0.1, 0.8 * before)


def _drag(page: Page, box: dict, dx: float, dy: float) -> None:
    """Drags the slide box `box` (fractions) by (dx, dy) pixels of the canvas, in small steps."""
    canvas = page.locator(".slide-canvas canvas").first.bounding_box()
    assert canvas is not None
    x = canvas["x"] + (box["x"] + box["w"] / 2) * canvas["width"]
    y = canvas["y"] + (box["y"] + box["h"] / 2) * canvas["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=12)
    page.mouse.up()


@pytest.mark.usefixtures("deck_worker")
def test_a_drafted_deck_is_edited_in_the_browser_and_autosaved(browser, served, workers, tmp_path):
    person = registered(served)
    deck_id = person.drafted_deck()
    before = person.spec(deck_id)
    index, box = _first_text(before)
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    open_editor(page, person, deck_id)
    _shot(page, tmp_path, "1-opened")

    page.get_by_role("button", name="Text:").nth(0).click()
    canvas = page.locator(".slide-canvas canvas").first.bounding_box()
    assert canvas is not None
    # Up to a tenth of the canvas's width and height, towards where the box has room (a
    # drafted paragraph can be nearly as wide as the slide).
    dx = _room(box["x"], box["w"]) * canvas["width"]
    dy = _room(box["y"], box["h"]) * canvas["height"]
    _drag(page, box, dx, dy)
    moved_x = box["x"] + dx / canvas["width"]
    moved_y = box["y"] + dy / canvas["height"]
    _shot(page, tmp_path, "2-dragged")

    page.get_by_role("button", name="Edit text").click()
    field = page.get_by_label("Text of the box")
    field.fill("안녕하세요, 자료! Hello")
    field.press("Control+Enter")
    page.get_by_label("Size (pt)").fill("32")
    page.get_by_label("Size (pt)").press("Enter")
    page.get_by_label("Colour").fill("#c0392b")
    _shot(page, tmp_path, "3-edited")

    expect(page.get_by_role("status")).to_have_text("All changes saved.", timeout=15_000)
    _shot(page, tmp_path, "4-saved")
    after = person.spec(deck_id)["slides"][0]["elements"][index]
    assert after["text"] == "안녕하세요, 자료! Hello"
    assert after["size"] == 32
    assert after["color"].upper() == "#C0392B"
    assert abs(after["x"] - moved_x) <= SLIDE_TOLERANCE
    assert abs(after["y"] - moved_y) <= SLIDE_TOLERANCE
    assert (after["w"], after["h"]) == (box["w"], box["h"])
    page.close()
    assert console_errors == []
    _check_built_deck(person, deck_id, after)


def _check_built_deck(person, deck_id: str, box: dict) -> None:
    """What PowerPoint gets: the rebuilt revision's .pptx has the moved box (within 0.5 % of
    the slide), its text, its size and its colour."""
    deck = json.loads(person.call("GET", f"/v1/decks/{deck_id}?wait=60").data)
    assert deck["status"] == "completed", deck
    assert deck["built_revision"] == deck["revision"] >= 2, deck
    answer = person.call("GET", f"/v1/decks/{deck_id}/file")
    assert answer.status == 200
    pptx = Presentation(io.BytesIO(answer.data))
    found = [
        s for s in pptx.slides[0].shapes if s.has_text_frame and s.text_frame.text == box["text"]
    ]
    assert len(found) == 1, [s.text_frame.text for s in pptx.slides[0].shapes if s.has_text_frame]
    shape, width, height = found[0], pptx.slide_width, pptx.slide_height
    assert abs(shape.left / width - box["x"]) <= SLIDE_TOLERANCE
    assert abs(shape.top / height - box["y"]) <= SLIDE_TOLERANCE
    runs = [run for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]
    assert runs and all(run.font.size.pt == 32 for run in runs)
    assert all(str(run.font.color.rgb) == "C0392B" for run in runs)


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_the_editor_has_no_serious_accessibility_violation(browser, served, locale, tmp_path):
    person = registered(served)
    deck_id = one_box_deck(person)
    # The page's policy allows no injected script; axe is the test's, not the app's.
    page = browser.new_context(locale=locale, bypass_csp=True).new_page()
    open_editor(page, person, deck_id)
    page.locator(".element-button").first.click()
    page.locator(".slide-canvas").focus()
    _shot(page, tmp_path, f"editor-{locale}")
    assert _serious_violations(page) == []
    page.context.close()


def test_another_persons_deck_is_not_found(browser, served, tmp_path):
    deck_id = one_box_deck(registered(served))
    page = browser.new_page(locale="en-US")
    open_editor(page, registered(served), deck_id, expect_canvas=False)
    expect(page.get_by_role("alert")).to_have_text(
        "No such deck: it may have been deleted, or it belongs to someone else."
    )
    _shot(page, tmp_path, "not-found")
    page.close()


def test_a_tab_that_fell_behind_is_told_and_can_reload(browser, served, tmp_path):
    person = registered(served)
    deck_id = one_box_deck(person)
    context = browser.new_context(locale="en-US")
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        open_editor(page, person, deck_id)
        page.get_by_role("button", name="Text:").click()

    first.get_by_label("Size (pt)").fill("40")
    first.get_by_label("Size (pt)").press("Enter")
    expect(first.get_by_role("status")).to_have_text("All changes saved.", timeout=15_000)
    second.get_by_role("button", name="Bold").click()

    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("changed in another tab", timeout=15_000)
    _shot(second, tmp_path, "stale-tab")
    second.get_by_role("button", name="Reload the deck").click()
    second.get_by_role("button", name="Text:").click()
    expect(second.get_by_label("Size (pt)")).to_have_value("40")
    expect(second.get_by_role("button", name="Bold")).to_have_attribute("aria-pressed", "false")
    assert person.spec(deck_id)["slides"][0]["elements"][0]["size"] == 40
    context.close()


def test_pictures_and_slides_are_added_reordered_and_deleted(browser, served, workers, tmp_path):
    person = registered(served)
    deck_id = person.drafted_deck()
    drafted = person.spec(deck_id)["slides"][0]
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})
    open_editor(page, person, deck_id)
    button = lambda name: page.get_by_role("button", name=name, exact=True)  # noqa: E731

    button("Add picture").click()
    page.get_by_role("button", name="eng_printed_01_phototest.png").click()
    button("Add slide").click()
    button("Add text box").click()
    button("Duplicate slide").click()
    button("Slide 1").click()
    button("Move slide down").click()
    button("Slide 3").click()
    button("Delete slide").click()
    button("Undo").click()
    button("Redo").click()
    expect(page.get_by_role("status")).to_have_text("All changes saved.", timeout=15_000)
    _shot(page, tmp_path, "slides")

    slides = person.spec(deck_id)["slides"]
    assert [[e["type"] for e in slide["elements"]] for slide in slides] == [
        ["text"],
        [e["type"] for e in drafted["elements"]] + ["image"],
    ]
    assert slides[0]["elements"][0]["text"] == "New text"
    assert slides[1]["elements"][:-1] == drafted["elements"]
    assert slides[1]["elements"][-1]["image_id"] == drafted["elements"][0]["image_id"]
    page.close()
