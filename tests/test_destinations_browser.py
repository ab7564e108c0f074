"""Destinations' pages in a real browser, on the embedded platform: a careers leader
signs in at directory, finds a leaver on the worklist, records their consent and the
destination they started, is told it is too early to judge it sustained, and, once the
period has passed, confirms it as sustained; the worklist then shows only the others.

"Today" is the destinations runtime's clock (``runtime.extras["today"]``), moved by
the test: no sleeping. The learners are a roster imported at directory (Year 11 now,
so they leave at the end of July 2027)."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from waymark_destinations.service_layer.clock import stand_on
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.learners import ImportRoster
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import import_roster
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import CAREERS_LEADER, Grant
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.browser import live_server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Clock:
    def __init__(self, day: date):
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The embedded platform, served: a school at directory with three Year 11s on its
    roster, known to destinations, whose clock the test moves."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    platform = EmbeddedPlatform(Platform.discover(data_dir=tmp_path / "var", env={"WAYMARK_PUBLIC_URL": base}))
    platform.migrate()
    directory = platform.platform.runtime("directory")
    school = register_institution(
        RegisterInstitution(name="Riverside Academy", institution_type="mainstream_secondary", urn="990001",
                            high_age=16),
        directory,
    ).institution_id  # fmt: skip
    rows = roster_rows(3, year_groups=(11,), today=date(2026, 12, 1))
    import_roster(ImportRoster(school, roster_csv(rows), file_name="roster.csv"), directory)
    platform.catch_up()
    clock = Clock(date(2027, 10, 4))  # after the September Guarantee deadline
    stand_on(platform.platform.runtime("destinations"), clock)
    account_with_grants(directory, Grant(CAREERS_LEADER, "institution", school), email="cl@riverside.example",
                        name="Chris Leader")  # fmt: skip
    try:
        with live_server(platform.wsgi_app(), port=port):
            yield base, school, clock
    finally:
        platform.shutdown()


def _sign_in(page: Any, base: str, target: str) -> None:
    page.goto(f"{base}{target}")
    page.wait_for_url("**/directory/sign-in?**")
    page.get_by_label("Email address").fill("cl@riverside.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{target}")


def test_a_destination_recorded_then_confirmed_sustained(browser_page: Any, site) -> None:  # type: ignore[no-untyped-def]
    base, school, clock = site
    page = browser_page
    _sign_in(page, base, f"/destinations/institutions/{school}/worklist")
    rows = page.locator("#worklist tbody tr")
    assert rows.count() == 3
    assert "the September Guarantee deadline (30 September 2027) has passed" in rows.first.inner_text()
    page.screenshot(path="/tmp/destinations-worklist.png", full_page=True)

    rows.first.locator("a").click()
    page.wait_for_url("**/destinations/learners/*")
    learner_url = page.url
    learner_id = learner_url.rsplit("/", 1)[1]
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Given").check()
    page.get_by_label("The young person").check()
    page.fill('input[name="consent_date-day"]', "20")
    page.fill('input[name="consent_date-month"]', "9")
    page.fill('input[name="consent_date-year"]', "2027")
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_url(learner_url)
    assert "The consent has been recorded" in page.content()

    page.get_by_role("button", name="Record a destination").click()
    page.get_by_label("Further education college or other FE provider").check()
    page.fill('input[name="start_date-day"]', "6")
    page.fill('input[name="start_date-month"]', "9")
    page.fill('input[name="start_date-year"]', "2027")
    page.get_by_label("The young person").check()
    page.get_by_label("Offer made").check()
    page.get_by_label("Provider or employer (optional)").fill("Leeds City College")
    page.screenshot(path="/tmp/destinations-record.png", full_page=True)
    page.get_by_role("button", name="Record the destination").click()
    page.wait_for_url(learner_url)
    main = page.locator("main").inner_text()
    assert "The destination has been recorded" in main
    assert "Further education college or other FE provider" in main and "can be judged from 1 April 2028" in main

    page.get_by_role("button", name="Judge whether it was sustained").click()
    page.get_by_label("Sustained", exact=True).check()
    page.get_by_label("The provider or employer").check()
    page.get_by_role("button", name="Record the judgement").click()
    summary = page.locator(".govuk-error-summary")
    assert "it can be judged from 1 April 2028" in summary.inner_text()
    page.screenshot(path="/tmp/destinations-too-early.png", full_page=True)

    clock.day = date(2028, 4, 3)  # the October-to-March period has passed
    page.get_by_label("Sustained", exact=True).check()
    page.get_by_label("The provider or employer").check()
    page.get_by_role("button", name="Record the judgement").click()
    page.wait_for_url(learner_url)
    assert "The judgement has been recorded" in page.content()
    assert page.locator("main .govuk-tag--green").inner_text() == "Sustained"
    assert "Sustained: Further education college" in page.locator("#history").inner_text()
    page.screenshot(path="/tmp/destinations-learner.png", full_page=True)

    page.goto(f"{base}/destinations/institutions/{school}/worklist")
    listed = page.locator("#worklist tbody").inner_text()
    assert learner_id[:8] not in listed
    assert page.locator("#worklist tbody tr").count() == 2
    page.goto(f"{base}/destinations/institutions/{school}")
    assert "33.3%" in page.locator("#headline").inner_text()
    page.screenshot(path="/tmp/destinations-cohorts.png", full_page=True)
