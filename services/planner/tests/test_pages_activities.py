"""Planner's activity pages through Flask's test client, on SQLite and PostgreSQL: an
activity added with every field and changed (a stale change shown with the latest),
bad input re-shown with 422 and nothing written, delivery logged for a form group with
pseudonymous learners, participation corrected with a reason, evaluation, cancelling."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from authz_planner_clients import (  # noqa: F401  (person and school are fixtures)
    activity_fields,
    changed,
    create_plan,
    date_fields,
    delivered_activity,
    form_of,
    multi,
    new_activity,
    person,
    school,
)
from authz_planner_world import a_day_in, current_year

from waymark_planner import views


def test_an_activity_is_added_with_every_field_then_changed(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty", objectives="Every learner meets an employer")
    objective_id = views.plan_detail(runtime, plan_id)["objectives"][0]["objective_id"]
    year = current_year()
    form = leader.page(f"/plans/{plan_id}/activities/new")
    for name in (
        "title",
        "activity_type",
        "criteria",
        "owner",
        "provider_name",
        "date-day",
        "achieve_by-day",
        "description",
    ):
        assert f'name="{name}"' in form, name
    for name in ("benchmarks", "year_groups", "subjects", "meaningful", "objective_ids"):
        assert f'name="{name}" type="checkbox"' in form, name
    assert 'name="term" type="radio"' in form and 'name="delivery" type="radio"' in form
    assert "Aire Engineering Ltd" in form  # directory's listed providers to choose from
    day = year.starts.replace(month=11, day=12)
    activity_id = new_activity(
        leader,
        plan_id,
        title="Engineering employer talk",
        year_groups=["9", "10"],
        subjects=["physics", "mathematics"],
        provider_id=school["provider_id"],
        term="",
        **date_fields("date", day),
        delivery="virtual",
        provider_access_encounter="yes",
        meaningful=["purpose_shared", "two_way"],
        owner="Ms Patel, Head of Year 9",
        objective_ids=[objective_id],
        **date_fields("achieve_by", year.ends),
        description="In the hall",
    )
    found = views.activity_detail(runtime, activity_id)
    assert found["date"] == day.isoformat() and found["term"] == "autumn"  # the date sets the term
    assert found["year_groups"] == [9, 10] and set(found["subjects"]) == {"physics", "mathematics"}
    assert found["provider_id"] == school["provider_id"] and found["delivery"] == "virtual"
    assert found["provider_access_encounter"] is True and found["meaningful"] == ["purpose_shared", "two_way"]
    assert found["objective_ids"] == [objective_id] and found["owner"] == "Ms Patel, Head of Year 9"
    page = leader.page(f"/activities/{activity_id}")
    for text in (
        "Engineering employer talk",
        "5. Encounters with employers and employees",
        "Years 9 and 10",
        "Physics",
        "Aire Engineering Ltd",
        "12 November",
        "Virtual",
        "Two-way interaction",
        "Every learner meets an employer",
        "Ms Patel, Head of Year 9",
        ">Planned<",
        ": Planned",
    ):
        assert text in page, text

    edit = leader.page(f"/activities/{activity_id}/edit")
    assert 'value="Engineering employer talk"' in edit and re.search(
        r'name="year_groups" type="checkbox" value="10" checked', edit
    )
    answer = leader.post(
        f"/activities/{activity_id}/edit",
        changed(
            form_of(edit),
            {"title": "Engineering talk with Aire", "provider_id": "", "provider_name": "Leeds Robotics CIC"},
        ),
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    found = views.activity_detail(runtime, activity_id)
    assert found["title"] == "Engineering talk with Aire" and found["provider_name"] == "Leeds Robotics CIC"
    assert found["provider_id"] is None and found["date"] == day.isoformat()


def test_a_stale_change_is_told_and_shows_the_latest(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"], subject="leader-1")
    adviser = person("careers_adviser", school["id"], subject="adviser-1")
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id)
    opened = leader.page(f"/activities/{activity_id}/edit")
    assert (
        adviser.post(
            f"/activities/{activity_id}/edit",
            changed(
                form_of(adviser.page(f"/activities/{activity_id}/edit")), {"title": "Renamed by the adviser"}
            ),
        ).status_code
        == 302
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened).group(1)
    stale = [
        *[(k, v) for k, v in form_of(opened) if k != "title"],
        ("title", "Renamed by the leader"),
        ("csrf_token", token),
    ]
    answer = leader.client.post(
        f"/activities/{activity_id}/edit", data=multi(stale), headers={"Accept": "text/html"}
    )
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "Someone else changed this activity" in page and 'value="Renamed by the adviser"' in page
    assert views.activity_detail(runtime, activity_id)["title"] == "Renamed by the adviser"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the activity."),
        ({"activity_type": "juggling"}, "activity_type", "Choose the type of activity."),
        ({"term": "", "date-day": "31", "date-month": "2", "date-year": "2027"}, "date", "real date"),
        ({"term": "", "date-day": "1", "date-month": "9", "date-year": "2030"}, "date", "Choose a date in"),
        ({"term": ""}, "term", "Choose the term"),
        ({"criteria": "five point one"}, "criteria", "Give criteria like 5.1"),
        ({"provider_name": "Someone else", "provider_id": "PROVIDER"}, "provider_name", "not both"),
        ({"provider_id": "7d3c7f2e-9a43-4c1b-9f55-2f0f8c7c1a11"}, "provider_id", "Choose one of the options"),
    ],
)
def test_bad_activity_input_is_shown_again_with_422_and_nothing_is_written(
    person, school, runtime, changes, field, message
) -> None:  # type: ignore[no-untyped-def]
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    if changes.get("provider_id") == "PROVIDER":
        changes = {**changes, "provider_id": school["provider_id"]}
    if "date-year" in changes and changes["date-year"] == "2027":
        changes = {**changes, "date-year": str(current_year().start_year + 1)}
    answer = leader.post(f"/plans/{plan_id}/activities/new", activity_fields(**changes))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "govuk-error-summary" in page and message in page and "<title>Error: " in page
    assert f'href="#{field}' in page and f'id="{field}' in page
    assert views.plan_detail(runtime, plan_id)["activities"] == []


def test_delivery_is_logged_for_a_form_group_with_pseudonymous_learners(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id, meaningful=["purpose_shared"])
    form = leader.page(f"/activities/{activity_id}/delivery")
    assert "Form group 9K (3 learners)" in form and "All of Year 9 (5 learners)" in form
    assert f"Learner {school['9L'][0].replace('-', '')[:8]} · 9L" in form and "never by name" in form
    assert re.search(r'name="meaningful" type="checkbox" value="purpose_shared" checked', form)
    day = a_day_in(current_year())
    answer = leader.post(
        f"/activities/{activity_id}/delivery",
        [
            *date_fields("delivered_on", day).items(),
            ("form_groups", "9K"),
            ("learner_ids", school["10B"][0]),
            ("count-11", "40"),
            ("meaningful", "purpose_shared"),
            ("meaningful", "two_way"),
            ("notes", "Went well"),
        ],
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    found = views.activity_detail(runtime, activity_id)
    assert found["status"] == "delivered" and found["delivered_on"] == day.isoformat()
    assert {p["learner_id"] for p in found["participation"]["learners"]} == {*school["9K"], school["10B"][0]}
    assert found["participation"]["total"] == 44
    page = leader.page(f"/activities/{activity_id}")
    assert "44 learners took part" in page and "9K: 3" in page and "10B: 1" in page
    assert f"Learner {school['9K'][0].replace('-', '')[:8]} · 9K" in page
    assert "never by name" in page and "Two-way interaction" in page
    assert school["9K"][0] not in page  # the short reference only
    assert "Evaluate the activity" in page and "Correct who took part" in page and "Log delivery" not in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "form_groups", "Choose who took part"),
        (
            {"form_groups": "9K", "delivered_on-day": "", "delivered_on-month": "", "delivered_on-year": ""},
            "delivered_on",
            "Enter the date it was delivered",
        ),
        ({"form_groups": "9K", "delivered_on-year": "2040"}, "delivered_on", "Choose a date in"),
        ({"count-9": "lots"}, "count-9", "whole number"),
        ({"learner_ids": "OTHER"}, "learner_ids", "Choose from the options"),
    ],
)
def test_bad_delivery_is_shown_again_with_422_and_nothing_is_logged(
    person, school, world, runtime, fields, field, message
) -> None:  # type: ignore[no-untyped-def]
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id)
    if fields.get("learner_ids") == "OTHER":
        elsewhere = world.institution("Elsewhere School")
        fields = {"learner_ids": world.learners(elsewhere, 9, 1)[0]}
    answer = leader.post(
        f"/activities/{activity_id}/delivery",
        {**date_fields("delivered_on", a_day_in(current_year())), **fields},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "govuk-error-summary" in page and message in page
    assert f'href="#{field}' in page
    found = views.activity_detail(runtime, activity_id)
    assert found["status"] == "planned" and found["participation"]["total"] == 0


def test_participation_is_corrected_with_a_reason_kept_in_the_history(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    _, activity_id = delivered_activity(leader, school)
    url = f"/activities/{activity_id}/participation"
    answer = leader.post(url, {"remove": school["9K"][0], "add": school["9L"][1], "reason": ""})
    assert answer.status_code == 422 and "Say why the participation is being corrected" in answer.get_data(
        as_text=True
    )
    answer = leader.post(
        url, {"remove": school["9K"][0], "add": school["9L"][1], "reason": "Absent that day"}
    )
    assert answer.status_code == 302
    found = views.activity_detail(runtime, activity_id)
    assert {p["learner_id"] for p in found["participation"]["learners"]} == {
        *school["9K"][1:],
        school["9L"][1],
    }
    assert [h["type"] for h in found["history"]][-1] == "ParticipationCorrected"
    assert "Who took part corrected" in leader.page(f"/activities/{activity_id}")


def test_a_delivered_activity_is_evaluated_against_the_objectives(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id, activity_id = delivered_activity(leader, school)
    objective_id = views.plan_detail(runtime, plan_id)["objectives"][0]["objective_id"]
    url = f"/activities/{activity_id}/evaluation"
    form = leader.page(url)
    assert "Parents and carers" in form and "Every Year 9 learner meets an employer" in form
    answer = leader.post(url, {"comment-learners": "Loved it"})  # a comment without its rating
    assert answer.status_code == 422 and 'href="#rating-learners"' in answer.get_data(as_text=True)
    assert views.activity_detail(runtime, activity_id)["evaluation"] is None
    answer = leader.post(
        url,
        {
            "rating-learners": "4",
            "responses-learners": "25",
            "comment-learners": "Loved the robots",
            "rating-employers": "5",
            f"outcome-{objective_id}": "partly_met",
            f"note-{objective_id}": "9L next term",
            "summary": "Do it again in the spring",
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    evaluation = views.activity_detail(runtime, activity_id)["evaluation"]
    assert {(f["from"], f["rating"], f["responses"]) for f in evaluation["feedback"]} == {
        ("learners", 4, 25),
        ("employers", 5, 1),
    }
    assert evaluation["outcomes"][0]["outcome"] == "partly_met"
    page = leader.page(f"/activities/{activity_id}")
    assert "Loved the robots" in page and "Partly met" in page and "Do it again in the spring" in page
    assert "Change the evaluation" in page


def test_an_activity_is_cancelled_with_a_reason(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id)
    url = f"/activities/{activity_id}/cancel"
    assert leader.post(url, {"reason": ""}).status_code == 422
    assert views.activity_detail(runtime, activity_id)["status"] == "planned"
    assert leader.post(url, {"reason": "The employer pulled out"}).status_code == 302
    page = leader.page(f"/activities/{activity_id}")
    assert ">Cancelled<" in page and "The employer pulled out" in page and "Log delivery" not in page


def test_a_stale_delivery_is_told_and_nothing_is_logged(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"], subject="leader-1")
    adviser = person("careers_adviser", school["id"], subject="adviser-1")
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id)
    opened = leader.page(f"/activities/{activity_id}/delivery")
    moved = changed(form_of(adviser.page(f"/activities/{activity_id}/edit")), {"title": "Moved to the hall"})
    assert adviser.post(f"/activities/{activity_id}/edit", moved).status_code == 302
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened).group(1)
    fields = [*date_fields("delivered_on", a_day_in(current_year())).items(), ("form_groups", "9K")]
    version = re.search(r'name="version" value="([^"]*)"', opened).group(1)
    answer = leader.client.post(
        f"/activities/{activity_id}/delivery",
        data=multi([*fields, ("version", version), ("csrf_token", token)]),
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 409
    page = html.unescape(answer.get_data(as_text=True))
    assert "Someone else changed this activity" in page and "Moved to the hall" in page
    assert re.search(r'name="form_groups" type="checkbox" value="9K" checked', page)  # what they chose, kept
    assert views.activity_detail(runtime, activity_id)["status"] == "planned"


def test_a_delivered_activitys_details_can_still_be_corrected(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    _, activity_id = delivered_activity(leader, school)
    page = leader.page(f"/activities/{activity_id}")
    assert "Change the details" in page
    edit = leader.page(f"/activities/{activity_id}/edit")
    answer = leader.post(f"/activities/{activity_id}/edit", changed(form_of(edit), {"owner": "Mr Khan"}))
    assert answer.status_code == 302
    found = views.activity_detail(runtime, activity_id)
    assert found["owner"] == "Mr Khan" and found["status"] == "delivered"


def test_a_delivery_in_the_future_is_refused(person, school, runtime) -> None:
    leader = person("careers_leader", school["id"])
    plan_id = create_plan(leader, school, origin="empty")
    activity_id = new_activity(leader, plan_id)
    tomorrow = date.today() + timedelta(days=1)
    answer = leader.post(
        f"/activities/{activity_id}/delivery", {**date_fields("delivered_on", tomorrow), "form_groups": "9K"}
    )
    assert answer.status_code == 422
    expected = "in the future" if current_year().contains(tomorrow) else "Choose a date in"
    assert expected in html.unescape(answer.get_data(as_text=True))
    assert views.activity_detail(runtime, activity_id)["status"] == "planned"
