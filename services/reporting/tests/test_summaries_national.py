"""Summaries against the dashboard over a small synthetic nation (every kind of
institution, three years of plans, evaluations, participation and destinations): for
every institution, the roll-up figures of its summary alone are the dashboard's, and
the nation's roll-up adds up what the dashboards say. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from waymark_reporting.adapters.tables import institution_summaries
from waymark_reporting.domain.summaries import unflatten
from waymark_reporting.service import DEFINITION
from waymark_reporting.synthetic import NationalDataset, Parameters
from waymark_reporting.views.dashboard import dashboard
from waymark_reporting.views.rollups import NATION, Scope, rollup
from waymark_reporting.views.summaries import refresh_summaries
from waymark_reporting.views.summaries_figures import derived
from waymark_shared.messaging.subscriptions import EMBEDDED_PARTITION, Delivery, SubscriptionRunner

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # in the dataset's last year (2025/26)


def _project(runtime, dataset: NationalDataset) -> None:  # type: ignore[no-untyped-def]
    for subscription in DEFINITION.subscriptions:
        runner = SubscriptionRunner(subscription, runtime.engine)
        for source in subscription.sources:
            for batch in dataset.batches(source, 500):
                assert runner.apply(Delivery(source, EMBEDDED_PARTITION, batch)).parked == 0


def _figures(runtime) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    m = institution_summaries.c
    with runtime.engine.connect() as conn:
        return {i: unflatten(json.loads(f)) for i, f in conn.execute(select(m.institution_id, m.figures))}


def _pct(met: int, learners: int) -> int | None:
    return round(100 * met / learners) if learners else None


def test_every_institutions_summary_says_what_its_dashboard_says(runtime):
    dataset = NationalDataset(Parameters(institutions=12, seed=11, validate_every=0))
    _project(runtime, dataset)
    assert refresh_summaries(runtime) == 12
    summaries = _figures(runtime)
    checked = 0
    for institution in dataset.institutions:
        board = dashboard(runtime, institution.institution_id, year="2025/26", now=NOW)
        mine = derived(
            summaries[institution.institution_id], institutions_open=1, today=NOW.date(), year="2025/26"
        )
        rows = {row["cohort"]: row for row in mine["evidence"]["by_year_group"]}
        for row in board["evidence"]["by_cohort"]:
            found = rows[row["cohort"]]
            for measure, share in row["measures"].items():
                if share is None:
                    assert found["measures"][measure] is None
                elif share["learners"] >= 5:
                    assert found["measures"][measure]["percentage"] == share["percentage"], measure
                    checked += 1
            if row["learners"] >= 5:
                assert found["with_none"]["percentage"] == _pct(row["with_none"], row["learners"])
        phases = {row["cohort"]: row["phases"] for row in mine["provider_access"]}
        for row in board["provider_access"]:
            for theirs, ours in zip(row["phases"], phases[row["cohort"]], strict=True):
                assert ours["status"] == theirs["status"]
                if row["learners"] >= 5:
                    assert ours["met"]["percentage"] == _pct(theirs["met"], row["learners"])
                    assert ours["missed"]["percentage"] == _pct(theirs["missed"], row["learners"])
                    assert ours["due"]["percentage"] == _pct(theirs["still_needing"], row["learners"])
        if board["delivery"]:
            totals = board["delivery"]["totals"]
            assert (mine["delivery"]["planned"], mine["delivery"]["delivered"]) == (
                totals["planned"],
                totals["delivered"],
            )
        latest = board["benchmarks"]["latest"]
        assert mine["benchmarks"]["average_achieved"] == (latest["benchmarks_achieved"] if latest else None)
    assert checked > 50


def test_the_nation_adds_up_the_dashboards(runtime):
    dataset = NationalDataset(Parameters(institutions=12, seed=5, validate_every=0))
    _project(runtime, dataset)
    nation = rollup(runtime, Scope(NATION), year="2025/26", now=NOW)
    boards = [dashboard(runtime, i.institution_id, year="2025/26", now=NOW) for i in dataset.institutions]
    boards = [b for b in boards if b["institution"]["status"] == "open"]
    assert nation["institutions"]["open"] == len(boards)
    assert nation["learners"] == sum(b["evidence"]["learners"] for b in boards)
    assert nation["delivery"]["delivered"] == sum(
        b["delivery"]["totals"]["delivered"] for b in boards if b["delivery"]
    )
    evaluated = [
        b["benchmarks"]["latest"]["benchmarks_achieved"] for b in boards if b["benchmarks"]["latest"]
    ]
    assert nation["benchmarks"]["evaluated"] == len(evaluated)
    assert nation["benchmarks"]["average_achieved"] == round(sum(evaluated) / len(evaluated), 1)
    assert sum(r["institutions"] for r in nation["breakdown"]["rows"]) == len(boards)
