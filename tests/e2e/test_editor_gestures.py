"""The editor's other ways in: resizing a box by its handle, the keyboard alone (select, nudge,
undo), and Korean typed through an input method's composition. Each change is checked where it
matters, in the spec the API holds after autosave."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.editor_support import one_box_deck, open_editor, registered

pytestmark = pytest.mark.integration

SLIDE_TOLERANCE = 0.005


@pytest.fixture
def editing(browser, served):
    """A person's one-box deck open in the editor."""
    person = registered(served)
    deck_id = one_box_deck(person)
    page = browser.new_page(locale="en-US", viewport={"width": 1600, "height": 1000})
    open_editor(page, person, deck_id)
    yield page, lambda: person.spec(deck_id)["slides"][0]["elements"][0]
    page.close()


def _saved(page: Page) -> None:
    expect(page.get_by_role("status")).to_have_text("All changes saved.", timeout=15_000)


def test_a_box_is_resized_by_its_corner_handle(editing, tmp_path):
    page, box = editing
    page.get_by_role("button", name="Text:").click()
    canvas = page.locator(".slide-canvas canvas").first.bounding_box()
    assert canvas is not None
    # The bottom-right handle sits on the box's corner: (0.6, 0.3) of the slide.
    x, y = canvas["x"] + 0.6 * canvas["width"], canvas["y"] + 0.3 * canvas["height"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 0.1 * canvas["width"], y + 0.2 * canvas["height"], steps=10)
    page.mouse.up()
    _saved(page)
    page.screenshot(path=tmp_path / "resized.png")
    saved = box()
    assert abs(saved["w"] - 0.6) <= SLIDE_TOLERANCE
    assert abs(saved["h"] - 0.4) <= SLIDE_TOLERANCE
    assert (saved["x"], saved["y"]) == (0.1, 0.1)


def test_the_keyboard_alone_selects_nudges_and_undoes(editing):
    page, box = editing
    page.get_by_role("button", name="Text:").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Text:")).to_have_attribute("aria-pressed", "true")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowDown")
    _saved(page)
    assert abs(box()["x"] - 0.2) <= 1e-6
    assert abs(box()["y"] - 0.102) <= 1e-6

    page.keyboard.press("Control+z")  # the nudges in a row undo as one move
    _saved(page)
    assert (box()["x"], box()["y"]) == (0.1, 0.1)


def test_korean_composed_by_an_input_method_is_kept(editing):
    page, box = editing
    page.get_by_role("button", name="Text:").click()
    page.locator(".slide-canvas").focus()
    page.keyboard.press("Enter")  # opens the text in place, all of it selected
    field = page.get_by_label("Text of the box")
    expect(field).to_be_focused()
    ime = page.context.new_cdp_session(page)
    # Each syllable is composed jamo by jamo, then committed, as a Korean IME does.
    for syllable, steps in (("한", ("ㅎ", "하", "한")), ("글", ("ㄱ", "그", "글"))):
        for step in steps:
            composing = {"text": step, "selectionStart": 1, "selectionEnd": 1}
            ime.send("Input.imeSetComposition", composing)
        ime.send("Input.insertText", {"text": syllable})
    expect(field).to_have_value("한글")
    field.press("Control+Enter")
    _saved(page)
    assert box()["text"] == "한글"
