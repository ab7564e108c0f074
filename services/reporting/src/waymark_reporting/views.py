"""Reporting's queries over its read models."""

from __future__ import annotations

from sqlalchemy import func, select

from waymark_reporting.adapters.tables import institutions
from waymark_shared.service import ServiceRuntime


def list_institutions(runtime: ServiceRuntime) -> list[dict]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(institutions).order_by(institutions.c.name))
        return [dict(row._mapping) for row in rows]


def institutions_by_region(runtime: ServiceRuntime) -> list[dict]:
    query = (
        select(institutions.c.region, func.count().label("institutions"))
        .group_by(institutions.c.region)
        .order_by(institutions.c.region)
    )
    with runtime.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
