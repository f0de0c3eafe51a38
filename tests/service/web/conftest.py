"""Browser fixtures for the web page and widget tests: Debian's Chromium driven by Playwright (sync API).

The tests run against ``live_server`` (tests/service/conftest.py). Screenshots go to ``test-artifacts/`` at
the repository root (git-ignored), for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.service.web.browsing import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PageErrors


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session; browser tests are skipped only when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser tests skipped")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_errors() -> Iterator[PageErrors]:
    """Collects uncaught exceptions of the test's pages; the test errors if a page threw one."""
    errors = PageErrors()
    yield errors
    assert not errors.errors, f"script errors in the page: {errors.errors}"
