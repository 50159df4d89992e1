"""The browser's session end to end: signing in survives a reload (a silent refresh with the
HttpOnly cookie), the access token is renewed before it expires, signing out survives a reload
too, and no script can read the refresh token. Screenshots go to the test's tmp_path."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.integration.processes import gateway

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
COOKIE = "jaryo_refresh"
# Any JWT: base64url of '{"' starts every header and payload.
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")
# An access token this short is renewed every few seconds (half its life: session.ts).
SHORT_ACCESS_SECONDS = 6


def _registered(url: str) -> str:
    username = f"web-{uuid.uuid4().hex[:10]}"
    body = {"username": username, "password": PASSWORD}
    assert requests.post(url + "/v1/auth/register", json=body, timeout=30).status_code == 201
    return username


def _sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def _refresh_cookie(page: Page) -> dict | None:
    found = [cookie for cookie in page.context.cookies() if cookie["name"] == COOKIE]
    return dict(found[0]) if found else None


def _tokens_in_storage(page: Page) -> list[str]:
    """Every JWT-looking value in localStorage and sessionStorage."""
    values = page.evaluate(
        "() => [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => s[k]))"
    )
    return [value for value in values if JWT.search(value)]


def _console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_a_reload_keeps_the_person_signed_in_and_signing_out_lasts(
    browser: Browser, served: str, tmp_path: Path
):
    username = _registered(served)
    page = browser.new_page(locale="en-US")
    errors = _console_errors(page)
    _sign_in(page, served, username)
    expect(page).to_have_url(re.compile(r"/upload$"))

    cookie = _refresh_cookie(page)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/v1/auth/refresh"
    assert COOKIE not in page.evaluate("() => document.cookie")
    assert _tokens_in_storage(page) == []

    page.reload()
    expect(page).to_have_url(re.compile(r"/upload$"))
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    expect(page.get_by_text("Up to 20 images at once")).to_be_visible()
    page.screenshot(path=tmp_path / "1-reloaded-signed-in.png", full_page=True)
    assert _refresh_cookie(page)["value"] != cookie["value"]  # the reload's refresh rotated it

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    assert _refresh_cookie(page) is None
    page.reload()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(served + "/upload")
    expect(page).to_have_url(re.compile(r"/sign-in$"))  # signed out: sent to sign in
    page.screenshot(path=tmp_path / "2-reloaded-signed-out.png", full_page=True)
    page.close()
    assert errors == []


def test_a_first_visit_asks_nothing_of_the_refresh_route(browser: Browser, served: str):
    """A visitor who never signed in costs no refresh (which could only be refused)."""
    page = browser.new_page(locale="en-US")
    errors = _console_errors(page)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/v1/auth/" in r.url else None)
    page.goto(served + "/sign-in")
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()
    page.close()
    assert asked == []
    assert errors == []


@pytest.fixture(scope="module")
def short_lived(settings, web_dist) -> Iterator[str]:
    """A gateway whose access tokens last a few seconds."""
    env = {
        "JARYO_WEB_DIST": str(web_dist),
        "JARYO_ACCESS_TOKEN_SECONDS": str(SHORT_ACCESS_SECONDS),
    }
    with gateway(settings, env=env) as url:
        yield url


def test_the_access_token_is_renewed_before_it_expires(browser: Browser, short_lived: str):
    username = _registered(short_lived)
    page = browser.new_page(locale="en-US")
    errors = _console_errors(page)
    _sign_in(page, short_lived, username)
    # Three lifetimes of the first token pass; each renewal comes by itself, and in time.
    for _ in range(3):
        with page.expect_response(
            lambda r: r.url.endswith("/v1/auth/refresh"), timeout=SHORT_ACCESS_SECONDS * 1000
        ) as answered:
            pass
        assert answered.value.status == 200
    page.reload()  # the cookie, rotated three times, still restores the session
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()
    page.close()
    assert errors == []
