"""Reporting's read models from every producer's events: learners from directory's
roster, benchmark results from audit, activities and participation from planner (with
corrections, ratings and cancellations), destinations with their judgements, and the
last event applied from each source. Redelivery changes nothing; a replay through each
runner's reset builds the same rows."""

from __future__ import annotations

from sqlalchemy import select

from waymark_reporting.adapters import tables
from waymark_reporting.readmodels.activities import on_planner_events


def _rows(runtime, table) -> list[dict]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        query = select(table).order_by(*table.primary_key.columns)
        return [dict(row._mapping) for row in conn.execute(query)]


def _all(runtime) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    return {name: _rows(runtime, table) for name, table in tables.metadata.tables.items()}


def test_learners_follow_the_roster_without_anything_personal(runtime, deliver, directory_log):
    school = directory_log.registered("Riverside Academy")
    staying = directory_log.enrolled(school, 9, form_group="9K")
    leaving = directory_log.enrolled(school, 11)
    directory_log.learner_updated(school, staying, 10, form_group="10K")
    directory_log.left(school, leaving, leaving_date="2026-07-22")
    directory_log.erased(school, leaving)

    deliver(directory_log)

    rows = {row["learner_id"]: row for row in _rows(runtime, tables.learners)}
    assert rows[staying] == {
        "learner_id": staying,
        "institution_id": school,
        "year_group": 10,
        "cohort": "2027/28",
        "form_group": "10K",
        "on_roll": True,
        "leaving_date": None,
        "stream_version": 2,
    }
    assert (rows[leaving]["on_roll"], rows[leaving]["leaving_date"]) == (False, "2026-07-22")
    assert set(rows[leaving]) == set(rows[staying])  # no name, UPN or date of birth column


def test_completed_evaluations_keep_their_benchmark_results(runtime, deliver, audit_log, directory_log):
    school = directory_log.registered()
    audit_log.completed(school, {"5.1": "achieved", "5.2": "in_progress", "8.1": "achieved"},
                        completed_at="2026-03-20T09:00:00Z")  # fmt: skip

    deliver(audit_log)
    deliver(audit_log)  # again: nothing changes

    [evaluation] = _rows(runtime, tables.evaluations)
    assert (evaluation["institution_id"], evaluation["benchmarks_achieved"]) == (school, 1)
    assert evaluation["completed_at"].startswith("2026-03-20T09:00:00")
    results = {
        b["number"]: (b["percentage"], b["achieved"]) for b in _rows(runtime, tables.evaluation_benchmarks)
    }
    assert results[5] == (50, False) and results[8] == (100, True) and results[1] == (None, False)


def test_activities_carry_their_plan_year_delivery_participation_and_rating(
    runtime, deliver, planner_log, directory_log
):
    school = directory_log.registered()
    a, b, c = (directory_log.enrolled(school, 9) for _ in range(3))
    plan = planner_log.plan(school, "2026/27")
    talk = planner_log.activity(plan, "provider_encounter", benchmarks=(7, 5), year_groups=(9, 8),
                                provider_access=True, date="2026-11-10")  # fmt: skip
    planner_log.updated(talk, title="Apprenticeships with Aire Valley Engineering", benchmarks=[7])
    planner_log.logged(talk, [a, b], delivered_on="2026-11-10", counts={8: 30})
    planner_log.corrected(talk, add=[c], remove=[a], counts={8: 28})
    planner_log.evaluated(talk, {"learners": (4, 20), "staff": (5, 2)})
    dropped = planner_log.activity(plan, "careers_fair", term="spring")
    planner_log.cancelled(dropped)

    deliver(directory_log, planner_log)

    rows = {row["activity_id"]: row for row in _rows(runtime, tables.activities)}
    assert {k: rows[talk][k] for k in (
        "academic_year", "title", "activity_type", "benchmarks", "year_groups", "term", "planned_date",
        "provider_access", "status", "delivered_on", "named", "counted", "average_rating", "respondents",
    )} == {
        "academic_year": "2026/27", "title": "Apprenticeships with Aire Valley Engineering",
        "activity_type": "provider_encounter", "benchmarks": "7", "year_groups": "8,9", "term": "autumn",
        "planned_date": "2026-11-10", "provider_access": True, "status": "delivered",
        "delivered_on": "2026-11-10", "named": 2, "counted": 28, "average_rating": 4.09, "respondents": 22,
    }  # fmt: skip
    assert rows[dropped]["status"] == "cancelled"
    assert {(p["activity_id"], p["learner_id"]) for p in _rows(runtime, tables.participation)} == {
        (talk, b),
        (talk, c),
    }
    assert [(r["year_group"], r["count"]) for r in _rows(runtime, tables.participation_counts)] == [(8, 28)]


def test_planner_events_split_across_deliveries_give_the_same_rows(
    runtime, deliver, planner_log, directory_log
):
    """A correction delivered in a later batch than the log reads the rows it changes."""
    school = directory_log.registered()
    learners = [directory_log.enrolled(school, 10) for _ in range(4)]
    plan = planner_log.plan(school)
    visit = planner_log.activity(plan, "workplace_visit", benchmarks=(6,), year_groups=(10,))
    planner_log.logged(visit, learners[:3])
    planner_log.corrected(visit, add=[learners[3]], remove=[learners[0]])
    deliver(directory_log)
    runner = deliver.runners["planner"]

    for event in planner_log.events:
        planner_log.deliver(runner, [event])

    [row] = _rows(runtime, tables.activities)
    assert (row["named"], row["stream_version"]) == (3, 3)
    assert {p["learner_id"] for p in _rows(runtime, tables.participation)} == set(learners[1:])


def test_an_earlier_planner_event_applied_again_changes_nothing(runtime, deliver, planner_log, directory_log):
    school = directory_log.registered()
    learner = directory_log.enrolled(school, 10)
    plan = planner_log.plan(school)
    visit = planner_log.activity(plan, "workplace_visit")
    logged = planner_log.logged(visit, [learner])
    planner_log.corrected(visit, remove=[learner])
    deliver(directory_log, planner_log)
    before = _all(runtime)

    with runtime.engine.begin() as conn:
        on_planner_events([logged], conn)

    assert _all(runtime) == before


def test_an_activity_of_a_plan_reporting_has_not_heard_of_is_parked(
    runtime, deliver, planner_log, directory_log
):
    school = directory_log.registered()
    plan = planner_log.plan(school)
    planner_log.activity(plan)
    runner = deliver.runners["planner"]

    result = planner_log.deliver(runner, planner_log.events[1:])

    assert result.parked == 1
    assert "has not heard of" in runner.parked.list()[0].error


def test_destinations_keep_the_latest_and_its_judgement(runtime, deliver, destinations_log, directory_log):
    school = directory_log.registered()
    learner = directory_log.enrolled(school, 12)
    moved = directory_log.enrolled(school, 12)
    destinations_log.intended(school, learner, "school_sixth_form", leaving_cohort="2025/26")
    destinations_log.recorded(school, learner, "fe_college")
    destinations_log.judged(school, learner, True, "fe_college")
    destinations_log.recorded(school, moved, "fe_college")
    destinations_log.judged(school, moved, False, "fe_college")
    destinations_log.recorded(school, moved, "apprenticeship_advanced", start_date="2027-01-09")
    # A judgement of the earlier destination, arriving late, does not judge the new one.
    destinations_log.judged(school, moved, True, "fe_college")

    deliver(destinations_log)
    deliver(destinations_log)

    rows = {row["learner_id"]: row for row in _rows(runtime, tables.destinations)}
    assert {k: rows[learner][k] for k in ("leaving_point", "leaving_cohort", "intended_category", "category",
                                          "start_date", "sustained")} == {
        "leaving_point": "ks4", "leaving_cohort": "2025/26", "intended_category": "school_sixth_form",
        "category": "fe_college", "start_date": "2026-09-07", "sustained": True,
    }  # fmt: skip
    assert (rows[moved]["category"], rows[moved]["sustained"]) == ("apprenticeship_advanced", None)


def test_freshness_records_the_last_event_applied_from_each_source(
    runtime, deliver, directory_log, audit_log, planner_log
):
    school = directory_log.registered()
    directory_log.enrolled(school, 9)
    audit_log.completed(school, {"1.1": "achieved"})
    planner_log.plan(school)

    deliver(directory_log, audit_log, planner_log)

    rows = {(r["subscription"], r["source"]): r for r in _rows(runtime, tables.source_freshness)}
    assert set(rows) == {("reporting", "directory"), ("reporting-audit", "audit"),
                         ("reporting-planner", "planner")}  # fmt: skip
    assert rows[("reporting", "directory")]["last_event_id"] == directory_log.events[-1].id
    assert rows[("reporting-audit", "audit")]["last_event_time"] == audit_log.events[-1].time


def test_a_replay_of_every_subscription_builds_identical_read_models(
    runtime, deliver, directory_log, audit_log, planner_log, destinations_log
):
    school = directory_log.registered("Riverside Academy", careers_hub="Aire Valley Careers Hub")
    learners = [directory_log.enrolled(school, year) for year in (8, 9, 10, 11, 12) for _ in range(3)]
    directory_log.left(school, learners[-1], leaving_date="2026-10-01")
    audit_log.completed(school, {"5.1": "in_progress"}, completed_at="2026-03-01T10:00:00Z")
    audit_log.completed(school, {"5.1": "achieved"}, completed_at="2026-11-01T10:00:00Z")
    plan = planner_log.plan(school)
    for activity_type in ("employer_talk", "work_experience", "guidance_meeting", "provider_encounter"):
        activity = planner_log.activity(
            plan, activity_type, provider_access=activity_type == "provider_encounter"
        )
        planner_log.logged(activity, learners[:6], counts={12: 5})
        planner_log.corrected(activity, add=learners[6:8], remove=learners[:1])
        planner_log.evaluated(activity, {"learners": (3, 10)})
    planner_log.cancelled(planner_log.activity(plan, "careers_fair"))
    destinations_log.recorded(school, learners[-2], "school_sixth_form")
    destinations_log.judged(school, learners[-2], True, "school_sixth_form")
    deliver(directory_log, audit_log, planner_log, destinations_log)
    before = _all(runtime)

    deliver.reset_all()
    assert all(rows == [] for rows in _all(runtime).values())
    deliver(directory_log, audit_log, planner_log, destinations_log)

    assert _all(runtime) == before
    assert len(before["participation"]) == 4 * 7


def test_a_delivered_activity_changed_to_a_pal_encounter_counts_for_its_learners(
    runtime, deliver, planner_log, directory_log
):
    """Participation rows carry the activity's type and flag: a change after delivery
    reaches them, in the same batch as the log or a later one."""
    from datetime import date

    from waymark_reporting.views.evidence import encounters_of

    school = directory_log.registered()
    learners = [directory_log.enrolled(school, 9) for _ in range(2)]
    plan = planner_log.plan(school)
    talk = planner_log.activity(plan, "employer_talk")
    planner_log.logged(talk, learners)
    planner_log.updated(talk, provider_access_encounter=True)
    visit = planner_log.activity(plan, "workplace_visit")
    planner_log.logged(visit, learners[:1])
    deliver(directory_log, planner_log)
    planner_log.updated(visit, activity_type="fe_visit")
    deliver(planner_log)

    with runtime.engine.connect() as conn:
        found = {(e.learner_id, e.activity_id): e for e in encounters_of(conn, learners)}
    assert found[(learners[1], talk)].provider_access is True
    assert found[(learners[0], visit)].activity_type == "fe_visit"
    assert found[(learners[0], visit)].delivered_on == date(2026, 11, 10)
