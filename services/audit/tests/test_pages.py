"""Audit's pages through Flask's test client, on SQLite and PostgreSQL, signed in with
the identity cookie as a browser is (so every form needs its CSRF token, read from the
page): the institution's evaluations, starting, the questionnaire a benchmark a page,
save and come back, stale saves shown with the reload, bad input re-shown with 422,
check your answers, submit refused with links to what is missing and then accepted,
results, the evaluation type changed with a reason, and read-only people."""

from __future__ import annotations

import re
from datetime import date

import pytest

from waymark_audit.adapters.institutions import SUBSCRIPTION
from waymark_audit.domain.frameworks import (
    EVIDENCE,
    NUMBER,
    SINGLE_CHOICE,
    YEAR_GROUP_SHARE,
    YES_NO,
    Benchmark,
    Criterion,
    Framework,
    Option,
    Question,
)
from waymark_audit.service_layer.evaluations import load_evaluation
from waymark_audit.views import evaluation_row
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token
from waymark_shared.messaging.subscriptions import SubscriptionRunner

HUB = "Aire Valley Careers Hub"
FRAMEWORK = Framework(
    id="test-2025",
    title="A test framework",
    in_force_from=date(2025, 9, 1),
    in_force_until=None,
    benchmarks=(
        Benchmark(
            1,
            "A stable careers programme",
            (
                Criterion(
                    "1.1",
                    "A written programme",
                    (
                        Question("bm1.plan", "Is there a written careers plan?", YES_NO),
                        Question("bm1.notes", "What is your evidence?", EVIDENCE, required=False),
                    ),
                    suggested_actions=("Write the plan down.",),
                ),
                Criterion(
                    "1.2",
                    "Reviewed",
                    (
                        Question(
                            "bm1.review",
                            "How often is it reviewed?",
                            SINGLE_CHOICE,
                            options=(Option("yearly", "Every year", meets=True), Option("never", "Never")),
                        ),
                    ),
                    suggested_actions=("Review it every year.",),
                ),
            ),
        ),
        Benchmark(
            3,
            "Addressing the needs of each learner",
            (
                Criterion(
                    "3.1",
                    "Records kept",
                    (
                        Question(
                            "bm3.share",
                            "Which learners have a record?",
                            YEAR_GROUP_SHARE,
                            year_groups=(10, 11),
                            meets="most",
                        ),
                    ),
                    suggested_actions=("Keep a record for every learner.",),
                ),
                Criterion(
                    "3.2",
                    "Guidance",
                    (Question("bm3.sessions", "Sessions a year", NUMBER, meets=2),),
                ),
            ),
        ),
    ),
)
BM1_MET = {"bm1.plan": "yes", "bm1.review": "yearly", "bm1.notes": "Plan on the website"}
BM3_MET = {"bm3.share.10": "all", "bm3.share.11.count": "0", "bm3.sessions": "3"}


@pytest.fixture
def framework() -> Framework:
    """What the ``app`` fixture (conftest.py) serves, whatever the date."""
    return FRAMEWORK


@pytest.fixture
def school(runtime, directory_log) -> str:  # type: ignore[no-untyped-def]
    institution_id = directory_log.registered("Riverside Academy", urn="990001", careers_hub=HUB)
    directory_log.deliver(SubscriptionRunner(SUBSCRIPTION, runtime.engine))
    return institution_id


class Browser:
    """A test client holding one person's identity cookie, as a browser does."""

    def __init__(self, app, key, principal: Principal):  # type: ignore[no-untyped-def]
        self.client = app.test_client()
        self.client.set_cookie(TOKEN_COOKIE, issue_token(principal, key))

    def get(self, url: str):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers={"Accept": "text/html"})

    def post(self, url: str, data: dict, *, form_from: str | None = None):  # type: ignore[no-untyped-def]
        page = self.get(form_from or url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields = {"version": version_on(page), **data, "csrf_token": token}
        return self.client.post(url, data=fields, headers={"Accept": "text/html"})


def version_on(page: str) -> str:
    found = re.search(r'name="version" value="([^"]*)"', page)
    return found.group(1) if found else ""


@pytest.fixture
def person(app, key):  # type: ignore[no-untyped-def]
    def make(role: str, scope_id: str, scope_type: str = "institution", subject: str = "staff-1") -> Browser:
        return Browser(
            app, key, Principal(subject, "person", "Pat Jones", grants=(Grant(role, scope_type, scope_id),))
        )

    return make


def _start(browser: Browser, school: str) -> str:
    url = f"/institutions/{school}/evaluations"
    answer = browser.post(url, {"start": "new"})
    assert answer.status_code == 302
    return answer.headers["Location"].rsplit("/", 1)[-1]


def test_a_careers_leader_starts_answers_checks_submits_and_sees_results(person, school, runtime) -> None:
    leader = person("careers_leader", school)
    page = leader.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
    assert "Start a new evaluation" in page and "No evaluations yet" in page
    assert "Copy the last evaluation" not in page  # nothing to copy yet
    evaluation_id = _start(leader, school)

    overview = leader.get(f"/evaluations/{evaluation_id}").get_data(as_text=True)
    assert "govuk-task-list" in overview
    assert "Benchmark 1: A stable careers programme" in overview and "0 of 3 questions answered" in overview
    assert "Not yet started" in overview

    bm1 = f"/evaluations/{evaluation_id}/benchmarks/1"
    form = leader.get(bm1).get_data(as_text=True)
    assert 'type="radio"' in form and 'name="bm1.plan"' in form and "<textarea" in form
    assert 'id="bm1-plan"' in form  # the error summary's target
    answer = leader.post(bm1, {**BM1_MET, "action": "continue"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/benchmarks/3")

    bm3 = f"/evaluations/{evaluation_id}/benchmarks/3"
    form = leader.get(bm3).get_data(as_text=True)
    assert 'name="bm3.share.10"' in form and 'name="bm3.share.11.count"' in form
    assert "Or the number of learners in Year 10" in form
    answer = leader.post(bm3, {**BM3_MET, "action": "continue"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/check")

    check = leader.get(f"/evaluations/{evaluation_id}/check").get_data(as_text=True)
    assert "Check your answers before submitting" in check
    assert "Every year" in check and "Year 10: All" in check and "Year 11: 0 learners" in check
    assert f"/evaluations/{evaluation_id}/benchmarks/3#bm3-share" in check  # change links
    answer = leader.post(
        f"/evaluations/{evaluation_id}/submit", {}, form_from=f"/evaluations/{evaluation_id}/check"
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/results")

    results = leader.get(f"/evaluations/{evaluation_id}/results").get_data(as_text=True)
    assert "1 of 2 benchmarks achieved" in results  # 3.1: a share of 0 learners in Year 11 is not most
    assert ">Achieved<" in results and ">Not yet achieved<" in results  # text, not colour alone
    assert "Keep a record for every learner." in results
    assert "No earlier evaluation" in results
    history = leader.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
    assert "1 of 8" in history and "Termly snapshots" in history
    assert "Copy the last evaluation and update it" in history


def test_save_and_come_back_later_keeps_the_answers_for_another_member_of_staff(person, school) -> None:
    leader = person("careers_leader", school, subject="leader-1")
    evaluation_id = _start(leader, school)
    bm1 = f"/evaluations/{evaluation_id}/benchmarks/1"
    answer = leader.post(bm1, {"bm1.plan": "yes", "action": "later"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/evaluations/{evaluation_id}")
    adviser = person("careers_adviser", school, subject="adviser-1")
    overview = adviser.get(f"/evaluations/{evaluation_id}").get_data(as_text=True)
    assert "1 of 3 questions answered" in overview and "In progress" in overview
    form = adviser.get(bm1).get_data(as_text=True)
    assert re.search(r'name="bm1.plan" type="radio" value="yes" checked', form)
    page = adviser.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
    assert "Continue the evaluation" in page and "Start a new evaluation" not in page


def test_a_stale_save_is_told_shows_the_latest_answers_and_keeps_yours_on_screen(
    person, school, runtime
) -> None:
    leader = person("careers_leader", school, subject="leader-1")
    adviser = person("careers_adviser", school, subject="adviser-1")
    evaluation_id = _start(leader, school)
    bm1 = f"/evaluations/{evaluation_id}/benchmarks/1"
    opened = leader.get(bm1).get_data(as_text=True)  # the leader opens the page...
    adviser.post(bm1, {"bm1.plan": "no", "action": "later"})  # ...the adviser saves first
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened).group(1)
    answer = leader.client.post(
        bm1,
        data={"csrf_token": token, "version": version_on(opened), "bm1.plan": "yes", "action": "continue"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Someone else saved answers" in page and "govuk-error-summary" in page
    assert re.search(r'name="bm1.plan" type="radio" value="no" checked', page)  # the latest, reloaded
    assert "Your answer, not saved:" in page and "<br>Yes" in page
    assert load_evaluation(evaluation_id, runtime).answers == {"bm1.plan": "no"}
    assert version_on(page) == str(load_evaluation(evaluation_id, runtime).version)  # saving again works
    again = leader.client.post(
        bm1,
        data={"csrf_token": token, "version": version_on(page), "bm1.plan": "yes", "action": "later"},
        headers={"Accept": "text/html"},
    )
    assert again.status_code == 302
    assert load_evaluation(evaluation_id, runtime).answers == {"bm1.plan": "yes"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"bm3.sessions": "lots"}, "Enter a number, such as 0, 3 or 12."),
        ({"bm3.sessions": "-2"}, "Enter a number of 0 or more."),
        ({"bm3.share.10.count": "12.5"}, "Year 10: the number of learners must be a whole number"),
        ({"bm3.share.10": "most", "bm3.share.10.count": "40"}, "not both"),
        ({"bm3.share.10": "loads"}, "Year 10: choose none, some, most or all"),
    ],
)
def test_bad_input_is_shown_again_with_422_and_nothing_is_saved(
    person, school, runtime, fields, message
) -> None:
    leader = person("careers_leader", school)
    evaluation_id = _start(leader, school)
    answer = leader.post(f"/evaluations/{evaluation_id}/benchmarks/3", {**fields, "action": "continue"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "govuk-error-summary" in page and message in page
    assert "<title>Error: " in page
    assert re.search(r'href="#bm3-(share|sessions)"', page)
    assert load_evaluation(evaluation_id, runtime).version == 1  # only AuditStarted


def test_a_form_without_its_csrf_token_is_refused(person, school, runtime) -> None:
    leader = person("careers_leader", school)
    evaluation_id = _start(leader, school)
    answer = leader.client.post(
        f"/evaluations/{evaluation_id}/benchmarks/1", data={"bm1.plan": "yes", "version": "1"},
        headers={"Accept": "text/html"},
    )  # fmt: skip
    assert answer.status_code == 400
    assert load_evaluation(evaluation_id, runtime).answers == {}


def test_submitting_with_questions_unanswered_lists_them_linked_to_the_questions(
    person, school, runtime
) -> None:
    leader = person("careers_leader", school)
    evaluation_id = _start(leader, school)
    leader.post(f"/evaluations/{evaluation_id}/benchmarks/1", {"bm1.plan": "yes", "action": "later"})
    answer = leader.post(
        f"/evaluations/{evaluation_id}/submit", {}, form_from=f"/evaluations/{evaluation_id}/check"
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "You cannot submit yet" in page
    for href in ("benchmarks/1#bm1-review", "benchmarks/3#bm3-share", "benchmarks/3#bm3-sessions"):
        assert f'href="/evaluations/{evaluation_id}/{href}"' in page
    assert "bm1-notes" not in page.split("govuk-error-summary__list")[1].split("</ul>")[0]  # optional
    assert evaluation_row(runtime, evaluation_id)["status"] == "in_progress"


def test_copying_the_last_evaluation_begins_with_its_answers(person, school) -> None:
    leader = person("careers_leader", school)
    first = _start(leader, school)
    leader.post(f"/evaluations/{first}/benchmarks/1", {**BM1_MET, "action": "continue"})
    leader.post(f"/evaluations/{first}/benchmarks/3", {**BM3_MET, "action": "continue"})
    leader.post(f"/evaluations/{first}/submit", {}, form_from=f"/evaluations/{first}/check")
    answer = leader.post(f"/institutions/{school}/evaluations", {"start": "copy"})
    second = answer.headers["Location"].rsplit("/", 1)[-1]
    assert second != first
    form = leader.get(f"/evaluations/{second}/benchmarks/1").get_data(as_text=True)
    assert re.search(r'name="bm1.review" type="radio" value="yearly" checked', form)
    # and a submitted one can no longer be changed
    assert leader.get(f"/evaluations/{first}/benchmarks/1").status_code == 302


def test_a_careers_leader_changes_the_evaluation_type_with_a_reason(person, school) -> None:
    leader = person("careers_leader", school)
    page = leader.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
    assert "It follows the institution type" in page
    url = f"/institutions/{school}/evaluation-type"
    assert f'href="{url}"' in page
    answer = leader.post(url, {"evaluation_type": "specialist_setting", "reason": ""})
    assert answer.status_code == 422 and 'href="#reason"' in answer.get_data(as_text=True)
    answer = leader.post(url, {"evaluation_type": "sideways", "reason": "Because"})
    assert answer.status_code == 422 and 'href="#evaluation_type"' in answer.get_data(as_text=True)
    answer = leader.post(
        url, {"evaluation_type": "specialist_setting", "reason": "Most learners have an EHCP"}
    )
    assert answer.status_code == 302
    page = leader.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
    assert "Specialist setting" in page and "Most learners have an EHCP" in page
    adviser = person("careers_adviser", school, subject="adviser-1")
    assert adviser.get(url).status_code == 403
    assert f'href="{url}"' not in adviser.get(f"/institutions/{school}/evaluations").get_data(as_text=True)


def test_read_only_people_see_history_and_results_but_no_edit_buttons(person, school) -> None:
    leader = person("careers_leader", school)
    evaluation_id = _start(leader, school)
    leader.post(f"/evaluations/{evaluation_id}/benchmarks/1", {**BM1_MET, "action": "continue"})
    leader.post(f"/evaluations/{evaluation_id}/benchmarks/3", {**BM3_MET, "action": "continue"})
    leader.post(f"/evaluations/{evaluation_id}/submit", {}, form_from=f"/evaluations/{evaluation_id}/check")
    governor = person("governor", school, subject="governor-1")
    hub_lead = person("hub_lead", HUB, scope_type="hub", subject="hub-1")
    for reader in (governor, hub_lead):
        page = reader.get(f"/institutions/{school}/evaluations").get_data(as_text=True)
        assert "1 of 8" in page
        assert "Start a new evaluation" not in page and "Copy the last" not in page and ">Change<" not in page
        results = reader.get(f"/evaluations/{evaluation_id}/results").get_data(as_text=True)
        assert "1 of 2 benchmarks achieved" in results
        assert reader.get(f"/evaluations/{evaluation_id}/benchmarks/1").status_code == 403
        assert reader.post(f"/institutions/{school}/evaluations", {"start": "new"}).status_code == 403
    check = governor.get(f"/evaluations/{evaluation_id}/check").get_data(as_text=True)
    assert "Every year" in check and "Submit the evaluation" not in check and ">Change" not in check
    assert hub_lead.get(f"/evaluations/{evaluation_id}/check").status_code == 403  # answers: not theirs
    stranger = person("careers_leader", "00000000-0000-0000-0000-000000000000", subject="other-1")
    assert stranger.get(f"/evaluations/{evaluation_id}/results").status_code == 403
    assert stranger.get(f"/institutions/{school}/evaluations").status_code == 403


def test_home_lists_the_institutions_of_the_person_signed_in(person, school) -> None:
    page = person("careers_leader", school).get("/").get_data(as_text=True)
    assert f'href="/institutions/{school}/evaluations"' in page


def test_results_so_far_say_when_a_number_of_learners_cannot_be_judged(person, school) -> None:
    leader = person("careers_leader", school)
    evaluation_id = _start(leader, school)
    answer = leader.post(
        f"/evaluations/{evaluation_id}/benchmarks/3", {"bm3.share.10.count": "40", "action": "later"}
    )
    assert answer.status_code == 302
    page = leader.get(f"/evaluations/{evaluation_id}/results").get_data(as_text=True)
    assert "these results are what the answers so far would give" in page
    assert "cannot be judged as a share" in page and "Year 10" in page
