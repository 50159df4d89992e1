"""Every screen so far, checked by axe-core (npm, web/node_modules): no serious or critical
violation, in English and in Korean."""

from __future__ import annotations

import re
import uuid

import pytest
import urllib3
from playwright.sync_api import Page, expect

from tests.integration.processes import ROOT

pytestmark = pytest.mark.integration

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """
axe.run().then((result) => result.violations
  .filter((violation) => ["serious", "critical"].includes(violation.impact))
  .map((violation) => `${violation.id}: ${violation.help}`))
"""


def _serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=AXE)
    return list(page.evaluate(SERIOUS))


def _new_page(browser, locale: str) -> Page:
    # The page's policy allows no injected script; axe is the test's, not the app's.
    return browser.new_context(locale=locale, bypass_csp=True).new_page()


def _registered(served: str) -> tuple[str, str]:
    username, password = f"axe-{uuid.uuid4().hex[:10]}", "correct horse battery"
    answer = urllib3.request(
        "POST", served + "/v1/auth/register", json={"username": username, "password": password}
    )
    assert answer.status == 201, answer.data
    return username, password


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
@pytest.mark.parametrize("path", ["/sign-in", "/sign-up"])
def test_the_signed_out_screens_have_no_serious_accessibility_violation(
    browser, served, path, locale
):
    page = _new_page(browser, locale)
    page.goto(served + path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert _serious_violations(page) == []
    page.context.close()


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_the_upload_screen_has_no_serious_accessibility_violation(browser, served, locale):
    username, password = _registered(served)
    page = _new_page(browser, locale)
    page.goto(served + "/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/upload$"))
    expect(page.locator("input[type=file]")).to_be_visible()
    assert _serious_violations(page) == []
    page.context.close()
