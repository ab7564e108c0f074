"""Evaluating a delivered activity: ratings 1 to 5 and comments from learners, staff,
employers and parents and carers, and outcomes against the plan's objectives."""

from __future__ import annotations

import pytest
from planner_world import World, snapshot

from waymark_planner import views
from waymark_planner.service_layer import activities, evaluation, participation, plans
from waymark_planner.service_layer.errors import InvalidInput


@pytest.fixture
def plan_id(runtime, world: World) -> str:
    school = world.institution()
    return plans.create_plan(
        runtime,
        school,
        "2026/27",
        origin="empty",
        objectives=["Raise aspirations", "Know the local labour market"],
    )


@pytest.fixture
def delivered(runtime, plan_id) -> str:
    activity_id = activities.plan_activity(
        runtime, plan_id, {"title": "Employer talk", "activity_type": "employer_talk", "term": "autumn"}
    )
    participation.log_activity(runtime, activity_id, "2026-11-12", counts={10: 180})
    return activity_id


def test_feedback_and_outcomes_are_kept_with_the_average_rating(runtime, plan_id, delivered):
    first, second = views.plan_detail(runtime, plan_id)["objectives"]
    version = evaluation.evaluate_activity(
        runtime,
        delivered,
        [
            {"from": "learners", "rating": 4, "responses": 150, "comment": "Most found it useful"},
            {"from": "staff", "rating": "5"},
            {"from": "employers", "rating": 3, "comment": "Too short"},
            {"from": "parents_carers", "rating": 2, "responses": 2},
        ],
        [
            {"objective_id": first["objective_id"], "outcome": "met"},
            {"objective_id": second["objective_id"], "outcome": "partly_met", "note": "Needs LMI follow-up"},
        ],
        summary="Good engagement; book longer sessions.",
    )
    assert version == 3
    activity = views.activity_detail(runtime, delivered)
    rated = activity["evaluation"]
    assert [(f["from_label"], f["rating"], f["responses"]) for f in rated["feedback"]] == [
        ("Learners", 4, 150),
        ("Staff", 5, 1),
        ("Employers", 3, 1),
        ("Parents and carers", 2, 2),
    ]
    assert rated["average_rating"] == round((4 * 150 + 5 + 3 + 2 * 2) / 154, 2)
    assert rated["respondents"] == 154
    assert [(o["objective_text"], o["outcome_label"], o["note"]) for o in rated["outcomes"]] == [
        ("Raise aspirations", "Met", None),
        ("Know the local labour market", "Partly met", "Needs LMI follow-up"),
    ]
    assert rated["summary"] == "Good engagement; book longer sessions."
    event = runtime.store.read_stream(f"activity-{delivered}")[-1]
    assert event.name == "ActivityEvaluated"
    assert event.data["feedback"][1] == {"from": "staff", "rating": 5, "comment": None, "responses": 1}


def test_a_second_evaluation_replaces_the_first(runtime, delivered):
    evaluation.evaluate_activity(runtime, delivered, [{"from": "learners", "rating": 2}])
    evaluation.evaluate_activity(runtime, delivered, [{"from": "staff", "rating": 5}])
    rated = views.activity_detail(runtime, delivered)["evaluation"]
    assert [(f["from"], f["rating"]) for f in rated["feedback"]] == [("staff", 5)]
    assert rated["average_rating"] == 5


@pytest.mark.parametrize(
    ("feedback", "outcomes", "errors"),
    [
        ([{"from": "learners", "rating": 0}], [], {"feedback.0.rating": ["Give a rating from 1 to 5."]}),
        ([{"from": "learners", "rating": 6}], [], {"feedback.0.rating": ["Give a rating from 1 to 5."]}),
        ([{"from": "learners", "rating": 4.5}], [], {"feedback.0.rating": ["Give a rating from 1 to 5."]}),
        (
            [{"from": "aliens", "rating": 3}],
            [],
            {
                "feedback.0.from": [
                    "Say whom the feedback is from: learners, staff, employers or parents and carers."
                ]
            },
        ),
        (
            [{"from": "staff", "rating": 3, "responses": -2}],
            [],
            {"feedback.0.responses": ["Give how many gave this rating, 1 or more."]},
        ),
        (
            [],
            [{"objective_id": "not-this-plans", "outcome": "met"}],
            {"outcomes.0.objective_id": ["Choose an objective of this plan."]},
        ),
        ([], [], {"feedback": ["Give some feedback, an outcome against an objective or a summary."]}),
    ],
)
def test_bad_evaluations_are_refused_and_nothing_is_written(runtime, delivered, feedback, outcomes, errors):
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        evaluation.evaluate_activity(runtime, delivered, feedback, outcomes)
    assert refused.value.errors == errors
    assert snapshot(runtime) == before


def test_an_outcome_must_name_a_real_outcome_once_per_objective(runtime, plan_id, delivered):
    objective = views.plan_detail(runtime, plan_id)["objectives"][0]["objective_id"]
    with pytest.raises(InvalidInput) as refused:
        evaluation.evaluate_activity(
            runtime,
            delivered,
            [],
            [
                {"objective_id": objective, "outcome": "met"},
                {"objective_id": objective, "outcome": "smashed"},
            ],
        )
    assert refused.value.errors == {
        "outcomes.1.objective_id": ["Give one outcome for each objective."],
        "outcomes.1.outcome": ["Say whether the objective was met, partly met or not met."],
    }


def test_a_planned_activity_is_not_evaluated(runtime, plan_id):
    planned = activities.plan_activity(
        runtime, plan_id, {"title": "Fair", "activity_type": "careers_fair", "term": "spring"}
    )
    before = snapshot(runtime)
    with pytest.raises(InvalidInput) as refused:
        evaluation.evaluate_activity(runtime, planned, [{"from": "learners", "rating": 4}])
    assert refused.value.errors == {
        "status": ["This activity is planned: only a delivered activity can be evaluated."]
    }
    assert snapshot(runtime) == before
