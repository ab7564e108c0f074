"""Keeping ``institution_summaries`` up to date (each row's ``figures`` the summary
flattened, :func:`domain.summaries.flatten`): the projections mark the institutions
their events touched (``stale_summaries``); :func:`refresh_summaries` recomputes those
(and any institution without a summary) with :func:`domain.summaries.institution_summary`,
a chunk of institutions at a time, each chunk's reads one query per table.

Each chunk is one transaction that first deletes the chunk's stale marks: an event
applied meanwhile marks its institution again (on PostgreSQL its insert waits for the
deletion to commit; SQLite has one writer), so nothing is lost, at worst refreshed twice.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, union
from sqlalchemy.dialects import postgresql, sqlite

from waymark_reporting.adapters.tables import (
    activities,
    destinations,
    evaluation_benchmarks,
    evaluations,
    institution_summaries,
    institutions,
    learners,
    stale_summaries,
)
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain import summaries as summary
from waymark_reporting.domain.evidence import Learner
from waymark_reporting.readmodels.activities import DELIVERED
from waymark_reporting.readmodels.common import numbers
from waymark_reporting.views import reading
from waymark_reporting.views.evidence import encounters_of
from waymark_shared.service import ServiceRuntime

INSTITUTIONS_PER_ROUND = 1000
INSTITUTIONS_PER_CHUNK = 200


def stale_ids(conn: Connection, within: Iterable[str] | None = None) -> list[str]:
    """Institutions whose summary is out of date or missing (among ``within``)."""
    s, i, m = stale_summaries.c, institutions.c, institution_summaries.c
    missing = (
        select(i.institution_id)
        .select_from(institutions.outerjoin(institution_summaries, m.institution_id == i.institution_id))
        .where(m.institution_id.is_(None))
    )
    found = sorted(conn.execute(union(select(s.institution_id), missing)).scalars())
    if within is None:
        return found
    wanted = set(within)
    return [ident for ident in found if ident in wanted]


def refresh_round(runtime: ServiceRuntime) -> int:
    """Reporting's maintenance job (``waymark consume reporting`` runs it): up to
    :data:`INSTITUTIONS_PER_ROUND` stale summaries at a time."""
    return refresh_summaries(runtime, limit=INSTITUTIONS_PER_ROUND)


def refresh_summaries(
    runtime: ServiceRuntime,
    *,
    limit: int | None = None,
    ids: Sequence[str] | None = None,
) -> int:
    """Recompute the stale summaries (``ids``: these institutions, stale or not; at most
    ``limit``). Returns how many were refreshed."""
    with reading(runtime) as conn:
        todo = list(ids) if ids is not None else stale_ids(conn)
    todo = todo[:limit] if limit is not None else todo
    for start in range(0, len(todo), INSTITUTIONS_PER_CHUNK):
        chunk = todo[start : start + INSTITUTIONS_PER_CHUNK]
        stamp = datetime.now(UTC).isoformat()  # the wall clock, a chunk at a time: caches key on it
        with runtime.engine.begin() as conn:
            conn.execute(delete(stale_summaries).where(stale_summaries.c.institution_id.in_(chunk)))
            write_summaries(conn, compute_summaries(conn, chunk), stamp)
    return len(todo)


def compute_summaries(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The summaries of ``ids`` (known institutions; unknown ones get none)."""
    known = set(
        conn.execute(
            select(institutions.c.institution_id).where(institutions.c.institution_id.in_(ids))
        ).scalars()
    )
    roll = _learners_on_roll(conn, ids)
    everyone = [learner.learner_id for mine in roll.values() for learner in mine]
    encounters = defaultdict(list)
    for encounter in encounters_of(conn, everyone):
        encounters[encounter.learner_id].append(encounter)
    offered = _offered(conn, ids)
    latest = _latest_evaluations(conn, ids)
    planned = _planned(conn, ids)
    leavers = _destinations(conn, ids)
    found = {}
    for ident in sorted(known):
        mine = roll.get(ident, [])
        found[ident] = summary.institution_summary(
            learners=mine,
            encounters=[e for learner in mine for e in encounters.get(learner.learner_id, ())],
            offered=offered.get(ident, []),
            latest=latest.get(ident),
            planned=planned.get(ident, []),
            destinations=leavers.get(ident, []),
        )
    return found


def write_summaries(conn: Connection, found: dict[str, dict[str, Any]], stamp: str) -> None:
    if not found:
        return
    rows = [
        {
            "institution_id": ident,
            "learners": figures["learners"],
            "figures": json.dumps(summary.flatten(figures), separators=(",", ":")),
            "refreshed_at": stamp,
        }
        for ident, figures in found.items()
    ]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(institution_summaries)
    columns = {c: statement.excluded[c] for c in ("learners", "figures", "refreshed_at")}
    conn.execute(statement.on_conflict_do_update(index_elements=["institution_id"], set_=columns), rows)


def _learners_on_roll(conn: Connection, ids: Sequence[str]) -> dict[str, list[Learner]]:
    t = learners.c
    query = select(t.institution_id, t.learner_id, t.year_group, t.cohort, t.form_group).where(
        t.institution_id.in_(ids), t.on_roll.is_(True)
    )
    found: dict[str, list[Learner]] = defaultdict(list)
    for row in conn.execute(query):
        found[row.institution_id].append(Learner(row.learner_id, row.year_group, row.cohort, row.form_group))
    return found


def _offered(conn: Connection, ids: Sequence[str]) -> dict[str, list[pal.OfferedEncounter]]:
    a = activities.c
    query = select(a.institution_id, a.activity_id, a.delivered_on, a.year_groups).where(
        a.institution_id.in_(ids), a.status == DELIVERED, a.provider_access.is_(True)
    )
    found: dict[str, list[pal.OfferedEncounter]] = defaultdict(list)
    for row in conn.execute(query):
        found[row.institution_id].append(
            pal.OfferedEncounter(
                row.activity_id, date.fromisoformat(row.delivered_on), frozenset(numbers(row.year_groups))
            )
        )
    return found


def _latest_evaluations(conn: Connection, ids: Sequence[str]) -> dict[str, summary.LatestEvaluation]:
    """Each institution's latest completed evaluation (as the dashboard orders them:
    by completion time, then id)."""
    e, b = evaluations.c, evaluation_benchmarks.c
    rows = conn.execute(
        select(e.institution_id, e.evaluation_id, e.completed_at, e.benchmarks_achieved).where(
            e.institution_id.in_(ids)
        )
    ).all()
    latest: dict[str, Any] = {}
    for row in rows:
        before = latest.get(row.institution_id)
        if before is None or (row.completed_at, row.evaluation_id) > (
            before.completed_at,
            before.evaluation_id,
        ):
            latest[row.institution_id] = row
    results: dict[str, dict[int, tuple[int | None, bool]]] = defaultdict(dict)
    chosen = sorted(row.evaluation_id for row in latest.values())
    for start in range(0, len(chosen), 500):
        query = select(b.evaluation_id, b.number, b.percentage, b.achieved).where(
            b.evaluation_id.in_(chosen[start : start + 500])
        )
        for row in conn.execute(query):
            results[row.evaluation_id][row.number] = (row.percentage, bool(row.achieved))
    return {
        ident: summary.LatestEvaluation(row.completed_at, row.benchmarks_achieved, results[row.evaluation_id])
        for ident, row in latest.items()
    }


def _planned(conn: Connection, ids: Sequence[str]) -> dict[str, list[summary.PlannedActivity]]:
    a = activities.c
    query = select(a.institution_id, a.academic_year, a.status, a.provider_access, a.named, a.counted).where(
        a.institution_id.in_(ids)
    )
    found: dict[str, list[summary.PlannedActivity]] = defaultdict(list)
    for row in conn.execute(query):
        found[row.institution_id].append(
            summary.PlannedActivity(
                row.academic_year, row.status, bool(row.provider_access), row.named + row.counted
            )
        )
    return found


def _destinations(conn: Connection, ids: Sequence[str]) -> dict[str, list[summary.Destination]]:
    d = destinations.c
    query = select(d.institution_id, d.leaving_point, d.leaving_cohort, d.category, d.sustained).where(
        d.institution_id.in_(ids)
    )
    found: dict[str, list[summary.Destination]] = defaultdict(list)
    for row in conn.execute(query):
        sustained = None if row.sustained is None else bool(row.sustained)
        found[row.institution_id].append(
            summary.Destination(row.leaving_point, row.leaving_cohort, row.category, sustained)
        )
    return found
