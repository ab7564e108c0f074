"""The roll-ups in a real browser (Playwright, Debian's Chromium): a hub lead goes from
the reporting home to their Careers Hub's roll-up and down to an institution's
dashboard; an administrator from the nation to a region and a local authority. SQLite
only: the pages do not depend on the backend (test_rollups covers both)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reporting_world import HUB_NAME, NOW, build, principal

from waymark_shared.auth import ADMIN, HUB_LEAD
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token
from waymark_shared.testing.browser import live_server

LEEDS = {
    "region": "Yorkshire and the Humber",
    "local_authority": "Leeds",
    "local_authority_code": "E08000035",
}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log):  # type: ignore[no-untyped-def]
    world = build(deliver, directory_log, audit_log, planner_log)
    directory_log.updated(world.school, **LEEDS)
    deliver(directory_log)
    return world


def _signed_in(page: Any, base: str, token: str) -> None:
    page.context.add_cookies([{"name": TOKEN_COOKIE, "value": token, "url": base}])


def test_a_hub_lead_goes_from_home_to_their_hub_and_down_to_a_school(  # type: ignore[no-untyped-def]
    browser_page: Any, app, runtime, key, world
):
    runtime.extras["clock"] = lambda: NOW
    page = browser_page
    with live_server(app) as base:
        _signed_in(page, base, issue_token(principal(HUB_LEAD, world), key, lifetime_s=600))
        page.goto(f"{base}/")
        page.locator("#rollups").get_by_role("link", name=HUB_NAME).click()

        assert page.get_by_role("heading", name=f"{HUB_NAME}: careers roll-up").is_visible()
        year_9 = page.locator("#evidence-by-year tr", has_text="Year 9")
        assert "fewer than 5" in year_9.inner_text()  # four learners: no share shown
        assert "1" in page.locator("#benchmark-distribution").inner_text()
        page.locator("#breakdown-table").get_by_role("link", name="Riverside Academy").click()
        page.wait_for_url(f"**/institutions/{world.school}")
        assert page.get_by_role("heading", name="Careers dashboard").is_visible()


def test_an_administrator_goes_from_the_nation_to_a_local_authority(  # type: ignore[no-untyped-def]
    browser_page: Any, app, runtime, key, world
):
    runtime.extras["clock"] = lambda: NOW
    page = browser_page
    with live_server(app) as base:
        _signed_in(page, base, issue_token(principal(ADMIN, world), key, lifetime_s=600))
        page.goto(f"{base}/rollups/nation")
        assert page.get_by_role("heading", name="England: careers roll-up").is_visible()
        page.locator("#breakdown-table").get_by_role("link", name=LEEDS["region"]).click()
        page.locator("#breakdown-table").get_by_role("link", name="Leeds").click()
        page.wait_for_url("**/rollups/local-authorities/E08000035")
        assert "Riverside Academy" in page.locator("#breakdown-table").inner_text()

        page.fill("#year", "2026-27")
        page.get_by_role("button", name="Show").click()
        assert page.get_by_text("There is a problem").is_visible()
