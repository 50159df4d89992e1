"""A person's first visit in a real browser: sign up, sign in, upload one sample image, see it
accepted and finished, sign out. Screenshots of each step are written to the test's tmp_path."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "ocr" / "eng_printed_01_phototest.png"


def _shot(page: Page, folder: Path, step: str) -> None:
    page.screenshot(path=folder / f"{step}.png", full_page=True)


def _credentials() -> tuple[str, str]:
    return f"web-{uuid.uuid4().hex[:10]}", "correct horse battery"


def test_a_new_person_signs_up_signs_in_and_uploads_an_image(browser, served, workers, tmp_path):
    page = browser.new_page(locale="en-US")
    # Console errors include anything the page's Content-Security-Policy blocked.
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    username, password = _credentials()

    page.goto(served + "/sign-up")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    _shot(page, tmp_path, "1-sign-up")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("status")).to_have_text("Account created. Sign in to continue.")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/upload$"))
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    expect(page.get_by_text("Up to 20 images at once")).to_be_visible()
    _shot(page, tmp_path, "2-upload-limits")

    page.get_by_label("What the images show").select_option("eng-printed")
    page.get_by_label("Images or PDFs", exact=True).set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Accepted: 1 image\(s\), upload \w+"))
    expect(status).to_contain_text("Status: completed", timeout=60_000)
    _shot(page, tmp_path, "3-upload-accepted")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("link", name="Sign up")).to_be_visible()
    _shot(page, tmp_path, "4-signed-out")
    page.close()
    assert console_errors == []


def test_a_refused_sign_in_shows_the_apis_reason(browser, served, tmp_path):
    page = browser.new_page(locale="en-US")
    username, password = _credentials()
    page.goto(served + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()

    # The refusal's own sentence, chosen by its code (bad-credentials), not a generic line.
    expect(page.get_by_role("alert")).to_have_text("The username or password is wrong.")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    _shot(page, tmp_path, "refused-sign-in")
    page.close()


def test_a_korean_browser_gets_the_korean_screens(browser, served, tmp_path):
    page = browser.new_page(locale="ko-KR")
    page.goto(served + "/upload")  # signed out: sent to sign in

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", name="로그인")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    _shot(page, tmp_path, "sign-in-ko")
    page.close()
