"""Importing a roster with a real browser: sign in through the form as a careers leader,
send a file with a bad row, read the error report, then import the valid rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.upn import LETTERS
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import school_today
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import CAREERS_LEADER, Grant
from waymark_shared.testing.browser import live_server


@pytest.fixture
def database_url(sqlite_url: str) -> str:  # the browser does not care about the backend
    return sqlite_url


def _wrong_check_letter(upn: str) -> str:
    """``upn`` with another check letter: well formed, but not a UPN."""
    return next(letter for letter in LETTERS if letter != upn[0]) + upn[1:]


def test_a_careers_leader_imports_a_roster_with_a_bad_row(
    browser_page: Any, app, runtime, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    school = register_institution(
        RegisterInstitution("Riverside Browser Academy", "mainstream_secondary", urn="990401"), runtime
    ).institution_id
    account_with_grants(
        runtime, Grant(CAREERS_LEADER, "institution", school), email="pat@example.org", name="Pat Leader"
    )
    rows = roster_rows(6, seed=7, today=school_today())
    bad_upn = _wrong_check_letter(rows[2][0])
    rows[2][0] = bad_upn  # the file's 4th line: row 4, counting the header as row 1
    roster = tmp_path / "roster.csv"
    roster.write_bytes(roster_csv(rows))
    page = browser_page
    with live_server(app, prefix="/directory") as url:
        import_page = f"{url}/institutions/{school}/roster/import"
        page.goto(import_page)
        assert page.url.startswith(f"{url}/sign-in?next=")  # sent to sign in first
        page.get_by_label("Email address").fill("pat@example.org")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(import_page)
        assert page.get_by_role("heading", name="Import the roster").is_visible()

        page.get_by_label("Roster file (CSV exported from your MIS)").set_input_files(str(roster))
        page.get_by_role("button", name="Import the roster").click()

        summary = page.locator(".govuk-error-summary")
        assert summary.is_visible()
        assert "The roster was not imported" in summary.inner_text()
        assert "Row 4, UPN: The UPN's check letter is wrong" in summary.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
        assert page.title().startswith("Error: Roster errors")
        report = page.locator("#row-errors")
        assert report.is_visible()
        [error_row] = report.locator("tbody tr").all()
        cells = [cell.inner_text().strip() for cell in error_row.locator("td").all()]
        assert cells == ["4", "UPN", bad_upn, "The UPN's check letter is wrong: check it against the MIS."]
        assert error_row.get_attribute("id") == "row-4"
        assert "1 of 6 rows have errors and 5 are valid" in page.locator("#report-summary").inner_text()
        # The summary's link goes to the row in the table.
        summary.get_by_role("link", name="Row 4").click()
        assert page.url.endswith("#row-4")
        page.screenshot(path="/tmp/roster-errors.png", full_page=True)

        # Nothing was imported (looked at in another tab, keeping the report open).
        other = page.context.new_page()
        other.goto(f"{url}/institutions/{school}/roster")
        assert other.locator("#learner-count").inner_text() == "0 learners"
        other.close()

        # From the report: choose the file again and import the valid rows.
        page.get_by_label("Roster file (CSV exported from your MIS)").set_input_files(str(roster))
        assert page.get_by_label("Import the valid rows and leave out the rows with errors").is_checked()
        page.get_by_role("button", name="Import the valid rows").click()
        page.wait_for_url(f"{url}/institutions/{school}/roster/imports/*")
        assert "Roster imported: 5 enrolled" in page.locator(".govuk-notification-banner").inner_text()
        assert bad_upn not in page.content()

        page.goto(f"{url}/institutions/{school}/roster")
        assert page.locator("#learner-count").inner_text() == "5 learners"
        names = page.locator("#learners tbody tr td:first-child").all_inner_texts()
        expected = sorted(f"{row[1]}, {row[2]}" for i, row in enumerate(rows) if i != 2)
        assert sorted(name.strip() for name in names) == expected
        assert f"{rows[2][1]}, {rows[2][2]}" not in names
        page.screenshot(path="/tmp/roster-learners.png", full_page=True)
