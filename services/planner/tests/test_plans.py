"""Plans: one per institution per academic year, created empty, from the previous
year's plan or from the gaps of the latest completed evaluation; objectives; the
suggestions a careers leader accepts (with edits) or dismisses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from planner_world import World
from sqlalchemy import func, select

from waymark_planner import views
from waymark_planner.service_layer import activities, plans
from waymark_planner.service_layer import suggestions as answers
from waymark_planner.service_layer.errors import ConcurrencyError, InvalidInput, NotFound, PlanExists
from waymark_shared.service import ServiceRuntime

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _events(runtime: ServiceRuntime) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(_events_table())).scalar_one())


def _events_table():  # type: ignore[no-untyped-def]
    from waymark_shared.db.tables import events

    return events


def test_an_empty_plan_has_its_objectives_and_is_one_per_institution_per_year(runtime, world: World):
    school = world.institution()
    plan_id = plans.create_plan(
        runtime,
        school,
        "2026/27",
        origin="empty",
        objectives=["Every Year 10 has a workplace visit", " "],
        now=NOW,
    )
    plan = views.plan_detail(runtime, plan_id)
    assert plan is not None
    assert (plan["academic_year"], plan["origin"], plan["version"]) == ("2026/27", "empty", 1)
    assert [o["text"] for o in plan["objectives"]] == ["Every Year 10 has a workplace visit"]
    assert plan["activities"] == [] and plan["suggestions"] == []
    assert views.plan_for(runtime, school, "2026/27")["plan_id"] == plan_id
    with pytest.raises(PlanExists) as refused:
        plans.create_plan(runtime, school, "2026/27", origin="empty", objectives=[])
    assert refused.value.plan_id == plan_id
    # Another year, and another institution's same year, are fine.
    plans.create_plan(runtime, school, "2027/28", origin="empty", objectives=[])
    plans.create_plan(runtime, world.institution("Hillside School"), "2026/27", origin="empty", objectives=[])


def test_a_plan_for_an_institution_planner_has_not_heard_of_is_not_found(runtime, world: World):
    with pytest.raises(NotFound):
        plans.create_plan(
            runtime, "5b0f7a4e-0000-4000-8000-000000000000", "2026/27", origin="empty", objectives=[]
        )


@pytest.mark.parametrize("year", ["2026", "2026/28", "26/27", ""])
def test_a_malformed_academic_year_is_refused_and_nothing_is_written(runtime, world: World, year):
    school = world.institution()
    before = _events(runtime)
    with pytest.raises(InvalidInput) as refused:
        plans.create_plan(runtime, school, year, origin="empty", objectives=[])
    assert "academic_year" in refused.value.errors
    assert _events(runtime) == before


def test_from_the_previous_year_copies_objectives_and_activities_a_year_later(runtime, world: World):
    school = world.institution()
    last = plans.create_plan(
        runtime, school, "2025/26", origin="empty", objectives=["Raise aspirations"], now=NOW
    )
    objective = views.plan_detail(runtime, last)["objectives"][0]["objective_id"]
    dated = activities.plan_activity(
        runtime,
        last,
        {
            "title": "Year 10 engineering talk",
            "activity_type": "employer_talk",
            "date": "2025-10-14",
            "year_groups": [10],
            "objective_ids": [objective],
            "owner": "Ms Patel, careers leader",
        },
    )
    termly = activities.plan_activity(
        runtime, last, {"title": "Sixth form open evening", "activity_type": "fe_visit", "term": "spring"}
    )
    cancelled = activities.plan_activity(
        runtime, last, {"title": "Cancelled fair", "activity_type": "careers_fair", "term": "summer"}
    )
    activities.cancel_activity(runtime, cancelled, "The hall flooded")

    plan_id = plans.create_plan(
        runtime,
        school,
        "2026/27",
        origin="previous_year",
        objectives=["Every pupil meets an employer"],
        now=NOW,
    )

    plan = views.plan_detail(runtime, plan_id)
    assert plan["origin"] == "previous_year" and plan["copied_from_plan_id"] == last
    assert [o["text"] for o in plan["objectives"]] == ["Raise aspirations", "Every pupil meets an employer"]
    copied = {a["title"]: a for a in plan["activities"]}
    assert set(copied) == {"Year 10 engineering talk", "Sixth form open evening"}
    talk = copied["Year 10 engineering talk"]
    assert (talk["date"], talk["term"], talk["status"]) == ("2026-10-14", "autumn", "planned")
    assert talk["objective_ids"] == [objective] and talk["owner"] == "Ms Patel, careers leader"
    assert talk["activity_id"] not in (dated, termly)
    assert copied["Sixth form open evening"]["term"] == "spring"
    assert copied["Sixth form open evening"]["date"] is None


def test_from_the_previous_year_without_one_is_refused(runtime, world: World):
    school = world.institution()
    with pytest.raises(InvalidInput) as refused:
        plans.create_plan(runtime, school, "2026/27", origin="previous_year", objectives=[])
    assert refused.value.errors == {"origin": ["There is no 2025/26 plan to copy."]}
    assert views.plan_for(runtime, school, "2026/27") is None


def test_from_the_evaluation_suggests_an_activity_per_criterion_not_achieved(runtime, world: World):
    school = world.institution()
    world.completed(school, {"5.1": "achieved", "1.1": "achieved"}, completed_at="2026-06-20T10:00:00Z")
    latest = world.completed(
        school,
        {"5.1": "in_progress", "6.1": "not_started", "8.2": "achieved", "1.3": "in_progress"},
        completed_at="2026-11-20T10:00:00Z",
    )
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="evaluation", objectives=[], now=NOW)

    plan = views.plan_detail(runtime, plan_id)
    assert plan["evaluation_id"] == latest.data["evaluation_id"]
    offered = plan["suggestions"]
    assert [(s["criterion_id"], s["benchmark"], s["status"]) for s in offered] == [
        ("1.3", 1, "offered"),
        ("5.1", 5, "offered"),
        ("6.1", 6, "offered"),
    ]
    for suggestion in offered:
        assert suggestion["title"] and suggestion["criterion_title"] and suggestion["year_groups"]
        # Achieve by the end of a term of 2026/27, never a day already past.
        assert "2026-12-01" <= suggestion["achieve_by"] <= "2027-08-31"


def test_from_the_evaluation_without_one_is_refused(runtime, world: World):
    school = world.institution()
    with pytest.raises(InvalidInput) as refused:
        plans.create_plan(runtime, school, "2026/27", origin="evaluation", objectives=[])
    assert list(refused.value.errors) == ["origin"]


def test_an_accepted_suggestion_becomes_a_planned_activity_with_the_edits(runtime, world: World):
    school = world.institution()
    world.completed(school, {"5.1": "not_started", "7.1": "not_started"})
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="evaluation", objectives=[], now=NOW)
    first, second = views.plan_detail(runtime, plan_id)["suggestions"]

    activity_id = answers.accept_suggestion(
        runtime,
        plan_id,
        first["suggestion_id"],
        {"title": "Year 9 employer speed networking", "date": "2027-02-10"},
    )
    answers.dismiss_suggestion(
        runtime, plan_id, second["suggestion_id"], "We use the local college's open days"
    )

    activity = views.activity_detail(runtime, activity_id)
    assert activity["title"] == "Year 9 employer speed networking"
    assert (activity["date"], activity["term"]) == ("2027-02-10", "spring")
    assert 5 in activity["benchmarks"] and activity["criteria"] == ["5.1"]
    assert activity["suggestion_id"] == first["suggestion_id"]
    plan = views.plan_detail(runtime, plan_id)
    statuses = {s["criterion_id"]: s["status"] for s in plan["suggestions"]}
    assert statuses == {"5.1": "accepted", "7.1": "dismissed"}
    with pytest.raises(InvalidInput):
        answers.accept_suggestion(runtime, plan_id, first["suggestion_id"], None)


def test_an_accepted_suggestion_with_a_bad_edit_writes_nothing(runtime, world: World):
    school = world.institution()
    world.completed(school, {"5.1": "not_started"})
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="evaluation", objectives=[], now=NOW)
    suggestion = views.plan_detail(runtime, plan_id)["suggestions"][0]
    before = _events(runtime)
    with pytest.raises(InvalidInput) as refused:
        answers.accept_suggestion(runtime, plan_id, suggestion["suggestion_id"], {"date": "2027-09-01"})
    assert refused.value.errors["date"] == ["Choose a date in 2026/27 (1 September 2026 to 31 August 2027)."]
    assert _events(runtime) == before
    plan = views.plan_detail(runtime, plan_id)
    assert plan["suggestions"][0]["status"] == "offered" and plan["activities"] == []


def test_objectives_change_on_the_version_last_seen(runtime, world: World):
    school = world.institution()
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="empty", objectives=["One"])
    kept = views.plan_detail(runtime, plan_id)["objectives"][0]
    version = plans.change_objectives(
        runtime,
        plan_id,
        [{"objective_id": kept["objective_id"], "text": "One, reworded"}, "Two"],
        expected_version=1,
    )
    assert version == 2
    objectives = views.plan_detail(runtime, plan_id)["objectives"]
    assert objectives[0] == {"objective_id": kept["objective_id"], "text": "One, reworded"}
    assert objectives[1]["text"] == "Two"
    with pytest.raises(ConcurrencyError) as stale:
        plans.change_objectives(runtime, plan_id, ["Three"], expected_version=1)
    assert stale.value.actual == 2
    with pytest.raises(InvalidInput):
        plans.change_objectives(runtime, plan_id, [{"objective_id": "not-this-plans", "text": "x"}])
