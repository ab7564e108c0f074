"""Activities in a plan: every field the issue lists, checked; planned, changed and
cancelled. Bad input is refused with field errors and nothing is written."""

from __future__ import annotations

import pytest
from planner_world import World, snapshot

from waymark_planner import views
from waymark_planner.service_layer import activities, plans
from waymark_planner.service_layer.errors import ConcurrencyError, InvalidInput, NotFound

YEAR_ERROR = "Choose a date in 2026/27 (1 September 2026 to 31 August 2027)."


@pytest.fixture
def plan(runtime, world: World) -> dict:
    school = world.institution()
    plan_id = plans.create_plan(runtime, school, "2026/27", origin="empty", objectives=["Raise aspirations"])
    return views.plan_detail(runtime, plan_id)


def _planned(runtime, plan, **fields) -> dict:
    base = {"title": "Engineering employer talk", "activity_type": "employer_talk", "term": "autumn"}
    activity_id = activities.plan_activity(runtime, plan["plan_id"], {**base, **fields})
    return views.activity_detail(runtime, activity_id)


def test_an_activity_keeps_every_field_it_is_planned_with(runtime, world: World, plan):
    provider = world.provider("Riverside Engineering Ltd")
    objective = plan["objectives"][0]["objective_id"]
    activity = _planned(
        runtime,
        plan,
        title="Year 10 visit to the engineering works",
        activity_type="workplace_visit",
        benchmarks=[6],
        criteria=["6.1", "5.3"],
        year_groups=["10", 11],
        subjects=["physics", "engineering"],
        provider_id=provider,
        date="2027-03-04",
        delivery="in_person",
        provider_access_encounter="on",
        meaningful=["task_set", "purpose_shared", "reflection"],
        owner="Mr Okafor (Head of Science)",
        objective_ids=[objective],
        achieve_by="2027-03-31",
        description="A morning on the shop floor with a task set by the apprentices.",
    )
    assert activity["title"] == "Year 10 visit to the engineering works"
    assert activity["activity_type_label"] == "Workplace visit"
    assert activity["benchmarks"] == [5, 6]  # a criterion addresses its benchmark
    assert activity["criteria"] == ["5.3", "6.1"]
    assert activity["year_groups"] == [10, 11]
    assert activity["subject_labels"] == ["Physics", "Engineering"]
    assert (activity["provider_id"], activity["provider"]) == (provider, "Riverside Engineering Ltd")
    assert (activity["date"], activity["term"], activity["term_label"]) == (
        "2027-03-04",
        "spring",
        "Spring term",
    )
    assert activity["delivery_label"] == "In person"
    assert activity["provider_access_encounter"] is True
    assert activity["meaningful"] == ["purpose_shared", "task_set", "reflection"]
    assert activity["owner"] == "Mr Okafor (Head of Science)"
    assert activity["objectives"] == [{"objective_id": objective, "text": "Raise aspirations"}]
    assert activity["achieve_by"] == "2027-03-31"
    assert (activity["status"], activity["version"]) == ("planned", 1)
    assert [h["type"] for h in activity["history"]] == ["ActivityPlanned"]


def test_an_activity_gets_its_types_benchmarks_and_may_name_a_provider_not_in_the_directory(runtime, plan):
    activity = _planned(
        runtime, plan, activity_type="guidance_meeting", provider_name="Acme Careers Ltd", term="summer"
    )
    assert activity["benchmarks"] == [8]
    assert (activity["provider_id"], activity["provider"]) == (None, "Acme Careers Ltd")
    assert (activity["delivery"], activity["provider_access_encounter"]) == ("in_person", False)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"date": "2026-08-31"}, {"date": [YEAR_ERROR]}),
        ({"date": "2027-09-01"}, {"date": [YEAR_ERROR]}),
        ({"date": "14/10/2026"}, {"date": ["Enter a real date, like 2026-10-14."]}),
        ({"achieve_by": "2028-01-01"}, {"achieve_by": [YEAR_ERROR]}),
        ({"term": None}, {"term": ["Choose a term, or give a date."]}),
        ({"term": "michaelmas"}, {"term": ["Choose a term, or give a date."]}),
        ({"title": "  "}, {"title": ["Enter a title for the activity."]}),
        ({"activity_type": "party"}, {"activity_type": ["Choose the type of activity."]}),
        ({"benchmarks": [9]}, {"benchmarks": ["Choose benchmarks from 1 to 8."]}),
        ({"year_groups": [6]}, {"year_groups": ["Choose year groups from Year 7 to Year 14."]}),
        ({"subjects": ["astrology"]}, {"subjects": ["Choose subjects from the list."]}),
        ({"delivery": "carrier pigeon"}, {"delivery": ["Choose in person or virtual."]}),
        ({"meaningful": ["fun"]}, {"meaningful": ["Choose from the meaningful checklist."]}),
        ({"objective_ids": ["someone-elses"]}, {"objective_ids": ["Choose objectives of this plan."]}),
        (
            {"criteria": ["five"]},
            {"criteria": ["Criteria are written like 5.1 (benchmark 5, criterion 1): not five."]},
        ),
        ({"colour": "red"}, {"colour": ["Unknown field."]}),
        (
            {"provider_id": "5b0f7a4e-0000-4000-8000-000000000000"},
            {"provider_id": ["Choose a provider listed in the directory, or type the provider's name."]},
        ),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(runtime, plan, fields, errors):
    before = snapshot(runtime)
    base = {"title": "Employer talk", "activity_type": "employer_talk", "term": "autumn"}
    with pytest.raises(InvalidInput) as refused:
        activities.plan_activity(runtime, plan["plan_id"], {**base, **fields})
    assert refused.value.errors == errors
    assert snapshot(runtime) == before


def test_a_withdrawn_provider_cannot_be_chosen_but_stays_on_activities_that_named_it(
    runtime, world: World, plan
):
    provider = world.provider("Hillside Motors")
    activity = _planned(runtime, plan, provider_id=provider)
    world.withdraw(provider)
    with pytest.raises(InvalidInput) as refused:
        _planned(runtime, plan, provider_id=provider)
    assert refused.value.errors == {
        "provider_id": [
            "Hillside Motors has been withdrawn from the directory: choose another, or type the name."
        ]
    }
    # The activity that named it can still be changed in other ways.
    version = activities.update_activity(runtime, activity["activity_id"], {"title": "Motor trades talk"})
    changed = views.activity_detail(runtime, activity["activity_id"])
    assert (version, changed["title"], changed["provider_id"]) == (2, "Motor trades talk", provider)


def test_a_change_records_only_what_changed_on_the_version_last_seen(runtime, world: World, plan):
    activity = _planned(runtime, plan)
    activity_id = activity["activity_id"]
    version = activities.update_activity(
        runtime, activity_id, {"date": "2027-05-12", "title": "Engineering employer talk"}, expected_version=1
    )
    changed = views.activity_detail(runtime, activity_id)
    assert (version, changed["date"], changed["term"]) == (2, "2027-05-12", "summer")
    history = runtime.store.read_stream(f"activity-{activity_id}")
    assert history[-1].name == "ActivityUpdated"
    assert history[-1].data["changes"] == {"date": "2027-05-12", "term": "summer"}
    # Nothing changes: nothing is appended.
    assert activities.update_activity(runtime, activity_id, {"title": "Engineering employer talk"}) == 2
    with pytest.raises(ConcurrencyError) as stale:
        activities.update_activity(runtime, activity_id, {"title": "Later"}, expected_version=1)
    assert stale.value.actual == 2
    before = snapshot(runtime)
    with pytest.raises(InvalidInput):
        activities.update_activity(runtime, activity_id, {"date": "2025-01-01"})
    assert snapshot(runtime) == before


def test_a_provider_from_the_directory_replaces_a_typed_name_and_the_other_way_round(
    runtime, world: World, plan
):
    provider = world.provider("Leeds College")
    activity = _planned(runtime, plan, provider_name="Some college")
    activities.update_activity(runtime, activity["activity_id"], {"provider_id": provider})
    changed = views.activity_detail(runtime, activity["activity_id"])
    assert (changed["provider_id"], changed["provider_name"], changed["provider"]) == (
        provider,
        None,
        "Leeds College",
    )
    activities.update_activity(runtime, activity["activity_id"], {"provider_name": "Another college"})
    changed = views.activity_detail(runtime, activity["activity_id"])
    assert (changed["provider_id"], changed["provider"]) == (None, "Another college")


def test_a_cancelled_activity_has_its_reason_and_is_not_changed_or_cancelled_again(runtime, plan):
    activity_id = _planned(runtime, plan)["activity_id"]
    with pytest.raises(InvalidInput) as refused:
        activities.cancel_activity(runtime, activity_id, "  ")
    assert refused.value.errors == {"reason": ["Say why the activity is cancelled."]}
    assert activities.cancel_activity(runtime, activity_id, "The speaker was ill") == 2
    cancelled = views.activity_detail(runtime, activity_id)
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "The speaker was ill")
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        activities.cancel_activity(runtime, activity_id, "Again")
    assert list(refused.value.errors) == ["status"]
    with pytest.raises(InvalidInput):
        activities.update_activity(runtime, activity_id, {"title": "Revived"})
    assert snapshot(runtime) == before
    assert views.plan_detail(runtime, plan["plan_id"])["counts"]["cancelled"] == 1


def test_unknown_plans_and_activities_are_not_found(runtime, plan):
    missing = "5b0f7a4e-0000-4000-8000-000000000000"
    with pytest.raises(NotFound):
        activities.plan_activity(runtime, missing, {"title": "x", "activity_type": "other", "term": "autumn"})
    with pytest.raises(NotFound):
        activities.update_activity(runtime, missing, {"title": "x"})
    assert views.activity_detail(runtime, missing) is None
    assert views.plan_detail(runtime, missing) is None


def test_the_plan_groups_its_activities_by_term_and_by_benchmark(runtime, plan):
    _planned(runtime, plan, title="Careers fair", activity_type="careers_fair", date="2027-02-02")
    _planned(runtime, plan, title="Guidance", activity_type="guidance_meeting", term="autumn")
    _planned(runtime, plan, title="LMI", activity_type="lmi_session", term="summer")
    detail = views.plan_detail(runtime, plan["plan_id"])
    assert [a["title"] for a in detail["activities"]] == ["Guidance", "Careers fair", "LMI"]
    assert {t["term"]: [a["title"] for a in t["activities"]] for t in detail["by_term"]} == {
        "autumn": ["Guidance"],
        "spring": ["Careers fair"],
        "summer": ["LMI"],
    }
    by_benchmark = {b["benchmark"]: [a["title"] for a in b["activities"]] for b in detail["by_benchmark"]}
    assert by_benchmark[5] == ["Careers fair"] and by_benchmark[7] == ["Careers fair"]
    assert by_benchmark[8] == ["Guidance"] and by_benchmark[2] == ["LMI"] and by_benchmark[1] == []
    assert detail["counts"]["planned"] == 3
    assert detail["counts"]["benchmarks_uncovered"] == [1, 3, 4, 6]
