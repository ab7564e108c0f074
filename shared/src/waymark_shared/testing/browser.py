"""Browser tests: a Flask app served on a free port, and a headless Chromium page.

The browser is Debian's ``chromium`` (``scripts/ensure-system-packages`` installs it),
driven by the Playwright Python package; ``playwright install`` is never needed. Where
Chromium or Playwright is missing, browser tests are skipped with the reason, except
under CI (``CI`` set), where they fail (the same policy as
:mod:`waymark_shared.testing.databases`).

Use::

    def test_page(browser_page, app):
        with live_server(app) as url:
            browser_page.goto(url + "/")
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

CHROMIUM_ENV = "WAYMARK_TEST_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@contextmanager
def live_server(app: Any, prefix: str = "", port: int = 0) -> Iterator[str]:
    """Serve the WSGI ``app`` on 127.0.0.1 on ``port`` (0: a free one), in a thread;
    yield its base URL (``http://127.0.0.1:PORT`` + ``prefix`` when mounted under one)."""
    served = DispatcherMiddleware(_not_found, {prefix: app}) if prefix else app
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _not_found(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


def chromium_path() -> str | None:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so browser tests must run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the session's browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (requirements/test.txt)")
    executable = chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (scripts/ensure-system-packages installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            # Containers often run as root and with a small /dev/shm.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page (own cookies) in the shared browser, 1280×800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
