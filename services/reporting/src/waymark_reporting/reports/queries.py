"""The reads reports need beyond the dashboard's views: a plan's written objectives, an
academic year's activities one by one, and destinations counted per leaving cohort by the database (no learner's
row leaves it)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, select

from waymark_reporting.adapters.tables import activities, destinations, plans
from waymark_reporting.readmodels.activities import DELIVERED
from waymark_reporting.readmodels.common import numbers


def plan_objectives(conn: Connection, institution_id: str, academic_year: str) -> list[str]:
    """The written objectives of the institution's plan for the year, in the plan's order."""
    p = plans.c
    found = conn.execute(
        select(p.objectives).where(p.institution_id == institution_id, p.academic_year == academic_year)
    ).scalar()
    return json.loads(found) if found else []


def delivered_activities(conn: Connection, institution_id: str, academic_year: str) -> list[dict[str, Any]]:
    """The year's delivered activities, in the order they were delivered, with their
    benchmarks and year groups as lists."""
    a = activities.c
    query = (
        select(
            a.activity_id, a.title, a.activity_type, a.benchmarks, a.year_groups, a.term, a.delivered_on,
            a.named, a.counted, a.average_rating, a.respondents, a.provider_access,
        )
        .where(a.institution_id == institution_id, a.academic_year == academic_year, a.status == DELIVERED)
        .order_by(a.delivered_on, a.title, a.activity_id)
    )  # fmt: skip
    return [
        {
            **row._asdict(),
            "benchmarks": numbers(row.benchmarks),
            "year_groups": numbers(row.year_groups),
            "provider_access": bool(row.provider_access),
        }
        for row in conn.execute(query)
    ]


def destination_counts(conn: Connection, institution_id: str) -> list[dict[str, Any]]:
    """``[{leaving_point, leaving_cohort, category, sustained, learners}]``: how many
    learners of each leaving cohort have each destination (None: none recorded yet)
    and judgement."""
    d = destinations.c
    query = (
        select(d.leaving_point, d.leaving_cohort, d.category, d.sustained, func.count().label("learners"))
        .where(d.institution_id == institution_id)
        .group_by(d.leaving_point, d.leaving_cohort, d.category, d.sustained)
    )
    return [
        {**row._asdict(), "sustained": None if row.sustained is None else bool(row.sustained)}
        for row in conn.execute(query)
    ]
