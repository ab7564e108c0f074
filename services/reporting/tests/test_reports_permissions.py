"""Who may open each report, as a page and as each download: (careers leader, careers
adviser, senior leader, governor, hub lead, trust lead, administrator, API client, an
Ofsted share link of this institution and of another, anonymous) × (Ofsted pack,
governors' report, evaluation report, destinations) × (page, .docx, .xlsx, .pdf).

The share link opens only the Ofsted pack of its own institution; governors read their
institution's reports; hub and trust leads the reports of their hub's and trust's
institutions. SQLite only: the policy does not depend on the backend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_world import build_with_destinations
from reporting_world import NOW, principal

from waymark_shared.auth import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    TRUST_LEAD,
)
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token

READERS = {
    CAREERS_LEADER,
    CAREERS_ADVISER,
    SENIOR_LEADER,
    GOVERNOR,
    HUB_LEAD,
    TRUST_LEAD,
    ADMIN,
    "api_client",
}
WHO = (
    *sorted(READERS),
    "share_link",
    "share_link_of_another_institution",
    "api_client_without_scope",
    "anonymous",
)
ALLOWED = {
    "ofsted-pack": READERS | {"share_link"},
    "governors-report": READERS,
    "evaluation-report": READERS,
    "destinations": READERS,
}
SUFFIXES = ("", ".docx", ".xlsx", ".pdf")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"


def _client(app, key, world, who: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if who == "share_link_of_another_institution":
        found = principal("share_link", world, other=True)
    else:
        found = principal(who, world)
    if found is not None:
        client.set_cookie(TOKEN_COOKIE, issue_token(found, key))
    return client


def test_each_principal_opens_exactly_the_reports_it_may(  # type: ignore[no-untyped-def]
    app, runtime, key, deliver, directory_log, audit_log, planner_log, destinations_log
):
    runtime.extras["clock"] = lambda: NOW
    world = build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)
    wrong = []
    for who in WHO:
        client = _client(app, key, world, who)
        for kind, allowed in ALLOWED.items():
            for suffix in SUFFIXES:
                path = f"/institutions/{world.school}/{kind}{suffix}"
                response = client.get(path, headers={"Accept": "text/html"})
                assert response.status_code < 500, (who, path)
                refused = response.status_code in (401, 403) or (
                    response.status_code == 302 and "sign-in" in response.headers.get("Location", "")
                )
                expected = who in allowed
                if expected and response.status_code != 200 or not expected and not refused:
                    wrong.append(f"{who} {kind}{suffix}: {response.status_code}")
    assert wrong == []


def test_nobody_but_an_administrator_opens_another_institutions_reports(  # type: ignore[no-untyped-def]
    app, runtime, key, deliver, directory_log, audit_log, planner_log, destinations_log
):
    runtime.extras["clock"] = lambda: NOW
    world = build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)
    for who in WHO:
        client = _client(app, key, world, who)
        for kind in ALLOWED:
            status = client.get(
                f"/institutions/{world.other}/{kind}", headers={"Accept": "text/html"}
            ).status_code
            if who == ADMIN:
                assert status == 200, (who, kind)
            elif who == "share_link_of_another_institution" and kind == "ofsted-pack":
                assert status == 200  # its own institution's pack
            else:
                assert status in (302, 401, 403), (who, kind, status)


def test_the_share_link_page_offers_nothing_else(  # type: ignore[no-untyped-def]
    app, runtime, key, deliver, directory_log, audit_log, planner_log, destinations_log
):
    """No menu, no sign-out, no link to the dashboard: only the downloads and the
    platform's home page (the header's logo)."""
    runtime.extras["clock"] = lambda: NOW
    world = build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)
    client = _client(app, key, world, "share_link")
    html = client.get(f"/institutions/{world.school}/ofsted-pack").get_data(as_text=True)
    links = {href for href in re.findall(r'href="([^"#]+)"', html) if "/assets/" not in href}
    downloads = {f"/institutions/{world.school}/ofsted-pack.{fmt}" for fmt in ("docx", "xlsx", "pdf")}
    home = {link for link in links if link.endswith("/") and link.count("/") <= 3}  # the platform's home
    assert links - home == downloads
    assert "Sign out" not in html and "Your reports" not in html
