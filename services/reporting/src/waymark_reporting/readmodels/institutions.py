"""Institutions as reporting knows them, from directory's events."""

from __future__ import annotations

from sqlalchemy import Connection, delete

from waymark_reporting.adapters.tables import READ_MODEL_TABLES, institutions
from waymark_shared.db.upsert import upsert
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription


def on_institution_registered(event: RecordedEvent, conn: Connection) -> None:
    data = event.data
    values = {
        "name": data["name"],
        "institution_type": data["institution_type"],
        "local_authority": data.get("local_authority"),
        "region": data.get("region"),
        "registered_at": event.time,
    }
    upsert(conn, institutions, {"institution_id": data["institution_id"]}, values)


def reset(conn: Connection) -> None:
    for table in READ_MODEL_TABLES:
        conn.execute(delete(table))


SUBSCRIPTION = Subscription(
    name="reporting",
    handlers={qualified_type("directory", "InstitutionRegistered"): on_institution_registered},
    reset=reset,
    description="Reporting's read models, projected from every service's events.",
)
