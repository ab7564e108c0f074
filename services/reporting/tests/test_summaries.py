"""Institution summaries (``institution_summaries``) on SQLite and PostgreSQL: the same
figures as the dashboard for the same institution, marked stale by every projection,
refreshed, unchanged by redelivery and rebuilt after a reset."""

from __future__ import annotations

import json

import pytest
from reporting_world import NOW, build
from sqlalchemy import select

from waymark_reporting.adapters.tables import institution_summaries, stale_summaries
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.domain.summaries import unflatten
from waymark_reporting.readmodels.activities import on_planner_events
from waymark_reporting.readmodels.evaluations import on_completed
from waymark_reporting.readmodels.learners import LEARNER_EVENTS, on_learner_events
from waymark_reporting.views.dashboard import dashboard
from waymark_reporting.views.summaries import refresh_summaries, stale_ids
from waymark_reporting.views.summaries_figures import cohorts_of


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log):  # type: ignore[no-untyped-def]
    return build(deliver, directory_log, audit_log, planner_log)


def _figures(runtime, institution_id):  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        text = conn.execute(
            select(institution_summaries.c.figures).where(
                institution_summaries.c.institution_id == institution_id
            )
        ).scalar()
    if not text:
        return None
    figures = unflatten(json.loads(text))
    figures["cohorts"] = cohorts_of(figures)  # with the parts left out when empty
    return figures


def _stale(runtime) -> set[str]:  # type: ignore[no-untyped-def]
    with runtime.engine.connect() as conn:
        return set(stale_ids(conn))


def test_a_summary_has_the_dashboards_figures(runtime, world):
    assert _stale(runtime) == {world.school, world.other}
    assert refresh_summaries(runtime) == 2
    assert _stale(runtime) == set()
    figures = _figures(runtime, world.school)
    board = dashboard(runtime, world.school, now=NOW)
    year = academic_year(NOW.date())

    assert figures["learners"] == board["evidence"]["learners"] == 8
    for row in board["evidence"]["by_cohort"]:
        cohort = figures["cohorts"][row["cohort"]]
        assert cohort["learners"] == row["learners"]
        for measure, found in row["measures"].items():
            if measure == "employer_this_year":
                assert cohort["employer"].get(year, 0) == found["met"]
            elif found is None:
                assert measure not in cohort["measures"]
            else:
                assert cohort["measures"][measure] == [found["learners"], found["met"]]
        assert cohort["none_but_employer"] - cohort["employer_only"].get(year, 0) == row["with_none"]
    for row in board["provider_access"]:
        cohort = figures["cohorts"][row["cohort"]]
        for phase in row["phases"]:
            met, one = cohort["provider_access"][phase["phase"]]
            assert (met, one) == (phase["met"], phase["needs_one"] if phase["status"] == "open" else one)
    latest = board["benchmarks"]["latest"]
    assert figures["benchmarks"]["achieved_total"] == latest["benchmarks_achieved"] == 2
    assert figures["benchmarks"]["achieving"] == {
        str(b["number"]): int(b["achieved"]) for b in latest["benchmarks"]
    }
    totals = board["delivery"]["totals"]
    plan = figures["delivery"][year]
    assert {k: plan[k] for k in ("planned", "delivered", "cancelled", "participants")} == {
        k: totals[k] for k in ("planned", "delivered", "cancelled", "participants")
    }


def test_new_events_make_a_summary_stale_and_a_refresh_brings_it_up_to_date(
    runtime, world, deliver, directory_log, planner_log
):
    refresh_summaries(runtime)
    plan = planner_log.plan(world.other, "2026/27")
    talk = planner_log.activity(plan, "employer_talk", benchmarks=(5,))
    learner = directory_log.enrolled(world.other, 9)
    planner_log.logged(talk, [learner], delivered_on="2026-10-02")
    deliver(directory_log, planner_log)
    assert _stale(runtime) == {world.other}
    assert _figures(runtime, world.other)["learners"] == 1  # what was there

    assert refresh_summaries(runtime) == 1
    figures = _figures(runtime, world.other)
    assert figures["learners"] == 2
    assert figures["delivery"]["2026/27"]["delivered"] == 1
    assert sum(c["employer"].get("2026/27", 0) for c in figures["cohorts"].values()) == 1


def test_a_learner_moving_marks_both_institutions(runtime, world, deliver, directory_log):
    refresh_summaries(runtime)
    directory_log.learner_updated(world.other, world.year_9[0], 9)
    deliver(directory_log)
    assert _stale(runtime) == {world.school, world.other}


def test_redelivery_changes_nothing_and_marks_nothing(runtime, world, directory_log, audit_log, planner_log):
    refresh_summaries(runtime)
    before = {ident: _figures(runtime, ident) for ident in (world.school, world.other)}
    learner_events = [e for e in directory_log.events if e.type in LEARNER_EVENTS]
    with runtime.engine.begin() as conn:  # every event applied again, as a retry would
        on_learner_events(learner_events, conn, "reporting")
        on_completed(audit_log.events, conn)
        on_planner_events(planner_log.events, conn)
    assert _stale(runtime) == set()
    refresh_summaries(runtime, ids=[world.school, world.other])
    assert {ident: _figures(runtime, ident) for ident in before} == before


def test_a_reset_clears_the_summaries_and_replay_brings_them_back(
    runtime, world, deliver, directory_log, audit_log, planner_log
):
    refresh_summaries(runtime)
    before = _figures(runtime, world.school)
    deliver.reset_all()
    with runtime.engine.connect() as conn:
        assert conn.execute(select(institution_summaries)).first() is None
        assert conn.execute(select(stale_summaries)).first() is None
    for log in (directory_log, audit_log, planner_log):
        log.deliver(deliver.runners[log.source])
    assert _stale(runtime) == {world.school, world.other}
    refresh_summaries(runtime)
    assert _figures(runtime, world.school) == before
