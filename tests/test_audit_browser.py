"""Audit's pages in a real browser, on the embedded platform: a careers leader signs in
at directory, completes an evaluation from the first benchmark to the results, and
another member of staff resumes a half-finished one and finds the answers saved."""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from waymark_audit.adapters.framework_files import framework_for
from waymark_audit.domain.frameworks import NUMBER, SINGLE_CHOICE, YEAR_GROUP_SHARE, YES_NO, Question
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import CAREERS_ADVISER, CAREERS_LEADER, Grant
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.browser import live_server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The embedded platform, served; a school registered at directory and known to audit."""
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
    platform.catch_up()
    try:
        with live_server(platform.wsgi_app(), port=port):
            yield base, platform, school
    finally:
        platform.shutdown()


def _person(platform: EmbeddedPlatform, role: str, school: str, email: str, name: str) -> str:
    account_with_grants(
        platform.platform.runtime("directory"), Grant(role, "institution", school), email=email, name=name
    )
    return email


def _sign_in(page: Any, base: str, email: str, target: str) -> None:
    page.goto(f"{base}{target}")
    page.wait_for_url("**/directory/sign-in?**")  # audit sends people to directory to sign in
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}{target}")


def _meet(page: Any, question: Question) -> None:
    """Give the answer that meets the question, whatever its type."""
    name = question.id
    if question.answer_type == YES_NO:
        page.check(f'input[name="{name}"][value="{question.meets or "yes"}"]')
    elif question.answer_type == SINGLE_CHOICE:
        option = next(o for o in question.options if o.meets)
        page.check(f'input[name="{name}"][value="{option.value}"]')
    elif question.answer_type == YEAR_GROUP_SHARE:
        for year in question.year_groups:
            page.check(f'input[name="{name}.{year}"][value="all"]')
    elif question.answer_type == NUMBER:
        page.fill(f'input[name="{name}"]', str(int(float(question.meets or 1))))
    else:
        page.fill(f'textarea[name="{name}"]', "Minutes of the governors' meeting, on the shared drive.")


def test_a_careers_leader_completes_an_evaluation_from_sign_in_to_results(browser_page: Any, site) -> None:
    base, platform, school = site
    email = _person(platform, CAREERS_LEADER, school, "cl@riverside.example", "Chris Leader")
    page = browser_page
    _sign_in(page, base, email, f"/audit/institutions/{school}/evaluations")
    assert page.get_by_role("heading", name="Careers programme evaluations").is_visible()
    assert "School" in page.locator(".govuk-summary-list").first.inner_text()
    page.screenshot(path="/tmp/audit-institution.png", full_page=True)
    page.get_by_role("button", name="Start a new evaluation").click()
    page.wait_for_url("**/audit/evaluations/*")
    page.screenshot(path="/tmp/audit-overview.png", full_page=True)

    framework = framework_for(date.today()).for_type("school")
    benchmarks = [b for b in framework.benchmarks if b.criteria]
    page.get_by_role("link", name=f"Benchmark {benchmarks[0].number}: {benchmarks[0].title}").click()
    for index, benchmark in enumerate(benchmarks):
        page.wait_for_url(f"**/benchmarks/{benchmark.number}")
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == f"Benchmark {benchmark.number}: {benchmark.title}"
        )
        for criterion in benchmark.criteria:
            for question in criterion.questions:
                _meet(page, question)
        if index == 2:
            page.screenshot(path="/tmp/audit-benchmark.png", full_page=True)
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/check")
    assert page.get_by_role("heading", name="Check your answers before submitting").is_visible()
    assert "Not answered" not in page.locator("main").inner_text().replace("Not answered (optional)", "")
    page.screenshot(path="/tmp/audit-check.png")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.wait_for_url("**/results")
    assert "Your evaluation has been submitted" in page.content()
    assert page.locator("#headline").inner_text().startswith("8 of 8 benchmarks achieved")
    assert page.locator("#benchmarks tbody tr").count() == 8
    assert page.locator("#benchmarks").get_by_text("Achieved", exact=True).count() == 8
    assert "100%" in page.locator("#benchmarks").inner_text()
    page.screenshot(path="/tmp/audit-results.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.screenshot(path="/tmp/audit-results-top.png")
    page.locator("#benchmark-1").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/audit-results-criteria.png")
    page.get_by_role("link", name="All evaluations").click()
    assert "8 of 8" in page.locator("table").first.inner_text()
    assert page.get_by_role("button", name="Copy the last evaluation and update it").is_visible()
    page.screenshot(path="/tmp/audit-history.png", full_page=True)


def test_another_member_of_staff_resumes_a_half_finished_evaluation(browser, site) -> None:  # type: ignore[no-untyped-def]
    base, platform, school = site
    leader = _person(platform, CAREERS_LEADER, school, "cl@riverside.example", "Chris Leader")
    adviser = _person(platform, CAREERS_ADVISER, school, "ca@riverside.example", "Alex Adviser")
    framework = framework_for(date.today()).for_type("school")
    first = framework.benchmarks[0]

    leader_context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = leader_context.new_page()
    _sign_in(page, base, leader, f"/audit/institutions/{school}/evaluations")
    page.get_by_role("button", name="Start a new evaluation").click()
    page.wait_for_url("**/audit/evaluations/*")
    page.get_by_role("link", name=f"Benchmark 1: {first.title}").click()
    for criterion in first.criteria:
        for question in criterion.questions:
            _meet(page, question)
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers have been saved" in page.content()
    leader_page = page
    second = framework.benchmarks[1]
    leader_page.get_by_role("link", name=f"Benchmark 2: {second.title}").click()  # and leaves it open

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        _sign_in(page, base, adviser, f"/audit/institutions/{school}/evaluations")
        page.get_by_role("button", name="Continue the evaluation").click()
        items = page.locator(".govuk-task-list__item")
        assert "Completed" in items.nth(0).inner_text()
        assert "Not yet started" in items.nth(1).inner_text()
        page.screenshot(path="/tmp/audit-resume.png", full_page=True)
        page.get_by_role("link", name=f"Benchmark 1: {first.title}").click()
        for criterion in first.criteria:
            for question in criterion.questions:
                if question.answer_type == YES_NO:
                    assert page.locator(f'input[name="{question.id}"][value="yes"]').is_checked()
                elif question.answer_type == SINGLE_CHOICE:
                    option = next(o for o in question.options if o.meets)
                    assert page.locator(f'input[name="{question.id}"][value="{option.value}"]').is_checked()
                elif question.answer_type == YEAR_GROUP_SHARE:
                    for year in question.year_groups:
                        assert page.locator(f'input[name="{question.id}.{year}"][value="all"]').is_checked()
                elif question.answer_type == NUMBER:
                    assert page.locator(f'input[name="{question.id}"]').input_value() != ""
                else:
                    assert "governors" in page.locator(f'textarea[name="{question.id}"]').input_value()
        # and carries on: the second benchmark, by keyboard alone
        page.get_by_role("button", name="Save and continue").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/benchmarks/2")
        question = next(
            q
            for c in second.criteria
            for q in c.questions
            if q.answer_type == YES_NO and q.meets in (None, "yes")
        )
        page.check(f'input[name="{question.id}"][value="no"]')
        page.get_by_role("button", name="Save and come back later").click()
        assert "Your answers have been saved" in page.content()

        # The leader, still on the page opened before, saves over the adviser's answer: told, nothing lost.
        _meet(leader_page, question)
        leader_page.get_by_role("button", name="Save and continue").click()
        summary = leader_page.locator(".govuk-error-summary")
        assert "Your answers have not been saved" in summary.inner_text()
        assert "Someone else saved answers" in summary.inner_text()
        assert leader_page.locator(f'input[name="{question.id}"][value="no"]').is_checked()  # reloaded
        assert "Your answer, not saved:" in leader_page.locator("main").inner_text()
        leader_page.screenshot(path="/tmp/audit-conflict.png", full_page=True)

        # Submitting half-finished is refused, with links to what is missing.
        page.goto(page.url.rsplit("/benchmarks/", 1)[0] + "/check")
        page.get_by_role("button", name="Submit the evaluation").click()
        summary = page.locator(".govuk-error-summary")
        assert "You cannot submit yet" in summary.inner_text()
        page.screenshot(path="/tmp/audit-missing.png")
        summary.locator("a").first.click()
        page.wait_for_url("**/benchmarks/2#*")
    finally:
        context.close()
        leader_context.close()
