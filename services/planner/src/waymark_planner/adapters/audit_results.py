"""Planner's copy of audit's completed evaluations: the criteria each one found not
achieved are what a plan from the evaluation's gaps suggests activities for. The
latest per institution is the one completed last.

An evaluation completes once, so its row, keyed by the evaluation id, is written once:
an ``AuditCompleted`` delivered again changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select

from waymark_planner.adapters.tables import completed_evaluations
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription


def on_audit_completed(event: RecordedEvent, conn: Connection) -> None:
    data = event.data
    evaluation_id = str(data["evaluation_id"])
    table = completed_evaluations
    if conn.execute(select(table.c.evaluation_id).where(table.c.evaluation_id == evaluation_id)).first():
        return
    conn.execute(
        table.insert().values(
            evaluation_id=evaluation_id,
            institution_id=str(data["institution_id"]),
            framework_id=data["framework_id"],
            evaluation_type=data["evaluation_type"],
            completed_at=str(data["completed_at"]),
            benchmarks_achieved=data["benchmarks_achieved"],
            benchmarks=list(data["benchmarks"]),
            criteria=list(data["criteria"]),
        )
    )


def reset(conn: Connection) -> None:
    conn.execute(delete(completed_evaluations))


def latest_evaluation(conn: Connection, institution_id: str) -> dict[str, Any] | None:
    """The institution's evaluation completed last, with its criteria's results."""
    table = completed_evaluations
    row = conn.execute(
        select(table)
        .where(table.c.institution_id == institution_id)
        .order_by(table.c.completed_at.desc())
        .limit(1)
    ).first()
    return None if row is None else dict(row._mapping)


def evaluation(conn: Connection, evaluation_id: str) -> dict[str, Any] | None:
    table = completed_evaluations
    row = conn.execute(select(table).where(table.c.evaluation_id == evaluation_id)).first()
    return None if row is None else dict(row._mapping)


SUBSCRIPTION = Subscription(
    name="planner-audit",
    handlers={qualified_type("audit", "AuditCompleted"): on_audit_completed},
    reset=reset,
    description="Completed evaluations and the criteria they found not achieved, from audit.",
)
