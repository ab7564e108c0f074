"""Reporting's queries over its read models: institutions here; the dashboard in
:mod:`.dashboard` (built from :mod:`.benchmarks`, :mod:`.delivery`, :mod:`.evidence`,
:mod:`.freshness`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Connection, func, select

from waymark_reporting.adapters.tables import institutions
from waymark_shared.db.engine import reading as read_snapshot
from waymark_shared.service import ServiceRuntime


def reading(runtime: ServiceRuntime) -> AbstractContextManager[Connection]:
    """One snapshot, no lock (:func:`waymark_shared.db.engine.reading`): every read here."""
    return read_snapshot(runtime.engine)


def list_institutions(runtime: ServiceRuntime) -> list[dict]:
    with reading(runtime) as conn:
        rows = conn.execute(select(institutions).order_by(institutions.c.name))
        return [dict(row._mapping) for row in rows]


def institutions_by_region(runtime: ServiceRuntime) -> list[dict]:
    query = (
        select(institutions.c.region, func.count().label("institutions"))
        .group_by(institutions.c.region)
        .order_by(institutions.c.region)
    )
    with reading(runtime) as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def all_freshness(runtime: ServiceRuntime, now: datetime | None = None) -> dict:
    """How current every read model is (see :mod:`.freshness`)."""
    from waymark_reporting.views.freshness import freshness

    with reading(runtime) as conn:
        return freshness(conn, now)


def institutions_readable(
    runtime: ServiceRuntime, ids: set[str] | None, hubs: set[str], trusts: set[str]
) -> list[dict]:
    """Institutions among ``ids`` (None: all) or in one of ``hubs`` or ``trusts``, by name."""
    t = institutions.c
    query = select(t.institution_id, t.name, t.institution_type, t.status, t.careers_hub, t.trust)
    if ids is not None:
        query = query.where(
            t.institution_id.in_(sorted(ids)) | t.careers_hub.in_(sorted(hubs)) | t.trust.in_(sorted(trusts))
        )
    with reading(runtime) as conn:
        return [dict(row._mapping) for row in conn.execute(query.order_by(t.name))]
