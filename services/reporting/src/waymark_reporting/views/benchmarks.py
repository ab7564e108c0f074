"""An institution's benchmark results, from audit's completed evaluations: the latest
(percentages, benchmarks achieved, the change since the one before), the trend across
every evaluation, and the termly snapshots.

Snapshots: the Careers & Enterprise Company takes formal measures of progress on 31
December, 31 March and 31 July (domain.md section 2.1); a snapshot is the latest
evaluation completed on or before that day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select

from waymark_reporting.adapters.tables import evaluation_benchmarks, evaluations
from waymark_reporting.domain.calendar import academic_start_year
from waymark_reporting.domain.vocabulary import BENCHMARK_TITLES, BENCHMARKS

SNAPSHOT_DAYS = ((12, 31), (3, 31), (7, 31))

# Built once (building a statement costs more than running it on SQLite).
_e, _b = evaluations.c, evaluation_benchmarks.c
_EVALUATIONS = (
    select(_e.evaluation_id, _e.completed_at, _e.framework_id, _e.evaluation_type, _e.benchmarks_achieved)
    .where(_e.institution_id == bindparam("institution_id"))
    .order_by(_e.completed_at, _e.evaluation_id)
)
_RESULTS = (
    select(_b.evaluation_id, _b.number, _b.percentage, _b.achieved)
    .join(evaluations, _e.evaluation_id == _b.evaluation_id)
    .where(_e.institution_id == bindparam("institution_id"))
)


def evaluation_history(conn: Connection, institution_id: str) -> list[dict[str, Any]]:
    """Every completed evaluation, oldest first: ``{evaluation_id, completed_at,
    framework_id, evaluation_type, benchmarks_achieved, percentages: {n: % | None},
    achieved: {n: bool}}``."""
    ident = {"institution_id": institution_id}
    rows = conn.execute(_EVALUATIONS, ident).all()
    results: dict[str, dict[int, tuple[int | None, bool]]] = defaultdict(dict)
    if rows:
        for row in conn.execute(_RESULTS, ident):
            results[row.evaluation_id][row.number] = (row.percentage, bool(row.achieved))
    history = []
    for row in rows:
        mine = results[row.evaluation_id]
        history.append(
            {
                **row._asdict(),
                "percentages": {n: mine.get(n, (None, False))[0] for n in BENCHMARKS},
                "achieved": {n: mine.get(n, (None, False))[1] for n in BENCHMARKS},
            }
        )
    return history


def latest_results(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest evaluation's benchmarks, each with the change since the previous."""
    if not history:
        return None
    latest = history[-1]
    previous = history[-2] if len(history) > 1 else None
    benchmarks = []
    for number in BENCHMARKS:
        percentage = latest["percentages"][number]
        before = previous["percentages"][number] if previous else None
        benchmarks.append(
            {
                "number": number,
                "title": BENCHMARK_TITLES[number],
                "percentage": percentage,
                "achieved": latest["achieved"][number],
                "change": percentage - before if percentage is not None and before is not None else None,
            }
        )
    return {
        "evaluation_id": latest["evaluation_id"],
        "completed_at": latest["completed_at"],
        "framework_id": latest["framework_id"],
        "benchmarks_achieved": latest["benchmarks_achieved"],
        "applicable": sum(1 for b in benchmarks if b["percentage"] is not None),
        "previous_completed_at": previous["completed_at"] if previous else None,
        "benchmarks": benchmarks,
    }


def snapshots(history: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """The termly snapshot days of this academic year and the last that have passed,
    oldest first, each with the evaluation then latest (None before the first)."""
    start = academic_start_year(today)
    days = [
        date(year if month == 12 else year + 1, month, day)
        for year in (start - 1, start)
        for month, day in SNAPSHOT_DAYS
    ]
    found = []
    for day in days:
        if day > today:
            continue
        then = [h for h in history if h["completed_at"][:10] <= day.isoformat()]
        latest = then[-1] if then else None
        found.append(
            {
                "date": day.isoformat(),
                "evaluation_id": latest["evaluation_id"] if latest else None,
                "completed_at": latest["completed_at"] if latest else None,
                "benchmarks_achieved": latest["benchmarks_achieved"] if latest else None,
                "percentages": latest["percentages"] if latest else None,
            }
        )
    return found
