"""The account page end to end (issue 19), in a real browser against the real gateway: a person
opens it from the header, changes the password (the old one then fails, the new one works, this
browser stays signed in through a reload, and a browser signed in before the change is signed out
at its next request), downloads the export (a zip arrives under the API's name), signs out
everywhere (another browser too), and deletes the account behind its confirmation (signing in
then fails). The page in Korean, by the keyboard alone; axe-core checks it in both languages.

Screenshots go to the test's tmp_path, or to JARYO_E2E_SCREENSHOTS when set
(`JARYO_E2E_SCREENSHOTS=docs/screenshots` retakes `account-page.png`)."""

from __future__ import annotations

import os
import re
import uuid
import zipfile
from pathlib import Path

import pytest
import urllib3
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.test_accessibility import _serious_violations

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
NEW_PASSWORD = "battery staple horse"
COOKIE = "jaryo_refresh"
# Chromium logs every 4xx answer as a console error; these are the refusals the test asks for.
EXPECTED_REFUSAL = re.compile(r"status of (401|403)")


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("JARYO_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _registered(url: str) -> str:
    username = f"acct-{uuid.uuid4().hex[:10]}"
    answer = urllib3.request(
        "POST", url + "/v1/auth/register", json={"username": username, "password": PASSWORD}
    )
    assert answer.status == 201, answer.data
    return username


def _token_status(url: str, username: str, password: str) -> int:
    """What the API answers a sign-in with this password (the JSON flow, no browser)."""
    body = {"username": username, "password": password}
    return urllib3.request("POST", url + "/v1/auth/token", json=body).status


def _browser(browser: Browser, locale: str = "en-US") -> BrowserContext:
    # The page's policy allows no injected script; axe is the test's, not the app's.
    return browser.new_context(locale=locale, bypass_csp=True, accept_downloads=True)


def _signed_in(context: BrowserContext, url: str, username: str, password: str) -> Page:
    page = context.new_page()
    page.goto(url + "/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    return page


def _note_console_errors(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)


def _open_account(page: Page, username: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_focused()
    expect(page.get_by_text(f"You are signed in as {username}.")).to_be_visible()


def _is_signed_out_at_next_request(page: Page) -> None:
    """A browser whose sign-in was ended elsewhere: its next API call is refused, its renewal
    too, and the app asks it to sign in."""
    page.get_by_role("link", name="My uploads").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def _change_password(page: Page, url: str, username: str, tmp_path: Path) -> None:
    form = page.get_by_role("region", name="Change your password")
    current = form.get_by_label("Current password")
    new = form.get_by_label("New password", exact=True)
    again = form.get_by_label("New password again")
    submit = form.get_by_role("button", name="Change password")

    # Checked before sending, as the API checks: the field at fault gets the focus.
    current.fill(PASSWORD)
    new.fill("short")
    again.fill("short")
    submit.click()
    expect(form.get_by_role("alert")).to_have_text("The new password needs at least 8 characters.")
    expect(new).to_be_focused()
    expect(new).to_have_attribute("aria-invalid", "true")
    new.fill(NEW_PASSWORD)
    again.fill(NEW_PASSWORD + "!")
    submit.click()
    expect(form.get_by_role("alert")).to_have_text("The two new passwords do not match.")
    expect(again).to_be_focused()

    # The API's refusal of a wrong current password, said beside the form.
    again.fill(NEW_PASSWORD)
    current.fill("not my password")
    submit.click()
    expect(form.get_by_role("alert")).to_have_text("The password is wrong.")
    expect(current).to_be_focused()
    page.screenshot(path=tmp_path / "account-password-refused.png", full_page=True)

    current.fill(PASSWORD)
    submit.click()
    expect(form.get_by_role("status")).to_have_text(
        "Your password was changed. Every other device was signed out; this one stays signed in."
    )
    expect(form.get_by_role("alert")).to_have_text("")
    expect(current).to_have_value("")
    assert _token_status(url, username, PASSWORD) == 401
    assert _token_status(url, username, NEW_PASSWORD) == 200


def _download_export(page: Page, tmp_path: Path) -> None:
    region = page.get_by_role("region", name="Download my data")
    with page.expect_download() as downloading:
        region.get_by_role("button", name="Download my data").click()
    download = downloading.value
    assert re.fullmatch(r"jaryo-export-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        assert "export.json" in archive.namelist()
    expect(region.get_by_role("status")).to_have_text(f"Saved {download.suggested_filename}.")


def _delete_account(page: Page, url: str, username: str, folder: Path) -> None:
    region = page.get_by_role("region", name="Delete my account")
    region.get_by_role("button", name="Delete my account…").click()
    form = region.get_by_role("form", name=re.compile("Confirm deleting your account"))
    expect(form).to_contain_text(f"Your account {username} will be deleted now")
    typed = form.get_by_label(f"Type your username, {username}, to confirm")
    expect(typed).to_be_focused()
    # Cancel withdraws the question and gives the focus back.
    form.get_by_role("button", name="Cancel").click()
    expect(region.get_by_role("button", name="Delete my account…")).to_be_focused()
    region.get_by_role("button", name="Delete my account…").click()

    password = form.get_by_label("Password")
    delete = form.get_by_role("button", name="Delete my account for good")
    typed.fill(username.upper())
    password.fill(NEW_PASSWORD)
    delete.click()
    expect(form.get_by_role("alert")).to_have_text(
        f"Type your username, {username}, exactly as it is."
    )
    expect(typed).to_be_focused()
    typed.fill(username)
    password.fill(PASSWORD)  # the old one, no longer the password
    delete.click()
    expect(form.get_by_role("alert")).to_have_text("The password is wrong.")
    expect(password).to_be_focused()
    assert _serious_violations(page) == []
    page.screenshot(path=folder / "account-delete-confirm.png", full_page=True)

    password.fill(NEW_PASSWORD)
    delete.click()
    expect(page).to_have_url(re.compile(r"/sign-in\?notice=account-deleted$"))
    expect(page.get_by_role("status")).to_have_text(
        "Your account was deleted. What it held will be deleted shortly."
    )
    assert _token_status(url, username, NEW_PASSWORD) == 401
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_have_text("The username or password is wrong.")


def test_a_person_manages_their_account(browser: Browser, served: str, tmp_path: Path):
    folder = _screenshots(tmp_path)
    username = _registered(served)
    context = _browser(browser)
    page = _signed_in(context, served, username, PASSWORD)
    errors: list[str] = []
    _note_console_errors(page, errors)
    # Another device, signed in before the password changes.
    laptop = _signed_in(_browser(browser), served, username, PASSWORD)

    _open_account(page, username)
    assert _serious_violations(page) == []
    page.screenshot(path=folder / "account-page.png", full_page=True)

    _change_password(page, served, username, tmp_path)
    _is_signed_out_at_next_request(laptop)
    page.reload()  # this browser goes on, with the cookie the change set
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()

    _download_export(page, tmp_path)

    # Sign out everywhere: this browser and another one signed in with the new password.
    laptop = _signed_in(laptop.context, served, username, NEW_PASSWORD)
    page.get_by_role("region", name="Sign out everywhere").get_by_role(
        "button", name="Sign out everywhere"
    ).click()
    expect(page).to_have_url(re.compile(r"/sign-in\?notice=signed-out-everywhere$"))
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out on every device. Sign in again to continue."
    )
    assert not [c for c in context.cookies() if c["name"] == COOKIE]
    page.reload()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    _is_signed_out_at_next_request(laptop)

    page = _signed_in(context, served, username, NEW_PASSWORD)
    _note_console_errors(page, errors)
    _open_account(page, username)
    _delete_account(page, served, username, folder)
    context.close()
    laptop.context.close()
    assert [error for error in errors if not EXPECTED_REFUSAL.search(error)] == []


def test_the_account_page_in_korean_by_keyboard(browser: Browser, served: str):
    username = _registered(served)
    context = _browser(browser, locale="ko-KR")
    page = _signed_in(context, served, username, PASSWORD)
    page.get_by_role("link", name="계정").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="내 계정")).to_be_focused()
    page.keyboard.press("Tab")  # from the heading to the form's first field
    expect(page.get_by_label("현재 비밀번호")).to_be_focused()
    page.keyboard.press("Enter")  # submits: checked before sending, said in Korean
    expect(page.get_by_role("region", name="비밀번호 변경").get_by_role("alert")).to_have_text(
        "현재 비밀번호를 입력하세요."
    )
    ask = page.get_by_role("button", name="계정 삭제…")
    ask.focus()
    page.keyboard.press("Enter")
    typed = page.get_by_label(f"확인을 위해 사용자 이름 {username}을(를) 입력하세요")
    expect(typed).to_be_focused()
    page.keyboard.press("Escape")  # withdraws the question, the focus back on the button
    expect(ask).to_be_focused()
    page.keyboard.press("Enter")
    expect(typed).to_be_focused()
    assert _serious_violations(page) == []
    context.close()
