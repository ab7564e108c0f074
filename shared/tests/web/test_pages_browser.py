"""The layout in a real browser: keyboard access, scripts running under the CSP, and a
screenshot (/tmp/layout.png) to look at."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pages_app
import pytest
import waymark_webtest_service as webtest
from flask import Flask

from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime
from waymark_shared.testing.browser import live_server

SCREENSHOT = Path("/tmp/layout.png")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "WAYMARK_DATA_DIR": str(tmp_path)}
    return Settings.from_env(webtest.NAME, env=env)


@pytest.fixture
def app(runtime: ServiceRuntime) -> Flask:
    app = pages_app.create_app(runtime)
    # As the auth layer will: someone signed in, and where they sign out.
    app.context_processor(lambda: {"current_user": SimpleNamespace(name="Ada Lovelace")})
    app.config["WAYMARK_SIGN_OUT_URL"] = "/webtest/sign-out"
    return app


def test_layout_in_a_browser(browser_page: Any, app: Flask) -> None:
    problems: list[str] = []
    browser_page.on(
        "console",
        # The re-shown form's 422 is logged as a failed load; anything else is a problem.
        lambda m: problems.append(m.text) if m.type in ("error", "warning") and "422" not in m.text else None,
    )
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    with live_server(app, prefix="/webtest") as url:
        browser_page.goto(f"{url}/widgets/new")
        assert browser_page.title() == "Register a widget – Web test – Waymark"

        # The first Tab reaches the skip link, which then shows; Enter moves to the content.
        browser_page.keyboard.press("Tab")
        focused = browser_page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content"
        box = browser_page.locator(".govuk-skip-link").bounding_box()
        assert box is not None and box["height"] > 10
        browser_page.keyboard.press("Enter")
        assert browser_page.evaluate("document.activeElement.id") == "main-content"

        # The nonced inline script and the module both ran under the CSP.
        classes = browser_page.evaluate("document.body.className")
        assert "js-enabled" in classes and "govuk-frontend-supported" in classes
        assert browser_page.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1

        # An empty form comes back with the error summary, focused, linking to the fields.
        browser_page.get_by_role("button", name="Save").click()
        browser_page.wait_for_selector(".govuk-error-summary")
        assert browser_page.title().startswith("Error: ")
        browser_page.wait_for_function(
            "() => document.activeElement.classList.contains('govuk-error-summary')"
        )
        browser_page.get_by_role("link", name="Missing data for required field.").first.click()
        assert browser_page.evaluate("document.activeElement.id") == "name"
        browser_page.evaluate("window.scrollTo(0, 0)")
        browser_page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert problems == []
    assert SCREENSHOT.stat().st_size > 10_000
