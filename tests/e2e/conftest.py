"""The browser app end to end: the built bundle (web/dist, rebuilt if its sources changed), a
gateway served by gunicorn over the real servers, the storage and OCR workers, and Debian's
Chromium driven headless by Playwright (no browser is downloaded: /usr/bin/chromium)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

# The integration suite's worker fixtures, shared rather than copied.
from tests.integration.conftest import (  # noqa: F401
    ocr_settings,
    ocr_worker,
    storage_worker,
    workers,
)
from tests.integration.processes import ROOT, gateway

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist as `make up` builds it (scripts/web-build.sh: a no-op when nothing changed)."""
    subprocess.run(["bash", str(ROOT / "scripts" / "web-build.sh")], check=True, cwd=ROOT)
    return ROOT / "web" / "dist"


@pytest.fixture(scope="module")
def served(settings, web_dist) -> Iterator[str]:
    """The gateway under gunicorn, serving the app and the API on one origin; its base URL."""
    with gateway(settings, env={"JARYO_WEB_DIST": str(web_dist)}) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: scripts/install.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()
