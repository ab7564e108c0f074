"""Audit learns about institutions from directory's events, never from its tables."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from waymark_audit.adapters.tables import institutions
from waymark_audit.domain.evaluation_types import evaluation_type_for
from waymark_shared.db.upsert import upsert
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import ServiceRuntime, Subscription


def on_institution_registered(event: RecordedEvent, conn: Connection) -> None:
    institution_type = event.data["institution_type"]
    values = {
        "institution_type": institution_type,
        "evaluation_type": evaluation_type_for(institution_type),
    }
    upsert(conn, institutions, {"institution_id": event.data["institution_id"]}, values)


def reset(conn: Connection) -> None:
    conn.execute(delete(institutions))


def evaluation_type(runtime: ServiceRuntime, institution_id: str) -> str | None:
    query = select(institutions.c.evaluation_type).where(institutions.c.institution_id == institution_id)
    with runtime.engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


SUBSCRIPTION = Subscription(
    name="audit",
    handlers={qualified_type("directory", "InstitutionRegistered"): on_institution_registered},
    reset=reset,
    description="Institutions and the evaluation type each one takes.",
)
