"""The dashboard in a real browser (Playwright, Debian's Chromium): a careers leader
opens it, reads how current it is, follows the links to the learners still needing
Provider Access encounters and to the worklist. SQLite only: the pages do not depend
on the backend (the page tests cover both)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reporting_world import NOW, build, principal

from waymark_shared.auth import CAREERS_LEADER
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token
from waymark_shared.testing.browser import live_server


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"


def test_a_careers_leader_reads_the_dashboard_and_follows_it_to_the_learners(  # type: ignore[no-untyped-def]
    browser_page: Any, app, runtime, key, deliver, directory_log, audit_log, planner_log
):
    runtime.extras["clock"] = lambda: NOW
    world = build(deliver, directory_log, audit_log, planner_log)
    page = browser_page
    with live_server(app) as base:
        token = issue_token(principal(CAREERS_LEADER, world), key, lifetime_s=600)
        page.context.add_cookies([{"name": TOKEN_COOKIE, "value": token, "url": base}])

        page.goto(f"{base}/institutions/{world.school}")

        assert page.get_by_role("heading", name="Careers dashboard").is_visible()
        assert "2 of 2 benchmarks achieved" in page.locator("#headline").inner_text()
        freshness = page.locator("#freshness")
        assert not freshness.locator("table").is_visible()
        freshness.locator("summary").click()
        assert "Activities and participation (planner)" in freshness.locator("table").inner_text()
        year_9 = page.locator("#evidence-by-year-group tr", has_text="Year 9")
        assert "50% (2 of 4)" in year_9.inner_text()

        page.get_by_role("link", name="See which learners still need encounters, and by when").click()
        page.wait_for_url("**/provider-access")
        rows = page.locator("#provider-access-learners tbody tr")
        assert rows.count() == 8  # Year 9's four and 10's two (first or second phase), Year 12's two
        assert world.year_9[0] in page.locator("#provider-access-learners").inner_text()

        page.get_by_role("link", name="Careers dashboard").click()
        page.get_by_role("link", name="See the worklist of learners, by year and form group").click()
        page.wait_for_url("**/worklist")
        assert page.locator("#worklist tbody tr").count() == 4
