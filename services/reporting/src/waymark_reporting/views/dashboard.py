"""The institution dashboard's model, read in one connection: the institution, how
current the read models are, benchmark results (latest, trend, termly snapshots), plan
delivery and ratings for an academic year, pupil-level evidence per year group and
cohort, Provider Access Legislation compliance per cohort, and (for those who may see
pupil-level data) the worklist.

Each part is its own function over a connection (:mod:`.benchmarks`, :mod:`.delivery`,
:mod:`.evidence`, :mod:`.freshness`), for the reports built on the same read models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from waymark_reporting.adapters.tables import institutions
from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.views import benchmarks, delivery, evidence, freshness, reading
from waymark_shared.service import ServiceRuntime

_INSTITUTION = select(institutions).where(institutions.c.institution_id == bindparam("institution_id"))


def institution(conn: Connection, institution_id: str) -> dict[str, Any] | None:
    row = conn.execute(_INSTITUTION, {"institution_id": institution_id}).first()
    return dict(row._mapping) if row else None


def institution_of(runtime: ServiceRuntime, institution_id: str) -> dict[str, Any] | None:
    with reading(runtime) as conn:
        return institution(conn, institution_id)


def dashboard(
    runtime: ServiceRuntime,
    institution_id: str,
    *,
    year: str | None = None,
    worklist: bool = False,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """The dashboard of ``institution_id`` (None if reporting has not heard of it).
    ``year``: the plan's academic year (default: this one, else the latest plan's);
    ``worklist``: include the learners meeting none of the measures."""
    now = now or datetime.now(UTC)
    today = now.date()
    with reading(runtime) as conn:
        found = institution(conn, institution_id)
        if found is None:
            return None
        history = benchmarks.evaluation_history(conn, institution_id)
        years = delivery.plan_years(conn, institution_id)
        chosen = _plan_year(year, years, today)
        cohorts = evidence.cohorts(conn, institution_id, today)
        model: dict[str, Any] = {
            "institution": found,
            "today": today.isoformat(),
            "academic_year": academic_year(today),
            "freshness": freshness.freshness(conn, now),
            "benchmarks": {
                "latest": benchmarks.latest_results(history),
                "trend": history,
                "snapshots": benchmarks.snapshots(history, today),
            },
            "plan_years": years,
            "delivery": delivery.delivery(conn, institution_id, chosen) if chosen else None,
            "evidence": _evidence(cohorts),
            "provider_access": evidence.compliance_rows(pal.by_cohort(cohorts.compliance, today)),
            "worklist_count": sum(1 for item in cohorts.evidence if item.has_none),
        }
        if worklist:
            model["worklist"] = evidence.worklist_rows(cohorts)
    return model


def worklist(
    runtime: ServiceRuntime, institution_id: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The learners on roll meeting none of the measures (pupil-level)."""
    today = (now or datetime.now(UTC)).date()
    with reading(runtime) as conn:
        return evidence.worklist_rows(evidence.cohorts(conn, institution_id, today))


def _plan_year(year: str | None, years: list[str], today: date) -> str | None:
    """The year asked for (None: it has no plan), else this year's plan or the latest."""
    if year is not None:
        return year if year in years else None
    current = academic_year(today)
    if current in years:
        return current
    return years[0] if years else None


def _evidence(cohorts: evidence.Cohorts) -> dict[str, Any]:
    return {
        "learners": len(cohorts.learners),
        "measures": evidence.measures(),
        "by_year_group": evidence.evidence_rows(ev.by_year_group(cohorts.evidence), "year_group"),
        "by_cohort": evidence.evidence_rows(ev.by_cohort(cohorts.evidence), "cohort"),
    }


def provider_access_learners(
    runtime: ServiceRuntime, institution_id: str, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Each learner on roll's Provider Access phases (pupil-level), by year and form group."""
    today = (now or datetime.now(UTC)).date()
    with reading(runtime) as conn:
        return evidence.learner_compliance_rows(evidence.cohorts(conn, institution_id, today))
