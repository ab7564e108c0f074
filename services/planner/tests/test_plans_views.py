"""What the pages and exports read of a plan: the export model filled from planner's
tables (counts, never a learner), and a plan read with the same few queries however
many activities it has."""

from __future__ import annotations

from datetime import UTC, date, datetime

from planner_world import World
from sqlalchemy import event

from waymark_planner import export_views, views
from waymark_planner.exports.model import ExportFeedback
from waymark_planner.service_layer import activities, evaluation, participation, plans

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _school_with_a_plan(runtime, world: World) -> tuple[str, str, list[str]]:
    school = world.institution("Riverside Academy")
    world.completed(school, {"5.1": "achieved", "6.1": "not_started"})
    plan_id = plans.create_plan(
        runtime, school, "2026/27", origin="evaluation", objectives=["Raise aspirations"], now=NOW
    )
    return school, plan_id, world.learners(school, 10, 4, form_group="10A")


def test_the_export_model_has_the_plan_in_words_and_counts_only(runtime, world: World):
    school, plan_id, learners = _school_with_a_plan(runtime, world)
    provider = world.provider("Riverside Engineering Ltd")
    objective = views.plan_detail(runtime, plan_id)["objectives"][0]["objective_id"]
    talk = activities.plan_activity(
        runtime,
        plan_id,
        {
            "title": "Engineering talk",
            "activity_type": "employer_talk",
            "date": "2026-11-10",
            "year_groups": [10],
            "subjects": ["physics"],
            "provider_id": provider,
            "objective_ids": [objective],
            "meaningful": ["purpose_shared"],
            "owner": "Ms Patel",
        },
    )
    participation.log_activity(
        runtime,
        talk,
        "2026-11-10",
        form_groups=["10A"],
        counts={12: 20},
        meaningful=["two_way", "reflection"],
    )
    evaluation.evaluate_activity(
        runtime,
        talk,
        [
            {"from": "learners", "rating": 4, "responses": 3},
            {"from": "learners", "rating": 2},
            {"from": "employers", "rating": 5, "comment": "Keen questions"},
        ],
        [{"objective_id": objective, "outcome": "partly_met"}],
        summary="Worth repeating",
    )
    activities.plan_activity(
        runtime, plan_id, {"title": "Careers fair", "activity_type": "careers_fair", "term": "spring"}
    )

    model = export_views.export_model(runtime, plan_id, now=NOW)

    assert (model.institution_name, model.academic_year, model.generated_at) == (
        "Riverside Academy",
        "2026/27",
        NOW,
    )
    assert model.objectives == ("Raise aspirations",)
    assert (
        model.evaluation_summary
        == "Based on the evaluation completed 20 November 2026: 1 of 8 benchmarks achieved"
    )
    assert model.benchmark_titles[6] == "Experiences of workplaces"
    delivered, fair = model.activities
    assert (delivered.title, delivered.activity_type_label, delivered.term_label) == (
        "Engineering talk",
        "Employer talk",
        "Autumn term",
    )
    assert (delivered.date, delivered.delivered_on, delivered.status) == (
        date(2026, 11, 10),
        date(2026, 11, 10),
        "delivered",
    )
    assert (delivered.provider, delivered.owner, delivered.delivery_label) == (
        "Riverside Engineering Ltd",
        "Ms Patel",
        "In person",
    )
    assert delivered.meaningful_labels == ("Two-way interaction", "Learners reflect afterwards")
    assert (delivered.participants, dict(delivered.participants_by_year_group)) == (24, {10: 4, 12: 20})
    assert delivered.feedback == (ExportFeedback("Learners", 3.5, 4), ExportFeedback("Employers", 5.0, 1))
    assert (delivered.average_rating, delivered.feedback_count) == (round(19 / 5, 2), 5)
    assert delivered.outcomes == (("Raise aspirations", "Partly met"),)
    assert (delivered.objectives, delivered.subject_labels, delivered.evaluation_summary) == (
        ("Raise aspirations",),
        ("Physics",),
        "Worth repeating",
    )
    assert (fair.status, fair.participants, fair.benchmarks, fair.date) == ("planned", 0, (5, 7), None)
    # No learner id anywhere in the export.
    assert not any(learner in repr(model) for learner in learners)
    assert export_views.export_model(runtime, "5b0f7a4e-0000-4000-8000-000000000000") is None


def test_plans_of_an_institution_with_their_counts(runtime, world: World):
    school, plan_id, _ = _school_with_a_plan(runtime, world)
    older = plans.create_plan(runtime, school, "2025/26", origin="empty", objectives=[])
    done = activities.plan_activity(
        runtime, older, {"title": "Fair", "activity_type": "careers_fair", "term": "spring"}
    )
    participation.log_activity(runtime, done, "2026-03-01", counts={9: 100})
    activities.plan_activity(
        runtime, plan_id, {"title": "Talk", "activity_type": "employer_talk", "term": "spring"}
    )
    listed = views.plans_of(runtime, school)
    assert [(p["academic_year"], p["planned"], p["delivered"], p["cancelled"]) for p in listed] == [
        ("2026/27", 1, 0, 0),
        ("2025/26", 0, 1, 0),
    ]


def _statements(runtime, read) -> int:  # type: ignore[no-untyped-def]
    """The queries ``read`` runs; the BEGIN and ROLLBACK of its read snapshot aside."""
    counted = []

    def count(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement not in ("BEGIN", "ROLLBACK"):
            counted.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        read()
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    return len(counted)


def test_a_plan_is_read_with_the_same_few_queries_however_many_activities_it_has(runtime, world: World):
    school, plan_id, learners = _school_with_a_plan(runtime, world)

    def add(count: int) -> None:
        for index in range(count):
            activity_id = activities.plan_activity(
                runtime,
                plan_id,
                {"title": f"Talk {index}", "activity_type": "employer_talk", "term": "autumn"},
            )
            participation.log_activity(
                runtime, activity_id, "2026-11-12", learner_ids=learners[:2], counts={11: 5}
            )
            evaluation.evaluate_activity(runtime, activity_id, [{"from": "staff", "rating": 4}])

    add(2)
    few = _statements(runtime, lambda: views.plan_detail(runtime, plan_id))
    few_export = _statements(runtime, lambda: export_views.export_model(runtime, plan_id))
    add(10)
    assert _statements(runtime, lambda: views.plan_detail(runtime, plan_id)) == few <= 6
    assert _statements(runtime, lambda: export_views.export_model(runtime, plan_id)) == few_export <= 12
