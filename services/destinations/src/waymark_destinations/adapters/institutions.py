"""Destinations learns about institutions from directory's events, never its tables:
name, type, status, Careers Hub, trust and the oldest age taught (``high_age``: 18 or
more means the institution has its own sixth form, which decides whether a stayer
needs consent and whether it has 16–18 leavers).

Each row records the version of the institution's stream it was last brought to, and
only a later event of that stream changes it, so an event delivered again changes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_destinations.adapters.tables import institutions
from waymark_shared.db.engine import reading
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import ServiceRuntime, Subscription

KEPT = ("name", "institution_type", "careers_hub", "trust", "high_age")


class UnknownInstitution(LookupError):
    """A change to an institution whose registration has not been applied: parked, to
    be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(f"{event.name} for institution {event.data['institution_id']}, not yet registered here.")


def _key(institution_id: str):  # type: ignore[no-untyped-def]
    return institutions.c.institution_id == institution_id


def _apply_later(conn: Connection, event: RecordedEvent, values: Mapping[str, Any]) -> bool:
    institution_id = str(event.data["institution_id"])
    changed = conn.execute(
        update(institutions)
        .where(_key(institution_id), institutions.c.stream_version < event.stream_version)
        .values(**values, stream_version=event.stream_version)
    )
    if changed.rowcount:
        return True
    return conn.execute(select(institutions.c.institution_id).where(_key(institution_id))).first() is not None


def on_registered(event: RecordedEvent, conn: Connection) -> None:
    institution_id = str(event.data["institution_id"])
    values = {name: event.data.get(name) for name in KEPT}
    version = conn.execute(select(institutions.c.stream_version).where(_key(institution_id))).scalar()
    if version is None:
        conn.execute(
            institutions.insert().values(
                institution_id=institution_id, status="open", stream_version=event.stream_version, **values
            )
        )
    elif version < event.stream_version:
        _apply_later(conn, event, values)


def on_updated(event: RecordedEvent, conn: Connection) -> None:
    changes = event.data["changes"]
    values = {name: changes[name] for name in KEPT if name in changes}
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


def on_closed(event: RecordedEvent, conn: Connection) -> None:
    if not _apply_later(conn, event, {"status": "closed"}):
        raise UnknownInstitution(event)


def reset(conn: Connection) -> None:
    conn.execute(delete(institutions))


def institution(runtime: ServiceRuntime, institution_id: str, conn: Connection | None = None) -> dict | None:
    query = select(institutions).where(_key(institution_id))
    if conn is None:
        with reading(runtime.engine) as own:
            row = own.execute(query).first()
    else:
        row = conn.execute(query).first()
    return None if row is None else dict(row._mapping)


SUBSCRIPTION = Subscription(
    name="destinations-institutions",
    handlers={
        qualified_type("directory", "InstitutionRegistered"): on_registered,
        qualified_type("directory", "InstitutionUpdated"): on_updated,
        qualified_type("directory", "InstitutionClosed"): on_closed,
    },
    reset=reset,
    description="Institutions: name, type, whether open, hub, trust and whether each has a sixth form.",
)
