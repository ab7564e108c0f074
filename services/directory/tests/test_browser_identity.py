"""Signing in with a real browser: the form, the error summary, and being signed in."""

from __future__ import annotations

from typing import Any

import pytest

from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import ADMIN, Grant
from waymark_shared.testing.browser import live_server


@pytest.fixture
def database_url(sqlite_url: str) -> str:  # the browser does not care about the backend
    return sqlite_url


def test_sign_in_with_a_wrong_then_the_right_password(browser_page: Any, app, runtime) -> None:
    account_with_grants(runtime, Grant(ADMIN, "platform"), email="ada@example.org", name="Ada Lovelace")
    page = browser_page
    with live_server(app, prefix="/directory") as url:
        page.goto(f"{url}/account")
        assert page.url.startswith(f"{url}/sign-in?next=")  # sent to sign in first
        page.get_by_label("Email address").fill("ada@example.org")
        page.get_by_label("Password").fill("not my password at all")
        page.get_by_role("button", name="Sign in").click()
        summary = page.locator(".govuk-error-summary")
        assert summary.is_visible()
        assert "Enter a correct email address and password" in summary.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_label("Password").press("Enter")  # keyboard only
        page.wait_for_url(f"{url}/account")
        assert page.get_by_role("heading", name="Your account").is_visible()
        assert "Ada Lovelace" in page.locator(".waymark-account").inner_text()
        page.screenshot(path="/tmp/directory-account.png", full_page=True)
        page.get_by_role("button", name="Sign out").first.click()
        page.wait_for_url(f"{url}/sign-in")
        assert "You have signed out" in page.content()
