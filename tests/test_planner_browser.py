"""Planner's pages in a real browser, on the embedded platform: a careers leader signs
in at directory, makes this year's plan from the gaps of the school's evaluation (audit's
``AuditCompleted``, delivered to planner), accepts the suggestions (one as it is, one
changed), logs a delivered activity for a form group, evaluates it, and downloads the
plan and the activity log as Word and Excel files, opened here to check they are real."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from waymark_audit.domain.frameworks import (
    EVIDENCE,
    NUMBER,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Question,
)
from waymark_audit.service_layer.evaluations import (
    frameworks_of,
    save_answers,
    start_evaluation,
    submit_evaluation,
)
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.learners import ImportRoster
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import import_roster
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_planner import views
from waymark_shared.auth import CAREERS_LEADER, Grant
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.browser import live_server

SHOTS = Path("/tmp/planner-shots")
GAP_BENCHMARKS = {5, 6}  # the evaluation finds these not achieved


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answer(question: Question, meet: bool) -> Any:
    if question.answer_type == YES_NO:
        meets = str(question.meets or "yes")
        return meets if meet else ("no" if meets == "yes" else "yes")
    if question.answer_type == SINGLE_CHOICE:
        options = [o.value for o in question.options if o.meets == meet] or [question.options[0].value]
        return options[0]
    if question.answer_type == NUMBER:
        threshold = int(float(question.meets if question.meets is not None else 1))
        return threshold + 1 if meet else 0
    if question.answer_type == YEAR_GROUP_SHARE:
        return {str(year): "all" if meet else "some" for year in question.year_groups}
    assert question.answer_type == EVIDENCE
    return "Minutes of the governors' meeting, on the shared drive."


def _evaluate(audit: Any, school: str) -> None:
    """A completed evaluation: every benchmark achieved but 5 and 6."""
    framework = frameworks_of(audit).for_day(date.today())
    evaluation, _ = start_evaluation(audit, school)
    answers = {
        question.id: _answer(question, benchmark.number not in GAP_BENCHMARKS)
        for benchmark in framework.for_type(evaluation.evaluation_type).benchmarks
        for criterion in benchmark.criteria
        for question in criterion.questions
    }
    evaluation = save_answers(audit, evaluation.evaluation_id, answers, evaluation.version)
    submit_evaluation(audit, evaluation.evaluation_id, evaluation.version)


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The embedded platform, served: a school with a roster and a completed evaluation."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    platform = EmbeddedPlatform(
        Platform.discover(data_dir=tmp_path / "var", env={"WAYMARK_PUBLIC_URL": base})
    )
    platform.migrate()
    directory = platform.platform.runtime("directory")
    school = register_institution(
        RegisterInstitution(name="Riverside Academy", institution_type="mainstream_secondary", urn="990001"),
        directory,
    ).institution_id
    rows = roster_rows(24, seed=7, establishment="4001", year_groups=(9, 10))
    import_roster(ImportRoster(school, roster_csv(rows)), directory)
    platform.catch_up()
    _evaluate(platform.platform.runtime("audit"), school)
    platform.catch_up()
    account_with_grants(
        directory,
        Grant(CAREERS_LEADER, "institution", school),
        email="cl@riverside.example",
        name="Chris Leader",
    )
    try:
        with live_server(platform.wsgi_app(), port=port):
            yield base, platform, school
    finally:
        platform.shutdown()


def _sign_in(page: Any, base: str, email: str, target: str) -> None:
    page.goto(f"{base}{target}")
    page.wait_for_url("**/directory/sign-in?**")  # planner sends people to directory to sign in
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{target}")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _learners(count: int) -> str:
    return f"{count} learner" + ("" if count == 1 else "s")


def _download(page: Any, link: str, folder: Path) -> Path:
    with page.expect_download() as waiting:
        page.get_by_role("link", name=link).click()
    download = waiting.value
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def test_a_careers_leader_plans_logs_evaluates_and_downloads(browser_page: Any, site, tmp_path: Path) -> None:
    base, platform, school = site
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, base, "cl@riverside.example", f"/planner/institutions/{school}/plans")
    assert page.get_by_role("heading", name="Careers plans").is_visible()
    _shot(page, "01-institution")
    page.get_by_label("From the gaps in your latest evaluation").check()
    page.get_by_label("Objectives (optional)").fill(
        "Every Year 9 learner meets an employer\nEvery Year 10 learner visits a workplace"
    )
    page.get_by_role("button", name="Create the plan").click()
    page.wait_for_url("**/planner/plans/*")
    assert "suggested activities from your evaluation" in page.locator("main").inner_text()
    _shot(page, "02-plan-new")

    page.get_by_role("link", name="Accept, change or dismiss them").click()
    page.wait_for_url("**/suggestions")
    _shot(page, "03-suggestions")
    cards = page.locator(".govuk-summary-card")
    offered = cards.count()
    assert offered >= 2
    first_title = cards.nth(0).locator(".govuk-summary-card__title").inner_text()
    cards.nth(0).get_by_role("button", name=f"Accept: {first_title}").click()
    page.wait_for_url("**/suggestions")
    assert f"“{first_title}” has been added to the plan" in page.content()
    assert page.locator(".govuk-summary-card").count() == offered - 1
    page.locator(".govuk-summary-card").nth(0).get_by_role("link", name="Change and accept").click()
    page.wait_for_url("**/suggestions/*")
    _shot(page, "04-accept-with-changes")
    page.get_by_label("Title").fill("Year 10 visit to Aire Engineering")
    page.get_by_label("Owner (optional)").fill("Ms Patel, Head of Year 10")
    page.get_by_label("Two-way interaction").check()
    page.get_by_role("button", name="Accept the suggestion").click()
    page.wait_for_url("**/planner/activities/*")
    assert page.get_by_role("heading", name="Year 10 visit to Aire Engineering").is_visible()
    _shot(page, "05-activity-planned")

    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name=first_title).first.click()
    page.wait_for_url("**/planner/activities/*")
    page.get_by_role("button", name="Log delivery").click()
    page.wait_for_url("**/delivery")
    today = date.today()
    page.locator("#delivered_on-day").fill(str(today.day))
    page.locator("#delivered_on-month").fill(str(today.month))
    page.locator("#delivered_on-year").fill(str(today.year))
    roster = views.roster_choices(platform.platform.runtime("planner"), school)
    form_group, members = sorted(roster[9].items())[0]
    page.get_by_label(f"Form group {form_group} ({_learners(len(members))})").check()
    page.get_by_label("Purpose shared with learners in advance").check()
    page.get_by_label("Learners reflect afterwards").check()
    _shot(page, "06-log-delivery")
    page.get_by_role("button", name="Log delivery").click()
    page.wait_for_url("**/planner/activities/*")
    main = page.locator("main").inner_text()
    assert "has been logged as delivered" in main and f"{_learners(len(members))} took part" in main
    assert (
        f"{form_group}: {len(members)}" in main
        and f"Learner {members[0].replace('-', '')[:8]} · {form_group}" in main
    )
    _shot(page, "07-activity-delivered")

    page.get_by_role("button", name="Evaluate the activity").click()
    page.wait_for_url("**/evaluation")
    page.locator('input[name="rating-learners"][value="4"]').check()
    page.locator("#responses-learners").fill(str(len(members)))
    page.locator("#comment-learners").fill("They liked meeting real engineers.")
    page.locator('input[name="rating-employers"][value="5"]').check()
    page.locator('input[name^="outcome-"][value="met"]').first.check()
    page.get_by_label("Summary (optional)").fill("Run it again for Year 10 in the spring.")
    _shot(page, "08-evaluate")
    page.get_by_role("button", name="Save the evaluation").click()
    page.wait_for_url("**/planner/activities/*")
    assert "They liked meeting real engineers." in page.locator("#feedback").inner_text()
    assert "Met" in page.locator("#outcomes").inner_text()
    _shot(page, "09-activity-evaluated")

    page.get_by_role("link", name="Back to the plan").click()
    page.wait_for_url("**/planner/plans/*")
    assert "1 delivered" in page.locator("#counts").inner_text()
    _shot(page, "10-plan-by-term")
    page.get_by_role("link", name="By benchmark").click()
    page.wait_for_url("**view=benchmark*")
    assert (
        "Benchmark 5: Encounters with employers and employees" in page.locator("#by-benchmark").inner_text()
    )
    _shot(page, "11-plan-by-benchmark")

    word = _download(page, "The plan (Word)", tmp_path)
    assert word.suffix == ".docx"
    document = Document(str(word))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert first_title in text and "Year 10 visit to Aire Engineering" in text
    excel = _download(page, "The plan (Excel)", tmp_path)
    assert excel.suffix == ".xlsx"
    workbook = load_workbook(excel)
    cells = "\n".join(
        str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value
    )
    assert first_title in cells and "Year 10 visit to Aire Engineering" in cells
    log = load_workbook(_download(page, "The activity log (Excel)", tmp_path))
    logged = "\n".join(
        str(c.value) for sheet in log.worksheets for row in sheet.iter_rows() for c in row if c.value
    )
    assert first_title in logged
    log_document = Document(str(_download(page, "The activity log (Word)", tmp_path)))
    assert first_title in "\n".join(p.text for p in log_document.paragraphs) + "\n".join(
        cell.text for table in log_document.tables for row in table.rows for cell in row.cells
    )
