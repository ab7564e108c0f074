"""The evaluation lifecycle through audit's API, on SQLite and PostgreSQL: start (new or
a copy of the last completed one), save in parts as different staff, resume, stale
saves told and reloaded, submit refused with what is missing and then accepted, the
evaluation type chosen with a reason, who may do what, and bad input writing nothing.

Tokens are signed with a test key whose public half audit is given as its key source
(``runtime.extras["token_keys"]``), as it would be given directory's JWKS. Most tests
answer a small hand-made framework (``runtime.extras["frameworks"]``) so that they can
name its questions; one answers the framework in force today, from the files."""

from __future__ import annotations

import json
from datetime import date

import pytest

from waymark_audit.adapters.contracts import registry
from waymark_audit.domain.evaluations import Evaluation, MissingAnswers
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
from waymark_audit.service_layer.evaluations import FRAMEWORK_FILES
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import SigningKey, issue_token

LEADER, ADVISER, SENIOR, GOVERNOR = "careers_leader", "careers_adviser", "senior_leader", "governor"
HUB_NAME, TRUST_NAME = "Aire Valley Careers Hub", "Aire Valley Learning Trust"

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
                        Question("bm1.notes", "Evidence", EVIDENCE, required=False),
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
                ),
                Criterion(
                    "3.2",
                    "Guidance",
                    (Question("bm3.sessions", "Sessions a year", NUMBER, required=False, meets=2),),
                    evaluation_types=("school", "specialist_setting"),
                ),
                Criterion(
                    "3.3",
                    "Apprenticeships (colleges)",
                    (Question("bm3.fe", "Apprenticeship advice?", YES_NO),),
                    evaluation_types=("fe_itp",),
                ),
            ),
        ),
    ),
)
REQUIRED = ["bm1.plan", "bm1.review", "bm3.share"]
FULL = {"bm1.plan": "yes", "bm1.review": "yearly", "bm3.share": {"10": "all", "11": "most"}}


@pytest.fixture
def framework() -> Framework:
    """What the ``app`` fixture (conftest.py) serves, whatever the date."""
    return FRAMEWORK


@pytest.fixture
def school(runner, directory_log) -> str:  # type: ignore[no-untyped-def]
    institution_id = directory_log.registered(
        "Riverside Academy", urn="990001", careers_hub=HUB_NAME, trust=TRUST_NAME
    )
    directory_log.deliver(runner)
    return institution_id


@pytest.fixture
def other_school(runner, directory_log, school) -> str:  # type: ignore[no-untyped-def]
    institution_id = directory_log.registered("Hillcrest School", urn="990002", careers_hub="Elsewhere Hub")
    directory_log.deliver(runner)
    return institution_id


class Caller:
    """A test client sending one principal's bearer token."""

    def __init__(self, app, key: SigningKey, principal: Principal | None):  # type: ignore[no-untyped-def]
        self.client = app.test_client()
        self.principal = principal
        self.headers = {} if principal is None else {"Authorization": f"Bearer {issue_token(principal, key)}"}

    def _call(self, method: str, url: str, **kwargs):  # type: ignore[no-untyped-def]
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._call("get", url, **kwargs)

    def post(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._call("post", url, **kwargs)

    def patch(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._call("patch", url, **kwargs)

    def put(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._call("put", url, **kwargs)

    # the lifecycle, as a page would drive it
    def start(self, institution_id: str, **body):  # type: ignore[no-untyped-def]
        return self.post(f"/api/institutions/{institution_id}/evaluations", json=body)

    def save(self, evaluation_id: str, answers: dict, version: int):  # type: ignore[no-untyped-def]
        return self.patch(
            f"/api/evaluations/{evaluation_id}/answers",
            json={"answers": answers},
            headers={"If-Match": f'"{version}"'},
        )

    def submit(self, evaluation_id: str):  # type: ignore[no-untyped-def]
        return self.post(f"/api/evaluations/{evaluation_id}/submit")


@pytest.fixture
def person(app, key):  # type: ignore[no-untyped-def]
    def make(
        role: str | None, scope_id: str | None, subject: str = "staff-1", scope_type: str = "institution"
    ):  # type: ignore[no-untyped-def]
        grants = () if role is None else (Grant(role, scope_type, scope_id),)
        return Caller(app, key, Principal(subject, "person", "A member of staff", grants=grants))

    return make


@pytest.fixture
def leader(person, school):  # type: ignore[no-untyped-def]
    return person(LEADER, school, "leader-1")


@pytest.fixture
def adviser(person, school):  # type: ignore[no-untyped-def]
    return person(ADVISER, school, "adviser-1")


def _events(runtime, evaluation_id: str) -> list:  # type: ignore[no-untyped-def]
    return runtime.store.read_stream(f"evaluation-{evaluation_id}")


def _completed_evaluation(caller: Caller, institution_id: str, answers: dict | None = None, **start) -> str:  # type: ignore[no-untyped-def]
    started = caller.start(institution_id, **start)
    assert started.status_code == 201, started.json
    saved = caller.save(started.json["evaluation_id"], answers or FULL, started.json["version"])
    assert saved.status_code == 200, saved.json
    assert caller.submit(started.json["evaluation_id"]).status_code == 200
    return started.json["evaluation_id"]


# -- the lifecycle --------------------------------------------------------------------


def test_start_save_in_parts_as_two_staff_resume_and_submit(runtime, leader, adviser, school):
    started = leader.start(school)
    assert started.status_code == 201, started.json
    evaluation_id = started.json["evaluation_id"]
    assert started.headers["Location"].endswith(f"/api/evaluations/{evaluation_id}")
    assert started.headers["ETag"] == '"1"'
    assert (started.json["status"], started.json["version"], started.json["answers"]) == (
        "in_progress",
        1,
        {},
    )
    assert (started.json["framework_id"], started.json["evaluation_type"]) == ("test-2025", "school")
    assert [(p["number"], p["answered"], p["questions"]) for p in started.json["progress"]] == [
        (1, 0, 3),
        (3, 0, 2),
    ]

    first = leader.save(evaluation_id, {"bm1.plan": "yes", "bm1.notes": "Plan on the website."}, 1)
    assert first.status_code == 200, first.json
    assert first.json["version"] == 2

    # Later, another member of staff carries on from where it was left.
    resumed = adviser.get(f"/api/evaluations/{evaluation_id}")
    assert resumed.status_code == 200
    assert resumed.json["answers"] == {"bm1.plan": "yes", "bm1.notes": "Plan on the website."}
    assert resumed.json["progress"][0] == {
        "number": 1,
        "title": "A stable careers programme",
        "questions": 3,
        "answered": 2,
        "required": 2,
        "required_answered": 1,
        "percentage": 50,
    }
    second = adviser.save(
        evaluation_id,
        {"bm1.review": "yearly", "bm3.share": {"10": "all", "11": "most"}},
        resumed.json["version"],
    )
    assert second.status_code == 200, second.json

    submitted = adviser.submit(evaluation_id)
    assert submitted.status_code == 200, submitted.json
    assert (submitted.json["status"], submitted.json["version"]) == ("completed", 4)
    assert submitted.json["completed_at"] is not None

    events = _events(runtime, evaluation_id)
    assert [e.name for e in events] == [
        "AuditStarted",
        "AuditAnswersSaved",
        "AuditAnswersSaved",
        "AuditCompleted",
    ]
    assert [e.actor for e in events] == ["leader-1", "leader-1", "adviser-1", "adviser-1"]
    assert {e.subject for e in events} == {school}
    assert events[1].data["answers"] == {"bm1.plan": "yes", "bm1.notes": "Plan on the website."}

    # A completed evaluation is a record.
    assert adviser.save(evaluation_id, {"bm1.plan": "no"}, 4).status_code == 409
    assert adviser.submit(evaluation_id).status_code == 409
    assert len(_events(runtime, evaluation_id)) == 4


def test_audit_completed_carries_everything_planner_and_reporting_need(runtime, leader, school):
    evaluation_id = _completed_evaluation(leader, school, {**FULL, "bm1.review": "never", "bm3.sessions": 3})

    completed = _events(runtime, evaluation_id)[-1]
    assert completed.name == "AuditCompleted"
    assert completed.subject == school
    data = completed.data
    assert registry.validate("AuditCompleted", data) == data
    assert {k: data[k] for k in ("evaluation_id", "institution_id", "framework_id", "evaluation_type")} == {
        "evaluation_id": evaluation_id,
        "institution_id": school,
        "framework_id": "test-2025",
        "evaluation_type": "school",
    }
    assert data["completed_at"]
    assert data["benchmarks"] == [
        {"number": 1, "percentage": 50, "achieved": False},
        {"number": 3, "percentage": 100, "achieved": True},
    ]
    assert [(c["criterion_id"], c["benchmark"], c["status"]) for c in data["criteria"]] == [
        ("1.1", 1, "achieved"),
        ("1.2", 1, "not_started"),
        ("3.1", 3, "achieved"),
        ("3.2", 3, "achieved"),
    ]
    assert data["benchmarks_achieved"] == 1
    assert data["copied_from"] is None
    # Every event audit stores matches its contract, and none names a pupil.
    for event in _events(runtime, evaluation_id):
        assert registry.validate(event.name, event.data) == event.data

    results = leader.get(f"/api/evaluations/{evaluation_id}/results")
    assert results.status_code == 200
    assert [(b["number"], b["percentage"], b["change"]) for b in results.json["benchmarks"]] == [
        (1, 50, None),
        (3, 100, None),
    ]
    assert results.json["benchmarks"][0]["criteria"][1] == {
        "criterion_id": "1.2",
        "text": "Reviewed",
        "status": "not_started",
        "met": 0,
        "scored": 1,
    }
    assert results.json["suggested_actions"] == [
        {"criterion_id": "1.2", "text": "Reviewed", "actions": ["Review it every year."]}
    ]


def test_a_copy_of_the_last_completed_evaluation_is_updated_and_compared(runtime, leader, adviser, school):
    assert leader.start(school, copy_last=True).status_code == 409  # nothing completed to copy
    first = _completed_evaluation(leader, school, {**FULL, "bm1.review": "never"})

    copied = adviser.start(school, copy_last=True)
    assert copied.status_code == 201, copied.json
    second = copied.json["evaluation_id"]
    assert (copied.json["copied_from"], copied.json["answers"], copied.json["left_behind"]) == (
        first,
        {**FULL, "bm1.review": "never"},
        [],
    )
    assert [e.name for e in _events(runtime, second)] == ["AuditStarted", "AuditAnswersSaved"]
    assert _events(runtime, second)[0].data["copied_from"] == first

    # One evaluation at a time.
    again = leader.start(school)
    assert (again.status_code, again.json["evaluation_id"]) == (409, second)

    assert adviser.save(second, {"bm1.review": "yearly"}, copied.json["version"]).status_code == 200
    assert adviser.submit(second).status_code == 200
    assert _events(runtime, second)[-1].data["copied_from"] == first

    results = adviser.get(f"/api/evaluations/{second}/results").json
    assert results["previous_evaluation_id"] == first
    assert [(b["number"], b["percentage"], b["change"]) for b in results["benchmarks"]] == [
        (1, 100, 50),
        (3, 50, 0),
    ]
    assert results["benchmarks_achieved"] == 1
    assert results["suggested_actions"] == [{"criterion_id": "3.2", "text": "Guidance", "actions": []}]

    history = leader.get(f"/api/institutions/{school}/evaluations")
    assert history.status_code == 200
    [year] = history.json["academic_years"]
    assert [e["evaluation_id"] for e in year["evaluations"]] == [second, first]
    assert [(e["status"], e["benchmarks_achieved"]) for e in year["evaluations"]] == [
        ("completed", 1),
        ("completed", 0),
    ]
    assert [s["date"][5:] for s in year["termly_snapshots"]] == ["12-31", "03-31", "07-31"]


def test_a_stale_save_is_told_and_saves_after_reloading(runtime, leader, adviser, school):
    evaluation_id = leader.start(school).json["evaluation_id"]
    # Both have version 1 open; the leader saves first.
    assert leader.save(evaluation_id, {"bm1.plan": "yes"}, 1).status_code == 200

    stale = adviser.save(evaluation_id, {"bm1.plan": "no", "bm1.review": "yearly"}, 1)
    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert (stale.json["expected_version"], stale.json["actual_version"]) == (1, 2)
    assert len(_events(runtime, evaluation_id)) == 2  # nothing of the stale save was written

    reloaded = adviser.get(f"/api/evaluations/{evaluation_id}")
    assert (reloaded.json["answers"], reloaded.headers["ETag"]) == ({"bm1.plan": "yes"}, '"2"')
    saved = adviser.save(evaluation_id, {"bm1.review": "yearly"}, 2)
    assert saved.status_code == 200
    assert saved.json["answers"] == {"bm1.plan": "yes", "bm1.review": "yearly"}

    # The version in the body works as If-Match does; a save without one is refused.
    url = f"/api/evaluations/{evaluation_id}/answers"
    assert adviser.patch(url, json={"answers": {"bm1.plan": "no"}, "version": 3}).status_code == 200
    assert adviser.patch(url, json={"answers": {"bm1.plan": "yes"}}).status_code == 428
    # A save that changes nothing records nothing.
    assert adviser.save(evaluation_id, {"bm1.plan": "no"}, 4).json["version"] == 4
    # null clears an answer.
    cleared = adviser.save(evaluation_id, {"bm1.plan": None}, 4)
    assert (cleared.json["version"], cleared.json["answers"]) == (5, {"bm1.review": "yearly"})


def test_submitting_with_required_questions_unanswered_is_refused_with_the_list(runtime, leader, school):
    evaluation_id = leader.start(school).json["evaluation_id"]
    leader.save(evaluation_id, {"bm1.review": "yearly", "bm3.share": {"10": "all"}}, 1)

    refused = leader.submit(evaluation_id)

    assert refused.status_code == 422
    assert refused.json["missing"] == ["bm1.plan", "bm3.share"]  # 11 is not answered yet
    assert set(refused.json["errors"]) == {"answers.bm1.plan", "answers.bm3.share"}
    assert len(_events(runtime, evaluation_id)) == 2

    leader.save(evaluation_id, {"bm1.plan": "no", "bm3.share": {"10": "all", "11": "some"}}, 2)
    accepted = leader.submit(evaluation_id)
    assert accepted.status_code == 200
    assert accepted.json["status"] == "completed"
    assert leader.get(f"/api/evaluations/{evaluation_id}/results").json["benchmarks_achieved"] == 0


# -- the evaluation type --------------------------------------------------------------


def test_a_careers_leader_changes_the_evaluation_type_with_a_reason(
    runtime, runner, directory_log, leader, adviser, school
):
    url = f"/api/institutions/{school}/evaluation-type"
    shown = adviser.get(url)
    assert shown.status_code == 200
    assert (shown.json["evaluation_type"], shown.json["chosen"], shown.json["version"]) == (
        "school",
        False,
        0,
    )

    reason = "Most of our learners follow a specialist curriculum."
    assert (
        adviser.put(url, json={"evaluation_type": "specialist_setting", "reason": reason}).status_code == 403
    )
    no_reason = leader.put(url, json={"evaluation_type": "specialist_setting", "reason": "  "})
    assert (no_reason.status_code, list(no_reason.json["errors"])) == (422, ["reason"])
    assert leader.put(url, json={"evaluation_type": "zoo", "reason": reason}).status_code == 422

    changed = leader.put(url, json={"evaluation_type": "specialist_setting", "reason": reason})
    assert changed.status_code == 200, changed.json
    assert (changed.json["evaluation_type"], changed.json["chosen"], changed.json["reason"]) == (
        "specialist_setting",
        True,
        reason,
    )
    [event] = runtime.store.read_stream(f"evaluation-type-{school}")
    assert (event.name, event.subject, event.actor) == ("EvaluationTypeChanged", school, "leader-1")
    assert event.data == {
        "institution_id": school,
        "evaluation_type": "specialist_setting",
        "previous_evaluation_type": "school",
        "reason": reason,
    }

    # Directory changing the institution type no longer changes the evaluation type.
    directory_log.updated(school, institution_type="fe_college")
    directory_log.deliver(runner)
    after = adviser.get(url).json
    assert (after["institution_type"], after["type_evaluation_type"], after["evaluation_type"]) == (
        "fe_college",
        "fe_itp",
        "specialist_setting",
    )
    # A stale change is told.
    stale = leader.put(url, json={"evaluation_type": "school", "reason": "Back"}, headers={"If-Match": '"0"'})
    assert (stale.status_code, stale.json["actual_version"]) == (409, 1)

    started = leader.start(school)
    assert started.json["evaluation_type"] == "specialist_setting"


def test_a_copy_leaves_behind_answers_the_new_type_does_not_ask(runtime, leader, school):
    first = _completed_evaluation(leader, school, {**FULL, "bm3.sessions": 4})
    url = f"/api/institutions/{school}/evaluation-type"
    assert (
        leader.put(url, json={"evaluation_type": "fe_itp", "reason": "We are a college now."}).status_code
        == 200
    )

    copied = leader.start(school, copy_last=True)

    assert copied.json["evaluation_type"] == "fe_itp"
    assert copied.json["copied_from"] == first
    assert copied.json["left_behind"] == ["bm3.sessions"]
    assert copied.json["answers"] == FULL
    refused = leader.submit(copied.json["evaluation_id"])
    assert refused.json["missing"] == ["bm3.fe"]


# -- who may do what ------------------------------------------------------------------


def test_without_a_valid_token_nothing_is_shown_or_written(runtime, app, person, school):
    anonymous = Caller(app, SigningKey.generate(), None)
    forged = Caller(
        app, SigningKey.generate(), Principal("leader-1", grants=(Grant(LEADER, "institution", school),))
    )
    for caller in (anonymous, forged):
        assert caller.start(school).status_code == 401
        assert caller.get(f"/api/institutions/{school}/evaluations").status_code == 401
        assert caller.get(f"/api/institutions/{school}/evaluation-type").status_code == 401
    assert runtime.store.count_after() == 0


def test_each_role_reads_or_edits_as_the_policy_says(runtime, app, key, person, leader, school, other_school):
    evaluation_id = leader.start(school).json["evaluation_id"]
    leader.save(evaluation_id, FULL, 1)
    evaluation, results = f"/api/evaluations/{evaluation_id}", f"/api/evaluations/{evaluation_id}/results"
    history = f"/api/institutions/{school}/evaluations"

    for role in (SENIOR, GOVERNOR):
        reader = person(role, school, f"{role}-1")
        assert reader.get(evaluation).status_code == 200
        assert reader.get(results).status_code == 200
        assert reader.get(history).status_code == 200
        assert reader.save(evaluation_id, {"bm1.plan": "no"}, 2).status_code == 403
        assert reader.submit(evaluation_id).status_code == 403
        assert reader.start(school).status_code == 403

    admin = person("admin", None, "admin-1", scope_type="platform")
    assert admin.get(evaluation).status_code == 200
    assert admin.save(evaluation_id, {"bm1.plan": "no"}, 2).status_code == 403

    hub = person("hub_lead", HUB_NAME, "hub-1", scope_type="hub")
    trust = person("trust_lead", TRUST_NAME, "trust-1", scope_type="trust")
    for lead in (hub, trust):
        assert lead.get(evaluation).status_code == 403  # answers: no
        assert lead.get(results).status_code == 403  # not submitted yet
        assert lead.get(history).status_code == 200
        assert lead.save(evaluation_id, {"bm1.plan": "no"}, 2).status_code == 403

    # Staff of another institution see nothing of this one, and their hub lead neither.
    stranger = person(LEADER, other_school, "leader-2")
    other_hub = person("hub_lead", "Elsewhere Hub", "hub-2", scope_type="hub")
    for outsider in (stranger, other_hub):
        assert outsider.get(evaluation).status_code == 403
        assert outsider.get(results).status_code == 403
        assert outsider.get(history).status_code == 403
        assert outsider.save(evaluation_id, {"bm1.plan": "no"}, 2).status_code == 403
        assert outsider.submit(evaluation_id).status_code == 403  # someone else's evaluation
        assert outsider.start(school).status_code == 403
    assert (
        stranger.put(
            f"/api/institutions/{school}/evaluation-type", json={"evaluation_type": "fe_itp", "reason": "x"}
        ).status_code
        == 403
    )

    client = lambda scopes: Caller(  # noqa: E731
        app,
        key,
        Principal(
            "client-1",
            "client",
            grants=(Grant("api_client", "institution", school),),
            scopes=frozenset(scopes),
        ),
    )
    assert client({"audit:read"}).get(evaluation).status_code == 200
    assert client(set()).get(evaluation).status_code == 403
    assert client({"audit:read"}).save(evaluation_id, {"bm1.plan": "no"}, 2).status_code == 403

    assert len(_events(runtime, evaluation_id)) == 2
    assert leader.submit(evaluation_id).status_code == 200
    assert hub.get(results).status_code == 200
    assert trust.get(results).status_code == 200


def test_unknown_institutions_and_evaluations_are_not_found_by_those_who_could_see_them(person):
    nowhere = "00000000-0000-4000-8000-000000000000"
    assert person(LEADER, nowhere).start(nowhere).status_code == 404
    assert person(LEADER, nowhere).get(f"/api/institutions/{nowhere}/evaluation-type").status_code == 404
    assert person(SENIOR, "somewhere-else").start(nowhere).status_code == 403
    assert person(LEADER, nowhere).get(f"/api/evaluations/{nowhere}").status_code == 404


def test_a_closed_institution_takes_no_new_evaluation(runner, directory_log, leader, school):
    directory_log.closed(school)
    directory_log.deliver(runner)
    assert leader.start(school).status_code == 409


# -- bad input ------------------------------------------------------------------------


def test_bad_input_gets_field_errors_and_writes_nothing(runtime, leader, school):
    evaluation_id = leader.start(school).json["evaluation_id"]
    url = f"/api/evaluations/{evaluation_id}/answers"
    json_headers = {"Content-Type": "application/json", "If-Match": '"1"'}

    malformed = leader.patch(url, data='{"answers": {"bm1.plan": ', headers=json_headers)
    assert (malformed.status_code, malformed.mimetype) == (400, "application/problem+json")
    assert leader.patch(url, data="[]", headers=json_headers).status_code == 400
    assert leader.patch(url, data=json.dumps({"answers": {}}), headers={"If-Match": '"1"'}).status_code == 415
    unknown_field = leader.patch(url, json={"answers": {}, "by": "Ms Smith"}, headers={"If-Match": '"1"'})
    assert (unknown_field.status_code, list(unknown_field.json["errors"])) == (422, ["by"])
    assert leader.patch(url, json={"answers": "yes"}, headers={"If-Match": '"1"'}).status_code == 422
    assert leader.patch(url, json={"answers": {}}, headers={"If-Match": "three"}).status_code == 400

    bad = leader.save(
        evaluation_id,
        {
            "bm1.plan": "yes",  # fine, but not saved: the part is refused whole
            "bm9.nothing": "yes",
            "bm1.review": "sometimes",
            "bm3.share": {"10": "lots", "7": "all"},
            "bm3.sessions": -1,
            "bm3.fe": "yes",  # asked of colleges only
        },
        1,
    )
    assert bad.status_code == 422
    assert bad.json["type"] == "urn:waymark:problem:validation"
    assert set(bad.json["errors"]) == {
        "answers.bm9.nothing",
        "answers.bm1.review",
        "answers.bm3.share",
        "answers.bm3.sessions",
        "answers.bm3.fe",
    }
    wrong_type = leader.save(evaluation_id, {"bm1.plan": True, "bm3.sessions": "three"}, 1)
    assert set(wrong_type.json["errors"]) == {"answers.bm1.plan", "answers.bm3.sessions"}

    assert len(_events(runtime, evaluation_id)) == 1
    assert leader.get(f"/api/evaluations/{evaluation_id}").json["answers"] == {}
    start_body = leader.post(f"/api/institutions/{school}/evaluations", json={"copy_last": "please"})
    assert start_body.status_code == 422


# -- the framework in force, from its file --------------------------------------------


def _valid_answer(question: Question):  # type: ignore[no-untyped-def]
    if question.answer_type == YES_NO:
        return question.meets if question.meets in ("yes", "no") else "yes"
    if question.answer_type == SINGLE_CHOICE:
        return next((o.value for o in question.options if o.meets), question.options[0].value)
    if question.answer_type == YEAR_GROUP_SHARE:
        return {str(year): "all" for year in question.year_groups}
    if question.answer_type == NUMBER:
        return float(question.meets or 1)
    return "Recorded in the careers plan."


def test_the_whole_lifecycle_against_the_framework_in_force(runtime, leader, adviser, school):
    try:
        framework = FRAMEWORK_FILES.for_day(date.today())
    except LookupError as error:
        pytest.fail(f"no framework file is in force today: {error}")
    runtime.extras["frameworks"] = FRAMEWORK_FILES
    started = leader.start(school)
    assert started.status_code == 201, started.json
    evaluation_id = started.json["evaluation_id"]
    assert started.json["framework_id"] == framework.id
    questions = list(framework.for_type("school").questions().values())
    half = len(questions) // 2

    first = leader.save(evaluation_id, {q.id: _valid_answer(q) for q in questions[:half]}, 1)
    assert first.status_code == 200, first.json
    refused = adviser.submit(evaluation_id)
    assert refused.status_code == 422
    assert refused.json["missing"] == [q.id for q in questions[half:] if q.required]
    second = adviser.save(evaluation_id, {q.id: _valid_answer(q) for q in questions[half:]}, 2)
    assert second.status_code == 200, second.json
    assert adviser.submit(evaluation_id).status_code == 200

    completed = _events(runtime, evaluation_id)[-1]
    assert registry.validate("AuditCompleted", completed.data) == completed.data
    assert completed.data["framework_id"] == framework.id
    assert [b["number"] for b in completed.data["benchmarks"]] == [b.number for b in framework.benchmarks]
    results = leader.get(f"/api/evaluations/{evaluation_id}/results")
    assert results.status_code == 200
    assert len(results.json["benchmarks"]) == len(framework.benchmarks)


# -- the aggregate on its own ---------------------------------------------------------


def test_the_aggregate_rebuilds_from_its_events_and_refuses_an_incomplete_submit():
    from datetime import UTC, datetime

    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    evaluation = Evaluation.start("e-1", FRAMEWORK, "school", "i-1", now)
    evaluation.save_answers(FRAMEWORK, {"bm1.plan": "yes"})
    with pytest.raises(MissingAnswers) as refused:
        evaluation.submit(FRAMEWORK, now)
    assert refused.value.missing == ["bm1.review", "bm3.share"]
    evaluation.save_answers(FRAMEWORK, {"bm1.review": "yearly", "bm3.share": {"10": "all", "11": "all"}})
    evaluation.submit(FRAMEWORK, now)

    rebuilt = Evaluation.from_history(evaluation.pending)
    assert (rebuilt.status, rebuilt.version, rebuilt.answers) == ("completed", 4, evaluation.answers)
    assert rebuilt.result(FRAMEWORK).benchmarks_achieved == 1  # benchmark 3's 3.2 is not met


def test_a_save_that_loses_the_race_to_append_is_told_the_winners_version(runtime, leader, school):
    """Both writers loaded version 2 and passed the version check; the second append
    finds the stream moved on, and its whole transaction (the list row too) is undone."""
    from datetime import UTC, datetime

    from waymark_audit.service_layer import evaluations as handlers
    from waymark_shared.eventstore.store import ConcurrencyError

    evaluation_id = leader.start(school).json["evaluation_id"]
    leader.save(evaluation_id, {"bm1.plan": "yes"}, 1)
    loser = handlers.load_evaluation(evaluation_id, runtime)
    handlers.save_answers(runtime, evaluation_id, {"bm1.review": "yearly"}, 2)  # the winner

    loser.save_answers(FRAMEWORK, {"bm1.plan": "no"})
    with (
        pytest.raises(ConcurrencyError) as lost,
        handlers._reported_at_current_version(runtime, handlers.stream_id(evaluation_id)),
        runtime.engine.begin() as conn,
    ):
        handlers._save(conn, runtime, loser, FRAMEWORK, datetime.now(UTC))

    assert (lost.value.expected, lost.value.actual) == (2, 3)
    shown = leader.get(f"/api/evaluations/{evaluation_id}").json
    assert (shown["version"], shown["answers"]) == (3, {"bm1.plan": "yes", "bm1.review": "yearly"})
    [year] = leader.get(f"/api/institutions/{school}/evaluations").json["academic_years"]
    assert year["evaluations"][0]["version"] == 3


def test_the_api_is_documented(app):
    paths = app.test_client().get("/openapi.json").json["paths"]
    assert {
        "/api/institutions/{institution_id}/evaluations",
        "/api/evaluations/{evaluation_id}",
        "/api/evaluations/{evaluation_id}/answers",
        "/api/evaluations/{evaluation_id}/submit",
        "/api/evaluations/{evaluation_id}/results",
        "/api/institutions/{institution_id}/evaluation-type",
    } <= set(paths)
    assert {"get", "put"} <= set(paths["/api/institutions/{institution_id}/evaluation-type"])
