"""The screens before the editor, in a real browser against the real gateway and workers: upload
two sample images (a disguised text file refused with its reason first), watch each image's
progress reach done, see the boxes and the text, correct a line, draft a deck, see it built with
its previews, download the .pptx (python-pptx opens it, with the correction in it), and find the
upload and the deck in the person's lists. axe-core checks each screen; screenshots of every step
are written to the test's tmp_path."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import urllib3
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.test_accessibility import _serious_violations
from tests.integration.conftest import deck_worker  # noqa: F401

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
SAMPLES = [
    FIXTURES / "eng_printed_01_phototest.png",
    FIXTURES / "kor_printed_08_slide_embedding.png",
]
CORRECTION = "Corrected by a person"
BUILD_TIMEOUT_MS = 180_000


def _shot(page: Page, folder: Path, step: str) -> None:
    page.screenshot(path=folder / f"{step}.png", full_page=True)


def _signed_in_page(browser, served: str, locale: str) -> Page:
    """A new person, registered through the API and signed in through the page."""
    username, password = f"pages-{uuid.uuid4().hex[:10]}", "correct horse battery"
    answer = urllib3.request(
        "POST", served + "/v1/auth/register", json={"username": username, "password": password}
    )
    assert answer.status == 201, answer.data
    # The page's policy allows no injected script; axe is the test's, not the app's.
    context = browser.new_context(locale=locale, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(served + "/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    return page


def _no_serious_violation(page: Page) -> None:
    assert _serious_violations(page) == [], page.url


def _drop_file(page: Page, name: str, text: str) -> None:
    """Drops a file on the picker, as dragging it from the desktop does."""
    files = page.evaluate_handle(
        "([name, text]) => { const d = new DataTransfer();"
        " d.items.add(new File([text], name, { type: 'image/png' })); return d; }",
        [name, text],
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": files})


def _upload_refuses_the_disguised_file(page: Page, folder: Path) -> None:
    page.get_by_label("Images or PDFs", exact=True).set_input_files(SAMPLES)
    _drop_file(page, "notes.png", "this is text, not an image")
    expect(page.get_by_role("list", name="3 chosen file(s)")).to_be_visible()
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        "notes.png was refused: it is not a JPEG, PNG, WebP, TIFF, BMP, GIF or HEIC image,"
        " nor a PDF."
    )
    _shot(page, folder, "1-refused-file")
    page.get_by_role("button", name="Remove notes.png").click()


def _upload_progresses_to_done(page: Page, folder: Path) -> str:
    page.get_by_role("button", name="Upload", exact=True).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Accepted: 2 image\(s\), upload \w+"))
    for sample in SAMPLES:
        bar = page.get_by_role("progressbar", name=sample.name)
        expect(bar).to_have_attribute("value", "2", timeout=90_000)
        expect(page.get_by_role("img", name=f"Thumbnail of {sample.name}")).to_be_visible()
    expect(status).to_contain_text("Status: completed")
    expect(page.locator(".image-row.done")).to_have_count(2)
    _shot(page, folder, "2-upload-done")
    _no_serious_violation(page)
    page.get_by_role("link", name="See the text and boxes").click()
    expect(page).to_have_url(re.compile(r"/uploads/\w+$"))
    return page.url.rsplit("/", 1)[-1]


def _results_show_boxes_and_text(page: Page, folder: Path) -> None:
    english = page.get_by_role("article", name=SAMPLES[0].name)
    expect(english.get_by_role("img", name=re.compile("phototest"))).to_be_visible()
    expect(english).to_contain_text("quick brown")
    assert english.locator(".ocr-box").count() >= 5
    expect(page.get_by_role("article", name=SAMPLES[1].name)).to_contain_text("임베딩")
    _shot(page, folder, "3-results")
    _no_serious_violation(page)
    page.get_by_label("Show the boxes").uncheck()
    expect(page.locator(".ocr-box")).to_have_count(0)
    page.get_by_label("Show the boxes").check()

    english.get_by_role("button", name="Edit line 1").click()
    english.get_by_label("Line 1").fill(CORRECTION)
    english.get_by_label("Line 1").press("Enter")
    expect(english.get_by_role("button", name="Edit line 1")).to_be_focused()
    expect(
        english.get_by_role("list", name=re.compile("Lines of")).locator("li").first
    ).to_contain_text(CORRECTION)
    _shot(page, folder, "4-corrected")
    page.get_by_role("button", name="Copy all text").click()
    expect(page.get_by_role("status")).to_have_text("Copied all text.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(CORRECTION + "\nocr code"), copied
    assert "Embedding" in copied


def _drafted_deck_is_built(page: Page, folder: Path) -> str:
    page.get_by_label("Title").fill("Pages journey")
    expect(page.get_by_label("Behind the text")).to_have_value("clean")  # the API's default
    page.get_by_role("button", name="Draft the deck").click()
    expect(page).to_have_url(re.compile(r"/decks/\w+$"))
    expect(page.get_by_role("heading", name="Pages journey")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Status: built", timeout=BUILD_TIMEOUT_MS)
    previews = page.get_by_role("list", name="Slides")  # they follow the deck: the page asks again
    expect(previews.get_by_role("img", name="Slide 1")).to_be_visible(timeout=BUILD_TIMEOUT_MS)
    expect(previews.get_by_role("img", name="Slide 2")).to_be_visible()
    expect(page.get_by_role("link", name="Open in the editor")).to_have_attribute(
        "href", re.compile(r"/decks/\w+/edit$")
    )
    _shot(page, folder, "5-deck-built")
    _no_serious_violation(page)
    return page.url.rsplit("/", 1)[-1]


def _download_opens_in_python_pptx(page: Page, folder: Path) -> None:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Pages journey.pptx").click()
    saved = folder / "deck.pptx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "Pages journey.pptx"
    deck = Presentation(str(saved))
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert len(deck.slides) == 2
    assert any(text.startswith(CORRECTION) for text in texts), texts


def _go(page: Page, path: str) -> None:
    """In-app navigation, as a link does: a typed URL would reload and forget the token."""
    page.evaluate(
        "path => { history.pushState(null, '', path);"
        " dispatchEvent(new PopStateEvent('popstate')) }",
        path,
    )


def _another_person_finds_nothing(browser, served: str, deck_id: str, upload_id: str) -> None:
    page = _signed_in_page(browser, served, "en-US")
    _go(page, f"/decks/{deck_id}")
    expect(page.get_by_role("alert")).to_have_text("This deck does not exist, or it is not yours.")
    _go(page, f"/uploads/{upload_id}")
    expect(page.get_by_role("alert")).to_have_text(
        "This upload does not exist, or it is not yours."
    )
    page.context.close()


def _lists_show_and_delete(page: Page, folder: Path, upload_id: str) -> None:
    page.get_by_role("link", name="My decks").click()
    expect(page.get_by_role("heading", name="Pages journey")).to_be_visible()
    expect(page.get_by_text(re.compile(r"built · 2 slide\(s\) · Expires"))).to_be_visible()
    _shot(page, folder, "6-my-decks")
    _no_serious_violation(page)

    page.get_by_role("link", name="My uploads").click()
    card = page.locator(".card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(re.compile(r"read · 2 image\(s\) · Expires"))
    expect(card.get_by_role("link", name="See the text")).to_have_attribute(
        "href", f"/uploads/{upload_id}"
    )
    _no_serious_violation(page)
    card.get_by_role("button", name=re.compile("^Delete")).click()
    _shot(page, folder, "7-confirm-delete")
    card.get_by_role("button", name=re.compile("^Yes, delete")).click()
    expect(page.locator(".card")).to_have_count(0)
    expect(page.get_by_text("No uploads yet.")).to_be_visible()


@pytest.mark.usefixtures("workers", "deck_worker")
def test_a_person_goes_from_two_photos_to_a_downloaded_deck(browser, served, tmp_path):
    page = _signed_in_page(browser, served, "en-US")
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    _upload_refuses_the_disguised_file(page, tmp_path)
    upload_id = _upload_progresses_to_done(page, tmp_path)
    _results_show_boxes_and_text(page, tmp_path)
    deck_id = _drafted_deck_is_built(page, tmp_path)
    _download_opens_in_python_pptx(page, tmp_path)
    _another_person_finds_nothing(browser, served, deck_id, upload_id)
    _lists_show_and_delete(page, tmp_path, upload_id)
    page.context.close()
    # The refused upload's 415 is the only error the browser logs (a failed request).
    assert [e for e in console_errors if "415" not in e] == []


def _own_template_added_and_deleted(page: Page, folder: Path) -> None:
    plain = folder / "mine.pptx"
    Presentation().save(str(plain))
    page.locator("input[type=file]").set_input_files(plain)
    page.locator("form input:not([type])").fill("Mine")
    page.locator("form button[type=submit]").click()
    mine = page.locator(".card.template", has=page.get_by_role("heading", name="Mine"))
    expect(mine).to_be_visible()
    expect(mine.locator("img")).to_have_count(0)  # private templates have no preview
    expect(page.locator("form input:not([type])")).to_have_value("")  # ready for another
    _shot(page, folder, "templates-own")
    mine.locator("button.danger").click()
    mine.locator("button.danger").click()  # the question's "yes"
    expect(mine).to_have_count(0)


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_templates_show_previews_take_a_pick_add_one_and_refuse_a_false_pptx(
    browser, served, locale, tmp_path
):
    page = _signed_in_page(browser, served, locale)
    page.locator("nav a[href='/templates']").click()  # a reload would forget the token
    cards = page.locator(".card.template")
    expect(cards.first.locator("img")).to_be_visible()
    cards.first.get_by_role("button").click()
    expect(cards.first.get_by_role("button")).to_have_attribute("aria-pressed", "true")

    fake = tmp_path / "slides.pptx"
    fake.write_text("not a presentation")
    page.locator("input[type=file]").set_input_files(fake)
    page.locator("form button[type=submit]").click()
    refusal = (
        "not a plain, safe .pptx" if locale == "en-US" else "안전한 일반 .pptx 파일이 아닙니다"
    )
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    _shot(page, tmp_path, f"templates-{locale}")
    _no_serious_violation(page)
    _own_template_added_and_deleted(page, tmp_path)
    # The empty lists, reached through the nav too.
    for path in ("/uploads", "/decks"):
        page.locator(f"nav a[href='{path}']").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator(".empty")).to_be_visible()
        _no_serious_violation(page)
    page.context.close()
