"""The reports as pages and downloads: what a careers leader sees on the Ofsted pack,
governors' and evaluation reports and destinations pages, the files they download
(opened with python-docx, openpyxl and pypdf), and the answers to bad requests."""

from __future__ import annotations

import io
import re

import pytest
from report_world import build_with_destinations
from reporting_world import NOW, principal

from waymark_shared.auth import CAREERS_LEADER, GOVERNOR
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token

REPORTS = ("ofsted-pack", "governors-report", "evaluation-report", "destinations")


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log, destinations_log):  # type: ignore[no-untyped-def]
    return build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)


@pytest.fixture
def client(app, runtime, key, world):  # type: ignore[no-untyped-def]
    runtime.extras["clock"] = lambda: NOW
    client = app.test_client()
    client.set_cookie(TOKEN_COOKIE, issue_token(principal(CAREERS_LEADER, world), key))
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_ofsted_pack_page(client, world):
    response = client.get(f"/institutions/{world.school}/ofsted-pack")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "Ofsted pack: careers guidance" in text and "Riverside Academy" in text
    for heading in ("Intent", "Implementation", "Impact", "Destinations: Year 11 leavers", "Benchmarks"):
        assert f">{heading}</h2>" in html, heading
    assert "As of 1 December 2026 at 10:00:00: up to date with events applied by" in text
    assert 'id="freshness"' in html  # the panel with each source's last event and lag
    assert text.count(">Check<") == 0 and html.count('data-status="check"') == 5
    assert html.count('data-status="met"') == 2 and html.count('data-status="missing"') == 1
    assert "The 2026/27 plan has 4 activities for BM5, BM7, BM8" in text
    assert '<meter class="report-bar" min="0" max="100" value="37"' in html  # national FE share
    for fmt in ("docx", "xlsx", "pdf"):
        assert f'href="/institutions/{world.school}/ofsted-pack.{fmt}"' in html
    assert "Back to the careers dashboard" in text


@pytest.mark.parametrize("kind", REPORTS[1:])
def test_the_other_report_pages(client, world, kind):
    response = client.get(f"/institutions/{world.school}/{kind}")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    expected = {
        "governors-report": "Provider Access phase closing soon",
        "evaluation-report": "Delivered activities, best rated first",
        "destinations": "Sustained destinations at the end of Year 11",
    }[kind]
    assert expected in text
    if kind == "evaluation-report":  # a rating's bar is out of 5
        assert '<meter class="report-bar" min="0" max="5" value="4.2"' in response.get_data(as_text=True)
    assert "up to date with events applied by" in text


def test_the_dashboard_links_to_the_reports(client, world):
    html = client.get(f"/institutions/{world.school}").get_data(as_text=True)
    for kind in REPORTS:
        assert f'href="/institutions/{world.school}/{kind}"' in html, kind


def test_downloads_open_as_real_files(client, world):
    from docx import Document as WordDocument
    from openpyxl import load_workbook
    from pypdf import PdfReader

    files = {}
    for fmt in ("docx", "xlsx", "pdf"):
        response = client.get(f"/institutions/{world.school}/ofsted-pack.{fmt}")
        assert response.status_code == 200, fmt
        assert (
            response.headers["Content-Disposition"]
            == f'attachment; filename="ofsted-pack-riverside-academy.{fmt}"'
        )
        files[fmt] = response.data
    word = WordDocument(io.BytesIO(files["docx"]))
    words = "\n".join(p.text for p in word.paragraphs) + "".join(
        cell.text for t in word.tables for row in t.rows for cell in row.cells
    )
    assert "Ofsted pack: careers guidance" in words and "Engineers in school" in words
    book = load_workbook(io.BytesIO(files["xlsx"]))
    cells = {
        str(c.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    }
    assert "Engineers in school" in cells
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Riverside Academy" in pdf and "Intent" in pdf


@pytest.mark.parametrize("kind", REPORTS[1:])
def test_every_report_downloads(client, world, kind):
    for fmt in ("docx", "xlsx", "pdf"):
        response = client.get(f"/institutions/{world.school}/{kind}.{fmt}")
        assert response.status_code == 200, (kind, fmt)
        assert response.data[:4] in (b"PK\x03\x04", b"%PDF")


def test_bad_requests_are_answered_not_crashed(client, world, app, key):
    assert client.get(f"/institutions/{world.school}/ofsted-pack.csv").status_code == 404
    assert client.get(f"/institutions/{world.school}/ofsted-pack.").status_code == 404
    assert client.get("/institutions/not-a-uuid/ofsted-pack").status_code == 404
    unknown = "6b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10"
    admin = app.test_client()
    admin.set_cookie(TOKEN_COOKIE, issue_token(principal("admin", world), key))
    assert admin.get(f"/institutions/{unknown}/ofsted-pack").status_code == 404
    assert admin.get(f"/institutions/{unknown}/governors-report.pdf").status_code == 404
    assert client.get(f"/institutions/{unknown}/ofsted-pack").status_code == 403  # nothing leaks
    governor = app.test_client()
    governor.set_cookie(TOKEN_COOKIE, issue_token(principal(GOVERNOR, world), key))
    page = governor.get(f"/institutions/{world.school}/governors-report").get_data(as_text=True)
    assert not any(learner in page for learner in world.year_9 + world.year_10 + world.year_12)
