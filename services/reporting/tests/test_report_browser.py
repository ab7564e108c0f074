"""The Ofsted pack in a real browser (Playwright, Debian's Chromium): a careers leader
follows the dashboard's link to it, reads the checklist and destinations against the
national shape, and downloads the PDF; an Ofsted share link sees the pack with no menu.
SQLite only: the pages do not depend on the backend. Screenshots go to
``$WAYMARK_SCREENSHOTS`` when set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from report_world import build_with_destinations
from reporting_world import NOW, principal

from waymark_shared.auth import CAREERS_LEADER
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token
from waymark_shared.testing.browser import live_server


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("WAYMARK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_a_careers_leader_opens_the_ofsted_pack_and_downloads_it(  # type: ignore[no-untyped-def]
    browser_page: Any,
    app,
    runtime,
    key,
    tmp_path,
    deliver,
    directory_log,
    audit_log,
    planner_log,
    destinations_log,
):
    runtime.extras["clock"] = lambda: NOW
    world = build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)
    page = browser_page
    with live_server(app) as base:
        token = issue_token(principal(CAREERS_LEADER, world), key, lifetime_s=600)
        page.context.add_cookies([{"name": TOKEN_COOKIE, "value": token, "url": base}])
        page.goto(f"{base}/institutions/{world.school}")
        page.locator("#reports").get_by_role("link", name="Ofsted pack").click()
        page.wait_for_url("**/ofsted-pack")

        assert page.get_by_role("heading", name="Ofsted pack: careers guidance").is_visible()
        assert "up to date with events applied by" in page.locator("#as-of").inner_text()
        page.get_by_role("link", name="Statutory information and inspection checks").click()
        row = page.locator(
            ".report-checklist .govuk-summary-list__row", has_text="Destinations for the last three years"
        )
        assert row.locator(".govuk-tag").inner_text() == "Met"
        national = page.locator("table", has_text="Destinations of leavers at the end of Year 11")
        assert "37" in national.locator("tr", has_text="School sixth form").inner_text()
        _shot(page, "ofsted-pack.png")

        with page.expect_download() as download_info:
            page.locator("#downloads").get_by_role("link", name="PDF (.pdf)").click()
        download = download_info.value
        assert download.suggested_filename == "ofsted-pack-riverside-academy.pdf"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        if os.environ.get("WAYMARK_SCREENSHOTS"):
            download.save_as(Path(os.environ["WAYMARK_SCREENSHOTS"]) / download.suggested_filename)
        text = "".join(p.extract_text() for p in PdfReader(saved).pages)
        assert "Riverside Academy" in text

        page.goto(f"{base}/institutions/{world.school}")
        page.locator("#reports").get_by_role("link", name="Governors' termly report").click()
        risks = page.locator("table", has_text="Provider Access phase closing soon")
        assert "Year 9: 4 learners still need encounters by 28 February 2027." in risks.inner_text()
        _shot(page, "governors-report.png")
        page.goto(f"{base}/institutions/{world.school}/evaluation-report")
        assert page.locator("table", has_text="Delivered activities, best rated first").is_visible()
        _shot(page, "evaluation-report.png")

        guest = issue_token(principal("share_link", world), key, lifetime_s=600)
        page.context.clear_cookies()
        page.context.add_cookies([{"name": TOKEN_COOKIE, "value": guest, "url": base}])
        page.goto(f"{base}/institutions/{world.school}/ofsted-pack")
        assert page.get_by_role("heading", name="Ofsted pack: careers guidance").is_visible()
        assert "Shared with Ofsted inspector, read only" in page.inner_text("body")
        assert page.get_by_role("link", name="Your reports").count() == 0
        assert page.get_by_role("link", name="Back to the careers dashboard").count() == 0
        _shot(page, "ofsted-pack-share-link.png")
