"""Browser helpers shared by the web tests (tests import from here, never from conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Request, ViewportSize, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 60_000

# The first question of a fresh server warms up its statistics: wait longer than Playwright's 5 s default.
expect.set_options(timeout=TIMEOUT_MS)


class PageErrors:
    """Uncaught script errors of the pages a test opened (any one fails the test)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        """Record the uncaught exceptions of ``page``."""
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))


@contextmanager
def browser_page(
    browser: Browser, errors: PageErrors, viewport: ViewportSize, **options: Any
) -> Iterator[tuple[BrowserContext, Page]]:
    """A fresh context (no shared storage) and its first page; uncaught script errors are collected."""
    context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.on("page", errors.watch)
    try:
        yield context, context.new_page()
    finally:
        context.close()


def json_body(request: Request) -> dict[str, Any]:
    """The JSON object a page sent."""
    body = request.post_data_json
    assert isinstance(body, dict), f"{request.url}: expected a JSON object, got {body!r}"
    return body
