"""Audit's completed evaluations: each one's benchmark percentages and which benchmarks
it achieved, for the latest result, the trend across evaluations and the termly
snapshots. The ``reporting-audit`` subscription.

An evaluation completes once (``AuditCompleted`` carries its whole result); one applied
again finds its row and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete

from waymark_reporting.adapters.tables import AUDIT_TABLES, evaluation_benchmarks, evaluations
from waymark_reporting.readmodels.common import (
    existing_keys,
    forget_applied,
    forget_summaries,
    insert_many,
    mark_stale,
    note_applied,
)
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

NAME = "reporting-audit"
COMPLETED = qualified_type("audit", "AuditCompleted")


def on_completed(events: Sequence[RecordedEvent], conn: Connection) -> None:
    ids = [str(event.data["evaluation_id"]) for event in events]
    seen = existing_keys(conn, evaluations.c.evaluation_id, ids)
    rows, benchmarks = [], []
    for event in events:
        data = event.data
        evaluation_id = str(data["evaluation_id"])
        if evaluation_id in seen:
            continue
        seen.add(evaluation_id)
        rows.append(
            {
                "evaluation_id": evaluation_id,
                "institution_id": str(data["institution_id"]),
                "framework_id": data["framework_id"],
                "evaluation_type": data["evaluation_type"],
                "completed_at": _iso(data["completed_at"]),
                "benchmarks_achieved": data["benchmarks_achieved"],
            }
        )
        benchmarks.extend(
            (evaluation_id, b["number"], b["percentage"], bool(b["achieved"])) for b in data["benchmarks"]
        )
    if rows:
        conn.execute(evaluations.insert(), rows)
    insert_many(
        conn, evaluation_benchmarks, ("evaluation_id", "number", "percentage", "achieved"), benchmarks
    )
    mark_stale(conn, (row["institution_id"] for row in rows))
    note_applied(conn, NAME, events)


def _iso(value: object) -> str:
    """Event data as the store keeps it: an ISO 8601 string (a datetime when validated)."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)  # type: ignore[union-attr]


def reset(conn: Connection) -> None:
    for table in AUDIT_TABLES:
        conn.execute(delete(table))
    forget_applied(conn, NAME)
    forget_summaries(conn)


SUBSCRIPTION = Subscription(
    name=NAME,
    batch_handlers={COMPLETED: on_completed},
    reset=reset,
    description="Benchmark results of every completed evaluation, from audit's events.",
)
