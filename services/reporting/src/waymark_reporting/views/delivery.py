"""An institution's plan delivery and evaluation ratings for one academic year, from
planner's activities: planned versus delivered by benchmark, year group and term, and
what delivered activities were rated.

"Planned" counts every activity in the plan that is not cancelled (delivered ones
included); "delivered" those logged as delivered; cancelled ones are counted apart.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Connection, bindparam, select

from waymark_reporting.adapters.tables import activities, plans
from waymark_reporting.domain.vocabulary import (
    BENCHMARK_TITLES,
    BENCHMARKS,
    TERM_LABELS,
    TERMS,
    activity_type_label,
)
from waymark_reporting.readmodels.activities import CANCELLED, DELIVERED
from waymark_reporting.readmodels.common import numbers

# Built once (building a statement costs more than running it on SQLite).
_PLAN_YEARS = (
    select(plans.c.academic_year).where(plans.c.institution_id == bindparam("institution_id")).distinct()
)
_a = activities.c
_ACTIVITIES = select(
    _a.activity_id, _a.title, _a.activity_type, _a.benchmarks, _a.year_groups, _a.term, _a.status,
    _a.delivered_on, _a.named, _a.counted, _a.average_rating, _a.respondents, _a.provider_access,
).where(_a.institution_id == bindparam("institution_id"), _a.academic_year == bindparam("academic_year"))  # fmt: skip


def plan_years(conn: Connection, institution_id: str) -> list[str]:
    """The academic years the institution has a plan for, latest first."""
    return sorted(conn.execute(_PLAN_YEARS, {"institution_id": institution_id}).scalars(), reverse=True)


def _tally(rows: list[Any], keys_of) -> dict[Any, dict[str, int]]:  # type: ignore[no-untyped-def]
    planned: Counter = Counter()
    delivered: Counter = Counter()
    for row in rows:
        for key in keys_of(row):
            planned[key] += 1
            if row.status == DELIVERED:
                delivered[key] += 1
    return {key: {"planned": planned[key], "delivered": delivered[key]} for key in planned}


def delivery(conn: Connection, institution_id: str, academic_year: str) -> dict[str, Any]:
    rows = conn.execute(_ACTIVITIES, {"institution_id": institution_id, "academic_year": academic_year}).all()
    live = [row for row in rows if row.status != CANCELLED]
    by_benchmark = _tally(live, lambda row: numbers(row.benchmarks))
    by_year = _tally(live, lambda row: numbers(row.year_groups))
    by_term = _tally(live, lambda row: [row.term])
    zero = {"planned": 0, "delivered": 0}
    delivered = [row for row in live if row.status == DELIVERED]
    return {
        "academic_year": academic_year,
        "totals": {
            "planned": len(live),
            "delivered": len(delivered),
            "cancelled": len(rows) - len(live),
            "participants": sum(row.named + row.counted for row in delivered),
            "provider_access_delivered": sum(1 for row in delivered if row.provider_access),
        },
        "by_benchmark": [
            {"benchmark": n, "title": BENCHMARK_TITLES[n], **by_benchmark.get(n, zero)} for n in BENCHMARKS
        ],
        "by_year_group": [{"year_group": y, **by_year[y]} for y in sorted(by_year)],
        "by_term": [{"term": t, "label": TERM_LABELS[t], **by_term.get(t, zero)} for t in TERMS],
        "ratings": _ratings(delivered),
    }


def _ratings(delivered: list[Any]) -> dict[str, Any]:
    rated = sorted(
        (row for row in delivered if row.average_rating is not None),
        key=lambda row: (-row.average_rating, row.delivered_on or "", row.title),
    )
    respondents = sum(row.respondents for row in rated)
    overall = (
        sum(row.average_rating * row.respondents for row in rated) / respondents if respondents else None
    )
    return {
        "delivered": len(delivered),
        "evaluated": len(rated),
        "respondents": respondents,
        "average": round(overall, 2) if overall is not None else None,
        "activities": [
            {
                "activity_id": row.activity_id,
                "title": row.title,
                "activity_type": row.activity_type,
                "activity_type_label": activity_type_label(row.activity_type),
                "delivered_on": row.delivered_on,
                "average_rating": row.average_rating,
                "respondents": row.respondents,
            }
            for row in rated
        ],
    }
