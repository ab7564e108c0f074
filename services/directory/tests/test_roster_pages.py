"""Roster pages: import with a bad row and see the report, import the valid rows, list
and erase; signed in by the identity cookie, forms with their CSRF token."""

from __future__ import annotations

import io
import re
import uuid

import pytest

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import school_today
from waymark_shared.auth import CAREERS_LEADER, GOVERNOR, Grant

HTML = {"Accept": "text/html"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:  # the pages do not depend on the backend
    return sqlite_url


@pytest.fixture
def site(app, client, runtime, sign_in_as):  # type: ignore[no-untyped-def]
    school = register_institution(
        RegisterInstitution("Riverside Test Academy", "mainstream_secondary", urn="990301"), runtime
    ).institution_id
    return app, client, school, sign_in_as


def csrf(client, url: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(url, headers=HTML)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def post_file(client, school, content: bytes, **fields):  # type: ignore[no-untyped-def]
    url = f"/institutions/{school}/roster/import"
    data = {"csrf_token": csrf(client, url), "file": (io.BytesIO(content), "roster.csv"), **fields}
    return client.post(url, data=data, content_type="multipart/form-data", headers=HTML)


def test_importing_a_roster_with_a_bad_row_shows_the_error_report(site):
    _, client, school, sign_in = site
    sign_in(client, Grant(CAREERS_LEADER, "institution", school))
    rows = roster_rows(8, seed=4, today=school_today())
    rows[3][0] = "A999999999999"
    response = post_file(client, school, roster_csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Error: Roster errors" in page
    assert "govuk-error-summary" in page and "The roster was not imported" in page
    assert 'href="#row-5"' in page and 'id="row-5"' in page
    assert "A999999999999" in page  # the value, shown to the careers leader who sent it
    assert "check letter" in page
    assert "Import the valid rows" in page
    learners = client.get(f"/institutions/{school}/roster", headers=HTML).get_data(as_text=True)
    assert "0 learners" in learners
    # Import the valid rows: the record page and the list.
    done = post_file(client, school, roster_csv(rows), import_valid_rows="true", mode="full")
    assert done.status_code == 302
    record = client.get(done.headers["Location"], headers=HTML).get_data(as_text=True)
    assert "Roster imported: 7 enrolled" in record and "A999999999999" not in record
    listing = client.get(f"/institutions/{school}/roster?year_group=7", headers=HTML).get_data(as_text=True)
    assert f"{rows[0][1]}, {rows[0][2]}" in listing
    history = client.get(f"/institutions/{school}/roster/imports", headers=HTML).get_data(as_text=True)
    assert "Not imported" in history and "Imported" in history


def test_the_form_asks_for_a_file_and_documents_the_columns(site):
    _, client, school, sign_in = site
    sign_in(client, Grant(CAREERS_LEADER, "institution", school))
    url = f"/institutions/{school}/roster/import"
    form = client.get(url, headers=HTML).get_data(as_text=True)
    assert (
        "Legal Surname" in form
        and "/api/roster/template.csv" in form
        and 'enctype="multipart/form-data"' in form
    )
    response = client.post(url, data={"csrf_token": csrf(client, url), "mode": "full"}, headers=HTML)
    assert response.status_code == 422 and "Select the CSV file exported from your MIS" in response.get_data(
        as_text=True
    )
    bad_mode = post_file(client, school, roster_csv(roster_rows(2, today=school_today())), mode="sometimes")
    assert bad_mode.status_code == 422


def test_a_form_without_its_csrf_token_is_refused(site):
    _, client, school, sign_in = site
    sign_in(client, Grant(CAREERS_LEADER, "institution", school))
    data = {"file": (io.BytesIO(roster_csv(roster_rows(2, today=school_today()))), "roster.csv")}
    response = client.post(f"/institutions/{school}/roster/import", data=data, headers=HTML)
    assert response.status_code == 400
    assert "0 learners" in client.get(f"/institutions/{school}/roster", headers=HTML).get_data(as_text=True)


def test_erasing_from_the_learner_page(site):
    _, client, school, sign_in = site
    sign_in(client, Grant(CAREERS_LEADER, "institution", school))
    rows = roster_rows(3, seed=9, today=school_today())
    post_file(client, school, roster_csv(rows))
    listing = client.get(f"/institutions/{school}/roster", headers=HTML).get_data(as_text=True)
    learner_url = re.search(r'href="(/institutions/[^"]+/roster/learners/[^"]+)"', listing).group(1)
    page = client.get(learner_url, headers=HTML).get_data(as_text=True)
    upn = next(r[0] for r in rows if r[0] in page)
    token = csrf(client, learner_url)
    erased = client.post(learner_url + "/erase", data={"csrf_token": token}, headers=HTML)
    assert erased.status_code == 302
    after = client.get(learner_url, headers=HTML).get_data(as_text=True)
    assert "personal data erased" in after and upn not in after


def test_who_may_see_the_pages(site, runtime):
    _, client, school, sign_in = site
    other = register_institution(RegisterInstitution("Other", "mainstream_secondary", urn="990302"), runtime)
    anonymous = client.get(f"/institutions/{school}/roster/import", headers=HTML)
    assert anonymous.status_code == 302 and "sign-in" in anonymous.headers["Location"]
    sign_in(client, Grant(GOVERNOR, "institution", school))
    assert client.get(f"/institutions/{school}/roster", headers=HTML).status_code == 403
    sign_in(client, Grant(CAREERS_LEADER, "institution", other.institution_id))
    for path in ("roster", "roster/import", "roster/imports", f"roster/learners/{uuid.uuid4()}"):
        assert client.get(f"/institutions/{school}/{path}", headers=HTML).status_code == 403, path
