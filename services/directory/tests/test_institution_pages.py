"""Institution settings pages: view, change with the error summary, close (admins),
and the GIAS import page with its report; signed in by the identity cookie."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest

from waymark_directory import views
from waymark_directory.demo import seed_demo
from waymark_shared.auth import ADMIN, CAREERS_LEADER, GOVERNOR, HUB_LEAD, Grant
from waymark_shared.auth.tokens import TOKEN_COOKIE

SAMPLE = Path(__file__).parent / "fixtures" / "gias_sample.csv"
HTML = {"Accept": "text/html"}


@pytest.fixture
def database_url(sqlite_url: str) -> str:  # the pages do not depend on the backend
    return sqlite_url


@pytest.fixture
def site(app, client, runtime, sign_in_as):  # type: ignore[no-untyped-def]
    seed_demo(runtime)
    school = {row["urn"]: row for row in views.list_institutions(runtime)}["990001"]
    return app, client, school, runtime, sign_in_as


def sign_in(site, *grants: Grant) -> None:  # type: ignore[no-untyped-def]
    """A new account holding ``grants``, signed in on the site's client (``sign_in_as``)."""
    _, client, _, _, sign_in_as = site
    sign_in_as(client, *grants)


def csrf(client, url: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(url, headers=HTML)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _edit(client, school, **changes):  # type: ignore[no-untyped-def]
    url = f"/institutions/{school['institution_id']}/edit"
    form = {k: "" if v is None else str(v) for k, v in school.items() if k in (
        "name", "institution_type", "local_authority", "region", "careers_hub", "trust",
        "postcode", "low_age", "high_age", "website", "version")}  # fmt: skip
    return client.post(url, data={**form, **changes, "csrf_token": csrf(client, url)}, headers=HTML)


def test_the_demo_has_institutions_across_regions_hubs_and_trusts_with_la_codes(site):
    rows = views.list_institutions(site[3])
    assert len(rows) >= 12
    assert len({r["region"] for r in rows}) >= 8
    assert len({r["careers_hub"] for r in rows}) >= 8
    assert len({r["trust"] for r in rows if r["trust"]}) >= 3
    assert {r["institution_type"] for r in rows} >= {"mainstream_secondary", "special_school", "alternative_provision",
                                                     "fe_college", "sixth_form_college", "independent_training_provider"}  # fmt: skip
    assert all(r["local_authority_code"] for r in rows)


def test_a_careers_leader_sees_and_changes_their_institution(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))

    page = client.get(f"/institutions/{school['institution_id']}", headers=HTML)
    saved = _edit(client, school, trust="", postcode="ls6 3qs")

    assert page.status_code == 200
    assert "Riverside Academy" in page.get_data(as_text=True) and "Change details" in page.get_data(
        as_text=True
    )
    assert "Close this institution" not in page.get_data(as_text=True)
    assert saved.status_code == 302
    row = views.institution(runtime, school["institution_id"])
    assert (row["trust"], row["postcode"], row["version"]) == (None, "LS6 3QS", 2)
    shown = client.get(saved.headers["Location"], headers=HTML).get_data(as_text=True)
    assert "were saved" in shown


def test_bad_details_show_the_error_summary_and_change_nothing(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    before = runtime.store.count_after()

    answer = _edit(client, school, name="", low_age="three", website="not a site", postcode="QQ1")

    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "govuk-error-summary" in body and "<title>Error:" in body
    for field in ("name", "low_age"):
        assert f'href="#{field}"' in body
    assert runtime.store.count_after() == before


def test_domain_checks_also_show_in_the_summary(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))

    answer = _edit(client, school, postcode="QQ1 1QQ", website="ftp://x.example", low_age="16", high_age="11")

    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("postcode", "website", "high_age"):
        assert f'href="#{field}"' in body


def test_a_stale_form_is_refused_with_a_message(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    assert _edit(client, school, trust="First change").status_code == 302

    stale = _edit(client, school, trust="Second change")  # still version 1

    assert stale.status_code == 409
    assert "Someone else changed these details" in stale.get_data(as_text=True)
    assert views.institution(runtime, school["institution_id"])["trust"] == "First change"


def test_governors_see_but_cannot_change_and_others_see_nothing(site):
    _, client, school, _, _ = site
    sign_in(site, Grant(GOVERNOR, "institution", school["institution_id"]))
    assert "Change details" not in client.get(
        f"/institutions/{school['institution_id']}", headers=HTML
    ).get_data(as_text=True)
    assert client.get(f"/institutions/{school['institution_id']}/edit", headers=HTML).status_code == 403
    sign_in(site, Grant(CAREERS_LEADER, "institution", str(uuid.uuid4())))
    assert client.get(f"/institutions/{school['institution_id']}", headers=HTML).status_code == 404
    client.delete_cookie(TOKEN_COOKIE)
    assert client.get(f"/institutions/{school['institution_id']}", headers=HTML).status_code == 302


def test_a_hub_lead_lists_their_hubs_institutions(site):
    _, client, school, _, _ = site
    sign_in(site, Grant(HUB_LEAD, "hub", "West Yorkshire Careers Hub"))

    body = client.get("/institutions", headers=HTML).get_data(as_text=True)

    assert "Riverside Academy" in body and "Kirkstall Valley Academy" in body
    assert "Hillcrest School" not in body


def test_an_admin_closes_an_institution_with_a_date(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(ADMIN, "platform"))
    url = f"/institutions/{school['institution_id']}/close"

    bad = client.post(url, data={"csrf_token": csrf(client, url), "reason": "", "closed_on-day": "31",
                                 "closed_on-month": "2", "closed_on-year": "2026", "version": "1"}, headers=HTML)  # fmt: skip
    good = client.post(url, data={"csrf_token": csrf(client, url), "reason": "Merged", "closed_on-day": "31",
                                  "closed_on-month": "8", "closed_on-year": "2026", "version": "1"}, headers=HTML)  # fmt: skip

    assert bad.status_code == 422
    assert 'href="#reason"' in bad.get_data(as_text=True) and 'href="#closed_on"' in bad.get_data(
        as_text=True
    )
    assert good.status_code == 302
    row = views.institution(runtime, school["institution_id"])
    assert (row["status"], row["closed_on"]) == ("closed", "2026-08-31")
    assert client.get(f"/institutions/{school['institution_id']}/edit", headers=HTML).status_code == 302


def test_only_admins_close_or_import(site):
    _, client, school, _, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    assert client.get(f"/institutions/{school['institution_id']}/close", headers=HTML).status_code == 403
    assert client.get("/institutions/imports", headers=HTML).status_code == 403


def test_the_gias_import_page_shows_the_report_with_row_errors(site):
    _, client, _, runtime, _ = site
    sign_in(site, Grant(ADMIN, "platform"))
    url = "/institutions/imports"

    missing = client.post(url, data={"csrf_token": csrf(client, url)}, headers=HTML)
    sent = client.post(url, data={"csrf_token": csrf(client, url), "file": (io.BytesIO(SAMPLE.read_bytes()), "edubase.csv")},
                       content_type="multipart/form-data", headers=HTML)  # fmt: skip
    not_gias = client.post(url, data={"csrf_token": csrf(client, url), "file": (io.BytesIO(b"a,b\r\n"), "x.csv")},
                           content_type="multipart/form-data", headers=HTML)  # fmt: skip

    assert missing.status_code == 422 and 'href="#file"' in missing.get_data(as_text=True)
    assert sent.status_code == 302
    report = client.get(sent.headers["Location"], headers=HTML).get_data(as_text=True)
    assert 'id="row-errors"' in report and "A URN is 6 digits" in report
    assert "not in scope: primary" in report
    assert not_gias.status_code == 422 and "not a GIAS establishment extract" in not_gias.get_data(
        as_text=True
    )
    assert any(r["urn"] == "990101" for r in views.list_institutions(runtime))


def test_a_page_form_without_its_csrf_token_is_refused(site):
    _, client, school, runtime, _ = site
    sign_in(site, Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    answer = client.post(
        f"/institutions/{school['institution_id']}/edit", data={"name": "x", "version": "1"}, headers=HTML
    )
    assert answer.status_code in (400, 403)
    assert views.institution(runtime, school["institution_id"])["name"] == "Riverside Academy"
