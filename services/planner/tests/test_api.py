"""Planner's JSON API through Flask's test client, on SQLite and PostgreSQL: plans
created from the evaluation's gaps, listed and read with their ETag; objectives changed
with If-Match (a stale one refused); suggestions accepted with changes and dismissed;
activities planned, changed, logged with who took part, corrected, evaluated and
cancelled; every bad input a problem+json 4xx with field-level errors and nothing
written; the Word and Excel downloads; who sees learner ids."""

from __future__ import annotations

import io
from typing import Any

import pytest
from authz_planner_world import a_day_in, current_year
from docx import Document
from openpyxl import load_workbook

from waymark_planner import views
from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import issue_token

HUB = "West Yorkshire Careers Hub"
GAPS = {"1.1": "achieved", "5.1": "not_started", "6.1": "in_progress"}
PROBLEM = "application/problem+json"


@pytest.fixture
def school(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    institution_id = world.institution("Riverside Academy", careers_hub=HUB)
    learners = world.learners(institution_id, 9, 3, form_group="9K")
    world.completed(institution_id, GAPS)
    return {"id": institution_id, "learners": learners, "provider_id": world.provider("Aire Engineering Ltd")}


class Caller:
    def __init__(self, app: Any, key: Any, principal: Principal):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {issue_token(principal, key)}"}

    def get(self, url: str, **headers: str):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers={**self.headers, **headers})

    def send(self, method: str, url: str, body: Any = None, **headers: str):  # type: ignore[no-untyped-def]
        return self.client.open(url, method=method, json=body, headers={**self.headers, **headers})


@pytest.fixture
def caller(app, key):  # type: ignore[no-untyped-def]
    def make(
        role: str, scope_id: str, scope_type: str = "institution", scopes: tuple[str, ...] = ()
    ) -> Caller:
        kind = "client" if role == "api_client" else "person"
        principal = Principal(
            f"{role}-1",
            kind,
            "Pat Jones",
            grants=(Grant(role, scope_type, scope_id),),
            scopes=frozenset(scopes),
        )
        return Caller(app, key, principal)

    return make


def _plan(leader: Caller, school: dict, origin: str = "evaluation") -> dict:
    answer = leader.send(
        "POST",
        f"/api/institutions/{school['id']}/plans",
        {"academic_year": str(current_year()), "origin": origin, "objectives": [{"text": "Meet employers"}]},
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def _activity(leader: Caller, plan_id: str, **fields: Any) -> dict:
    body = {"title": "Year 9 employer talk", "activity_type": "employer_talk", "term": "autumn", **fields}
    answer = leader.send("POST", f"/api/plans/{plan_id}/activities", body)
    assert answer.status_code == 201, answer.json
    return answer.json


def _problem(answer: Any, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:500])
    assert answer.content_type == PROBLEM
    return answer.json


def test_a_plan_is_created_from_the_evaluation_listed_and_read(caller, school) -> None:
    leader = caller("careers_leader", school["id"])
    answer = leader.send(
        "POST",
        f"/api/institutions/{school['id']}/plans",
        {
            "academic_year": str(current_year()),
            "origin": "evaluation",
            "objectives": [{"text": "Meet employers"}],
        },
    )
    assert answer.status_code == 201
    plan = answer.json
    assert answer.headers["Location"].endswith(f"/api/plans/{plan['plan_id']}")
    assert answer.headers["ETag"] == f'"{plan["version"]}"'
    assert plan["origin"] == "evaluation" and [o["text"] for o in plan["objectives"]] == ["Meet employers"]
    assert [(s["criterion_id"], s["status"]) for s in plan["suggestions"]] == [
        ("5.1", "offered"),
        ("6.1", "offered"),
    ]
    listed = leader.get(f"/api/institutions/{school['id']}/plans?academic_year={current_year()}").json
    assert [p["plan_id"] for p in listed["plans"]] == [plan["plan_id"]]
    assert listed["plans"][0]["counts"] == {"planned": 0, "delivered": 0, "cancelled": 0}
    assert leader.get(f"/api/institutions/{school['id']}/plans?academic_year=2099/00").json["plans"] == []
    shown = leader.get(f"/api/plans/{plan['plan_id']}")
    assert shown.status_code == 200 and shown.json["plan_id"] == plan["plan_id"]
    again = leader.send(
        "POST", f"/api/institutions/{school['id']}/plans", {"academic_year": str(current_year())}
    )
    assert _problem(again, 409)["plan_id"] == plan["plan_id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"academic_year": "2026-27"}, "academic_year"),
        ({"academic_year": "CURRENT", "origin": "sideways"}, "origin"),
        ({"academic_year": "CURRENT", "objectives": [{"text": ""}]}, "objectives.0.text"),
        ({"academic_year": "CURRENT", "colour": "blue"}, "colour"),
        ({}, "academic_year"),
    ],
)
def test_bad_plans_are_refused_with_field_errors_and_nothing_is_written(
    caller, school, runtime, body, field
) -> None:  # type: ignore[no-untyped-def]
    leader = caller("careers_leader", school["id"])
    if body.get("academic_year") == "CURRENT":
        body = {**body, "academic_year": str(current_year())}
    problem = _problem(leader.send("POST", f"/api/institutions/{school['id']}/plans", body), 422)
    assert field in problem["errors"], problem
    assert views.plans_of(runtime, school["id"]) == []


def test_objectives_change_with_if_match_and_a_stale_version_is_refused(caller, school, runtime) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school)
    url = f"/api/plans/{plan['plan_id']}/objectives"
    kept = plan["objectives"][0]
    answer = leader.send(
        "PUT",
        url,
        {"objectives": [kept, {"text": "Visit workplaces"}]},
        **{"If-Match": f'"{plan["version"]}"'},
    )
    assert answer.status_code == 200, answer.json
    assert [o["text"] for o in answer.json["objectives"]] == ["Meet employers", "Visit workplaces"]
    assert answer.json["objectives"][0]["objective_id"] == kept["objective_id"]
    stale = leader.send("PUT", url, {"objectives": []}, **{"If-Match": f'"{plan["version"]}"'})
    _problem(stale, 409)
    assert len(views.plan_detail(runtime, plan["plan_id"])["objectives"]) == 2
    _problem(leader.send("PUT", url, {"objectives": []}, **{"If-Match": "yesterday"}), 400)


def test_suggestions_are_accepted_with_changes_or_dismissed(caller, school, runtime) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school)
    first, second = plan["suggestions"]
    url = f"/api/plans/{plan['plan_id']}/suggestions"
    bad = leader.send("POST", f"{url}/{first['suggestion_id']}/accept", {"overrides": {"term": "winter"}})
    assert "overrides.term" in _problem(bad, 422)["errors"]
    answer = leader.send(
        "POST", f"{url}/{first['suggestion_id']}/accept", {"overrides": {"title": "Engineers in assembly"}}
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["title"] == "Engineers in assembly" and 5 in answer.json["benchmarks"]
    assert answer.headers["Location"].endswith(f"/api/activities/{answer.json['activity_id']}")
    twice = leader.send("POST", f"{url}/{first['suggestion_id']}/accept")
    assert "suggestion_id" in _problem(twice, 422)["errors"]
    dismissed = leader.send(
        "POST", f"{url}/{second['suggestion_id']}/dismiss", {"reason": "Done by the college"}
    )
    assert dismissed.status_code == 200
    assert {s["criterion_id"]: s["status"] for s in dismissed.json["suggestions"]} == {
        "5.1": "accepted",
        "6.1": "dismissed",
    }
    _problem(leader.send("POST", f"{url}/00000000-0000-4000-8000-000000000000/dismiss"), 404)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": "2099-10-01"}, "date"),
        ({"date": "yesterday"}, "date"),
        ({"provider_id": "00000000-0000-4000-8000-000000000000"}, "provider_id"),
        ({"activity_type": "juggling"}, "activity_type"),
        ({"year_groups": [6]}, "year_groups.0"),
        ({"term": None}, "term"),
        ({"meaningful": ["fun"]}, "meaningful.0"),
    ],
)
def test_bad_activities_are_refused_with_field_errors_and_nothing_is_written(
    caller, school, runtime, fields, field
) -> None:  # type: ignore[no-untyped-def]
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    body = {"title": "Talk", "activity_type": "employer_talk", "term": "autumn", **fields}
    problem = _problem(leader.send("POST", f"/api/plans/{plan['plan_id']}/activities", body), 422)
    assert field in problem["errors"], problem
    assert views.plan_detail(runtime, plan["plan_id"])["activities"] == []


def test_an_activity_is_planned_changed_and_a_stale_change_refused(caller, school, runtime) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    year = current_year()
    created = _activity(
        leader,
        plan["plan_id"],
        date=year.starts.replace(month=10, day=14).isoformat(),
        provider_id=school["provider_id"],
        year_groups=[9],
        meaningful=["two_way"],
        provider_access_encounter=True,
        delivery="virtual",
    )
    assert (
        created["term"] == "autumn"
        and created["provider_id"] == school["provider_id"]
        and created["status"] == "planned"
    )
    url = f"/api/activities/{created['activity_id']}"
    changed = leader.send("PATCH", url, {"title": "Renamed", "version": created["version"]})
    assert changed.status_code == 200 and changed.json["title"] == "Renamed"
    _problem(leader.send("PATCH", url, {"title": "Older"}, **{"If-Match": f'"{created["version"]}"'}), 409)
    assert views.activity_detail(runtime, created["activity_id"])["title"] == "Renamed"


def test_delivery_is_logged_with_learners_form_groups_and_counts(caller, school, world, runtime) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    activity = _activity(leader, plan["plan_id"])
    url = f"/api/activities/{activity['activity_id']}/delivery"
    day = a_day_in(current_year()).isoformat()
    elsewhere = world.institution("Elsewhere School")
    stranger = world.learners(elsewhere, 9, 1)[0]
    for body, field in (
        ({"delivered_on": day, "learner_ids": [stranger]}, "learner_ids"),
        ({"delivered_on": day, "learner_ids": ["00000000-0000-4000-8000-000000000000"]}, "learner_ids"),
        ({"delivered_on": "2099-01-01", "form_groups": ["9K"]}, "delivered_on"),
        ({"delivered_on": day, "counts": [{"year_group": 9, "count": -3}]}, "counts.0.count"),
        ({"form_groups": ["9K"]}, "delivered_on"),
    ):
        assert field in _problem(leader.send("POST", url, body), 422)["errors"], body
    assert views.activity_detail(runtime, activity["activity_id"])["status"] == "planned"
    answer = leader.send(
        "POST",
        url,
        {
            "delivered_on": day,
            "form_groups": ["9K"],
            "counts": [{"year_group": 11, "count": 30}],
            "meaningful": ["two_way"],
        },
    )
    assert answer.status_code == 200, answer.json
    part = answer.json["participation"]
    assert {p["learner_id"] for p in part["learners"]} == set(school["learners"]) and part["total"] == 33
    assert {p["form_group"] for p in part["learners"]} == {"9K"}
    assert answer.json["status"] == "delivered" and answer.json["delivered_on"] == day
    assert (
        "status"
        in _problem(leader.send("POST", url, {"delivered_on": day, "form_groups": ["9K"]}), 422)["errors"]
    )


def test_api_clients_read_with_planner_read_and_log_with_planner_write(caller, school) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    activity = _activity(leader, plan["plan_id"])
    reader = caller("api_client", school["id"], scopes=("planner:read",))
    writer = caller("api_client", school["id"], scopes=("planner:write",))
    url = f"/api/activities/{activity['activity_id']}/delivery"
    body = {"delivered_on": a_day_in(current_year()).isoformat(), "learner_ids": school["learners"][:2]}
    _problem(reader.send("POST", url, body), 403)
    assert reader.get(f"/api/plans/{plan['plan_id']}").status_code == 200
    logged = writer.send("POST", url, body)
    assert logged.status_code == 200, logged.json
    assert logged.json["participation"]["total"] == 2 and logged.json["participation"]["learners"] == []
    read = reader.get(f"/api/activities/{activity['activity_id']}").json
    assert {p["learner_id"] for p in read["participation"]["learners"]} == set(school["learners"][:2])
    _problem(
        writer.send(
            "POST", f"/api/plans/{plan['plan_id']}/activities", {"title": "x", "activity_type": "other"}
        ),
        404,
    )


def test_participation_is_corrected_evaluated_and_a_planned_one_cancelled(caller, school, runtime) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    objective_id = plan["objectives"][0]["objective_id"]
    delivered = _activity(leader, plan["plan_id"])
    url = f"/api/activities/{delivered['activity_id']}"
    day = a_day_in(current_year()).isoformat()
    assert (
        leader.send("POST", f"{url}/delivery", {"delivered_on": day, "form_groups": ["9K"]}).status_code
        == 200
    )
    corrections = f"{url}/participation-corrections"
    assert (
        "reason"
        in _problem(leader.send("POST", corrections, {"remove": [school["learners"][0]]}), 422)["errors"]
    )
    corrected = leader.send("POST", corrections, {"remove": [school["learners"][0]], "reason": "Absent"})
    assert corrected.status_code == 200 and corrected.json["participation"]["total"] == 2
    bad = leader.send("POST", f"{url}/evaluation", {"feedback": [{"from": "learners", "rating": 6}]})
    assert "feedback.0.rating" in _problem(bad, 422)["errors"]
    bad = leader.send(
        "POST", f"{url}/evaluation", {"outcomes": [{"objective_id": "not-ours", "outcome": "met"}]}
    )
    assert any(name.startswith("outcomes") for name in _problem(bad, 422)["errors"])
    evaluated = leader.send(
        "POST",
        f"{url}/evaluation",
        {
            "feedback": [{"from": "learners", "rating": 4, "responses": 20, "comment": "Good"}],
            "outcomes": [{"objective_id": objective_id, "outcome": "met"}],
            "summary": "Again next year",
        },
    )
    assert evaluated.status_code == 200, evaluated.json
    assert evaluated.json["evaluation"]["feedback"] == [
        {"from": "learners", "rating": 4, "comment": "Good", "responses": 20}
    ]
    assert evaluated.json["evaluation"]["outcomes"][0]["outcome"] == "met"
    planned = _activity(leader, plan["plan_id"], title="Fair")
    cancel = f"/api/activities/{planned['activity_id']}/cancel"
    assert "reason" in _problem(leader.send("POST", cancel, {"reason": ""}), 422)["errors"]
    answer = leader.send("POST", cancel, {"reason": "Snow"})
    assert answer.status_code == 200 and answer.json["status"] == "cancelled"
    assert "status" in _problem(leader.send("POST", f"{url}/cancel", {"reason": "Too late"}), 422)["errors"]


def test_hub_leads_and_governors_read_but_hub_leads_see_no_learner_ids(caller, school) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    activity = _activity(leader, plan["plan_id"])
    day = a_day_in(current_year()).isoformat()
    leader.send(
        "POST",
        f"/api/activities/{activity['activity_id']}/delivery",
        {"delivered_on": day, "form_groups": ["9K"]},
    )
    hub_lead = caller("hub_lead", HUB, scope_type="hub")
    seen = hub_lead.get(f"/api/activities/{activity['activity_id']}").json
    assert seen["participation"]["learners"] == [] and seen["participation"]["total"] == 3
    governor = caller("governor", school["id"])
    seen = governor.get(f"/api/activities/{activity['activity_id']}").json
    assert len(seen["participation"]["learners"]) == 3
    _problem(governor.send("POST", f"/api/activities/{activity['activity_id']}/cancel", {"reason": "x"}), 403)
    _problem(hub_lead.send("PATCH", f"/api/activities/{activity['activity_id']}", {"title": "x"}), 403)
    assert _problem(
        caller("careers_leader", "00000000-0000-4000-8000-000000000000").get(f"/api/plans/{plan['plan_id']}"),
        404,
    )
    _problem(leader.client.get(f"/api/plans/{plan['plan_id']}"), 401)


def test_the_plan_and_the_log_download_as_word_and_excel(caller, school) -> None:
    leader = caller("careers_leader", school["id"])
    plan = _plan(leader, school, origin="empty")
    activity = _activity(leader, plan["plan_id"], title="Robotics employer talk")
    day = a_day_in(current_year()).isoformat()
    leader.send(
        "POST",
        f"/api/activities/{activity['activity_id']}/delivery",
        {"delivered_on": day, "form_groups": ["9K"]},
    )
    hub_lead = caller("hub_lead", HUB, scope_type="hub")
    for name in ("export.docx", "export.xlsx", "log.docx", "log.xlsx"):
        answer = hub_lead.get(f"/api/plans/{plan['plan_id']}/{name}")
        assert answer.status_code == 200, name
        assert "attachment" in answer.headers["Content-Disposition"]
        content = io.BytesIO(answer.get_data())
        if name.endswith("docx"):
            assert answer.content_type.startswith(
                "application/vnd.openxmlformats-officedocument.wordprocessingml"
            )
            document = Document(content)
            text = " ".join(
                cell.text for table in document.tables for row in table.rows for cell in row.cells
            )
            text += " ".join(p.text for p in document.paragraphs)
        else:
            assert answer.content_type.startswith(
                "application/vnd.openxmlformats-officedocument.spreadsheetml"
            )
            workbook = load_workbook(content)
            text = " ".join(
                str(c.value) for s in workbook.worksheets for row in s.iter_rows() for c in row if c.value
            )
        assert "Robotics employer talk" in text, name
        for learner_id in school["learners"]:
            assert learner_id not in text


def test_the_openapi_document_describes_planners_routes(app) -> None:
    document = app.test_client().get("/openapi.json").json
    paths = document["paths"]
    for path in (
        "/api/institutions/{institution_id}/plans",
        "/api/plans/{plan_id}",
        "/api/plans/{plan_id}/suggestions/{suggestion_id}/accept",
        "/api/activities/{activity_id}/delivery",
        "/api/activities/{activity_id}/participation-corrections",
        "/api/plans/{plan_id}/export.docx",
    ):
        assert path in paths, path
    assert "422" in paths["/api/plans/{plan_id}/activities"]["post"]["responses"]
