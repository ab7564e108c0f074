"""Roll-ups for the nation, a region, a local authority, a Careers Hub or a trust: the
open institutions in it, added up from their summaries (``institution_summaries``,
:mod:`waymark_reporting.domain.summaries`), with the day applied here (year groups
now, BM5 this year, Provider Access phases due or missed). Aggregates only: pupil-based
figures are shares, suppressed below :data:`summaries_figures.SMALLEST` learners.

Reading a scope first refreshes its stale summaries when there are few
(:data:`REFRESH_IN_READ`); with more it reads what is there and says how many are being
brought up to date (by reporting's maintenance job, :func:`.summaries.refresh_round`, which the
consumer process runs). Two caches per process keep a busy national page cheap: the model per scope,
day and year until anything changes (:func:`_signature`), and the sum per local
authority (or institution) until one of its summaries is refreshed (:mod:`.summaries_sums`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from waymark_reporting.adapters.tables import OPEN, institution_summaries, institutions, stale_summaries
from waymark_reporting.domain import summaries as summary
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.views import freshness, reading
from waymark_reporting.views.summaries import refresh_summaries
from waymark_reporting.views.summaries_figures import breakdown_row, derived
from waymark_reporting.views.summaries_sums import unit_sums
from waymark_shared.service import ServiceRuntime

NATION, REGION, LOCAL_AUTHORITY, HUB, TRUST = "nation", "region", "local_authority", "hub", "trust"
INSTITUTION = "institution"
BREAKDOWN = {NATION: REGION, REGION: LOCAL_AUTHORITY, LOCAL_AUTHORITY: INSTITUTION, HUB: INSTITUTION, TRUST: INSTITUTION}  # fmt: skip
REFRESH_IN_READ = 200
_CACHE_SIZE = 64
_models: OrderedDict[tuple, tuple[tuple, dict[str, Any]]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Scope:
    kind: str
    name: str | None = None  # a region's, hub's or trust's name; a local authority's code

    def where(self):  # type: ignore[no-untyped-def]
        t = institutions.c
        column = {
            REGION: t.region,
            LOCAL_AUTHORITY: t.local_authority_code,
            HUB: t.careers_hub,
            TRUST: t.trust,
        }.get(self.kind)
        return None if column is None else column == self.name


def _scoped(query, scope: Scope):  # type: ignore[no-untyped-def]
    where = scope.where()
    return query if where is None else query.where(where)


def _members(conn: Connection, scope: Scope) -> list[Any]:
    """The scope's institutions with when their summary was refreshed (None: never)."""
    t, m = institutions.c, institution_summaries.c
    query = select(
        t.institution_id, t.name, t.institution_type, t.local_authority, t.local_authority_code,
        t.region, t.status, m.refreshed_at,
    ).select_from(institutions.outerjoin(institution_summaries, m.institution_id == t.institution_id))  # fmt: skip
    return list(conn.execute(_scoped(query, scope).order_by(t.name, t.institution_id)))


def _waiting(conn: Connection, scope: Scope) -> tuple[int, list[str]]:
    """How many institutions the scope has, and those whose summary is stale or missing."""
    t, m, s = institutions.c, institution_summaries.c, stale_summaries.c
    known = conn.execute(_scoped(select(func.count()).select_from(institutions), scope)).scalar() or 0
    stale = select(s.institution_id).join(institutions, t.institution_id == s.institution_id)
    missing = (
        select(t.institution_id)
        .select_from(institutions.outerjoin(institution_summaries, m.institution_id == t.institution_id))
        .where(m.institution_id.is_(None))
    )
    found = set(conn.execute(_scoped(stale, scope)).scalars()) | set(
        conn.execute(_scoped(missing, scope)).scalars()
    )
    return known, sorted(found)


def _signature(conn: Connection) -> tuple:
    """Changes whenever a summary is refreshed, an institution changes or is marked stale."""
    m, t = institution_summaries.c, institutions.c
    summaries = conn.execute(select(func.count(), func.max(m.refreshed_at))).one()
    known = conn.execute(select(func.count(), func.sum(t.stream_version))).one()
    stale = conn.execute(select(func.count()).select_from(stale_summaries)).scalar()
    return (*summaries, *known, stale)


def rollup(
    runtime: ServiceRuntime, scope: Scope, *, year: str | None = None, now: datetime | None = None
) -> dict[str, Any] | None:
    """The roll-up of ``scope`` (None: no institution, open or closed, is in it);
    ``year``: the plan year for delivery (default: this academic year)."""
    now = now or datetime.now(UTC)
    today = now.date()
    chosen = year or academic_year(today)
    with reading(runtime) as conn:
        known, waiting = _waiting(conn, scope)
    if not known:
        return None
    refreshed = 0
    if waiting and len(waiting) <= REFRESH_IN_READ:
        # Its own transaction (on SQLite every transaction holds the write lock).
        refreshed = refresh_summaries(runtime, ids=waiting)
    url = str(runtime.engine.url)
    key = (url, scope, chosen, today)
    with reading(runtime) as conn:
        if refreshed:
            known, waiting = _waiting(conn, scope)
        signature = _signature(conn)
        with _lock:
            cached = _models.get(key)
        if cached is not None and cached[0] == signature:
            model = cached[1]
        else:
            model = _model(conn, url, scope, today=today, year=chosen)
            with _lock:
                _models[key] = (signature, model)
                _models.move_to_end(key)
                while len(_models) > _CACHE_SIZE:
                    _models.popitem(last=False)
        current = freshness.freshness(conn, now)
    return {
        **model,
        "freshness": current,
        "summaries": {"institutions": known, "being_updated": len(waiting), "refreshed_now": refreshed},
    }


def _group_of(row: Any, level: str) -> tuple[str, str | None, str | None]:
    """(key, name, code) of the row's group one level down."""
    if level == REGION:
        return (row.region or "", row.region, None)
    if level == LOCAL_AUTHORITY:
        return (row.local_authority_code or "", row.local_authority, row.local_authority_code)
    return (row.institution_id, row.name, row.institution_id)


def _model(conn: Connection, url: str, scope: Scope, *, today: date, year: str) -> dict[str, Any]:
    rows = _members(conn, scope)
    open_rows = [r for r in rows if r.status == OPEN]
    level = BREAKDOWN[scope.kind]
    # What is added up: a local authority at a time (each sum kept until one of its
    # summaries is refreshed) for the nation and regions, else an institution at a time.
    per_authority = level in (REGION, LOCAL_AUTHORITY)
    units: dict[tuple, list[Any]] = {}
    for row in open_rows:
        unit = (row.region, row.local_authority_code) if per_authority else (row.institution_id,)
        units.setdefault(unit, []).append(row)
    sums = unit_sums(conn, url, units)
    groups: dict[str, dict[str, Any]] = {}
    for unit, members in units.items():
        key, name, code = _group_of(members[0], level)
        group = groups.setdefault(key, {"name": name, "code": code, "institutions": 0, "figures": {}})
        group["institutions"] += len(members)
        if level == INSTITUTION:
            group["institution_type"] = members[0].institution_type
        summary.add(group["figures"], sums[unit])
    total: dict[str, int] = {}
    for group in groups.values():
        summary.add(total, group["figures"])
        group["figures"] = summary.unflatten(group["figures"])
    types: dict[str, int] = {}
    for row in open_rows:
        types[row.institution_type] = types.get(row.institution_type, 0) + 1
    first = rows[0]
    return {
        "scope": {
            "kind": scope.kind,
            "name": first.local_authority if scope.kind == LOCAL_AUTHORITY else scope.name,
            "code": scope.name if scope.kind == LOCAL_AUTHORITY else None,
            "region": first.region if scope.kind == LOCAL_AUTHORITY else None,
        },
        "today": today.isoformat(),
        "institutions": {
            "open": len(open_rows),
            "closed": len(rows) - len(open_rows),
            "by_type": [{"institution_type": k, "institutions": v} for k, v in sorted(types.items())],
        },
        **derived(summary.unflatten(total), institutions_open=len(open_rows), today=today, year=year),
        "breakdown": {
            "level": level,
            "rows": [
                breakdown_row(group, today=today, year=year)
                for _, group in sorted(groups.items(), key=lambda item: (item[1]["name"] or "", item[0]))
            ],
        },
    }
