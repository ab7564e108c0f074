"""Pupil-level evidence and Provider Access Legislation compliance of an institution's
learners on roll, from reporting's learners, activities and participation, computed by
the pure rules in :mod:`waymark_reporting.domain.evidence` and
:mod:`waymark_reporting.domain.provider_access`.

A few queries whatever the size: the learners on roll, what they took part in (by
learner id, a chunk of 500 a query, only activity types that are evidence or Provider
Access encounters), and the institution's delivered Provider Access activities (what
was offered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select

from waymark_reporting.adapters.tables import activities, learners, participation
from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.evidence import Encounter, Learner
from waymark_reporting.readmodels.activities import DELIVERED
from waymark_reporting.readmodels.common import CHUNK, numbers


@dataclass(frozen=True)
class Cohorts:
    """What the institution's learners on roll took part in, evidence and compliance."""

    learners: list[Learner]
    evidence: list[ev.LearnerEvidence]
    compliance: list[pal.LearnerCompliance]


# Statements built once (building one costs more than running it on SQLite), their
# values bound at each call.
_ON_ROLL = (
    select(learners.c.learner_id, learners.c.year_group, learners.c.cohort, learners.c.form_group)
    .where(learners.c.institution_id == bindparam("institution_id"), learners.c.on_roll.is_(True))
    .order_by(learners.c.year_group, learners.c.form_group, learners.c.learner_id)
)
_p = participation.c
_ENCOUNTERS = select(
    _p.learner_id, _p.activity_id, _p.activity_type, _p.delivered_on, _p.provider_access
).where(
    _p.learner_id.in_(bindparam("ids", expanding=True)),
    or_(_p.activity_type.in_(sorted(ev.EVIDENCE_TYPES)), _p.provider_access.is_(True)),
)
_OFFERED = select(activities.c.activity_id, activities.c.delivered_on, activities.c.year_groups).where(
    activities.c.institution_id == bindparam("institution_id"),
    activities.c.status == DELIVERED,
    activities.c.provider_access.is_(True),
)


def learners_on_roll(conn: Connection, institution_id: str) -> list[Learner]:
    return [Learner(*row) for row in conn.execute(_ON_ROLL, {"institution_id": institution_id})]


def encounters_of(conn: Connection, learner_ids: Sequence[str]) -> list[Encounter]:
    """Delivered activities (at any institution) these learners took part in, of the
    types that are evidence or Provider Access encounters: participation rows carry
    the activity's type, date and flag, read by learner id through the table's key, a
    chunk of ids a query (so the plan does not depend on statistics)."""
    found = []
    days: dict[str, date] = {}  # delivered_on -> date, parsed once a day
    for start in range(0, len(learner_ids), CHUNK):
        rows = conn.execute(_ENCOUNTERS, {"ids": list(learner_ids[start : start + CHUNK])}).all()
        for learner_id, activity_id, activity_type, delivered_on, provider_access in rows:
            day = days.get(delivered_on)
            if day is None:
                day = days[delivered_on] = date.fromisoformat(delivered_on)
            found.append(Encounter(learner_id, activity_id, activity_type, day, bool(provider_access)))
    return found


def offered_encounters(conn: Connection, institution_id: str) -> list[pal.OfferedEncounter]:
    return [
        pal.OfferedEncounter(
            r.activity_id, date.fromisoformat(r.delivered_on), frozenset(numbers(r.year_groups))
        )
        for r in conn.execute(_OFFERED, {"institution_id": institution_id})
    ]


def cohorts(conn: Connection, institution_id: str, today: date) -> Cohorts:
    roll = learners_on_roll(conn, institution_id)
    encounters = encounters_of(conn, [learner.learner_id for learner in roll])
    offered = offered_encounters(conn, institution_id)
    return Cohorts(
        roll,
        ev.evidence_of(roll, encounters, today),
        pal.compliance_of(roll, encounters, offered, today),
    )


def _share(share: ev.Share | None) -> dict[str, Any] | None:
    if share is None:
        return None
    return {"learners": share.learners, "met": share.met, "percentage": share.percentage}


def evidence_rows(rows: list[ev.EvidenceRow], key: str) -> list[dict[str, Any]]:
    return [
        {
            key: row.group,
            "learners": row.learners,
            "with_none": row.with_none,
            "measures": {measure: _share(share) for measure, share in row.shares.items()},
        }
        for row in rows
    ]


def measures() -> list[dict[str, Any]]:
    return [
        {"measure": key, "benchmark": benchmark, "label": label}
        for key, (benchmark, label) in ev.MEASURES.items()
    ]


def compliance_rows(rows: list[pal.CohortCompliance]) -> list[dict[str, Any]]:
    return [
        {
            "cohort": row.cohort,
            "year_group": row.year_group,
            "learners": row.learners,
            "phases": [
                {
                    "phase": summary.phase.key,
                    "label": summary.phase.label,
                    "opens": summary.phase.opens.isoformat(),
                    "deadline": summary.phase.deadline.isoformat(),
                    "mandatory": summary.phase.mandatory,
                    "learners": summary.learners,
                    "status": summary.status,
                    "met": summary.met,
                    "needs_one": summary.needs_one,
                    "needs_two": summary.needs_two,
                    "still_needing": summary.still_needing,
                    "missed": summary.missed,
                    "not_open": summary.not_open,
                }
                for summary in row.phases
            ],
        }
        for row in rows
    ]


def worklist_rows(found: Cohorts) -> list[dict[str, Any]]:
    """Learners meeting none of the measures, with where they stand on Provider
    Access (encounters still needed in the phase open now, and by when)."""
    compliance = {item.learner.learner_id: item for item in found.compliance}
    rows = []
    for learner in ev.worklist(found.evidence):
        open_phase = next((p for p in compliance[learner.learner_id].phases if p.status == pal.DUE), None)
        rows.append(
            {
                "learner_id": learner.learner_id,
                "year_group": learner.year_group,
                "form_group": learner.form_group,
                "cohort": learner.cohort,
                "provider_access_needed": open_phase.still_needed if open_phase else 0,
                "provider_access_deadline": open_phase.phase.deadline.isoformat() if open_phase else None,
            }
        )
    return rows


def learner_compliance_rows(found: Cohorts) -> list[dict[str, Any]]:
    """Each learner on roll's three Provider Access phases (pupil-level)."""
    return [
        {
            "learner_id": item.learner.learner_id,
            "year_group": item.learner.year_group,
            "form_group": item.learner.form_group,
            "cohort": item.learner.cohort,
            "phases": [
                {
                    "phase": status.phase.key,
                    "opens": status.phase.opens.isoformat(),
                    "deadline": status.phase.deadline.isoformat(),
                    "encounters": status.encounters,
                    "still_needed": status.still_needed,
                    "status": status.status,
                }
                for status in item.phases
            ],
        }
        for item in found.compliance
    ]
