"""Planner learns about institutions from directory's events: their name (for plans and
exports), type, whether they are open, and their Careers Hub and trust (whose leads may
read their plans).

Each row records the version of the institution's stream it was last brought to, and a
handler changes a row only with a later event of that stream, so an event delivered or
retried again after later ones changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_planner.adapters.tables import institutions
from waymark_shared.db.engine import reading
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import ServiceRuntime, Subscription

OPEN, CLOSED = "open", "closed"
_KEPT = ("name", "institution_type", "careers_hub", "trust")


class UnknownInstitution(LookupError):
    """A change to an institution whose registration planner has not applied (it was
    parked, say): parked in turn, to be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for institution {event.data['institution_id']}, which planner has not "
            "heard of: apply its InstitutionRegistered first."
        )


def _key(institution_id: str):  # type: ignore[no-untyped-def]
    return institutions.c.institution_id == str(institution_id)


def _apply_later(conn: Connection, event: RecordedEvent, values: Mapping[str, Any]) -> bool:
    """Bring the row to ``event``'s version with ``values`` if it is at an earlier one.
    False when there is no row."""
    institution_id = event.data["institution_id"]
    changed = conn.execute(
        update(institutions)
        .where(_key(institution_id), institutions.c.stream_version < event.stream_version)
        .values(**values, stream_version=event.stream_version)
    )
    if changed.rowcount:
        return True
    return conn.execute(select(institutions.c.institution_id).where(_key(institution_id))).first() is not None


def on_institution_registered(event: RecordedEvent, conn: Connection) -> None:
    data = event.data
    values = {name: data.get(name) for name in _KEPT} | {"status": OPEN}
    if not _apply_later(conn, event, values):
        conn.execute(
            institutions.insert().values(
                institution_id=str(data["institution_id"]), stream_version=event.stream_version, **values
            )
        )


def on_institution_updated(event: RecordedEvent, conn: Connection) -> None:
    changes = event.data["changes"]
    values = {name: changes[name] for name in _KEPT if name in changes}
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


def on_institution_closed(event: RecordedEvent, conn: Connection) -> None:
    if not _apply_later(conn, event, {"status": CLOSED}):
        raise UnknownInstitution(event)


def reset(conn: Connection) -> None:
    conn.execute(delete(institutions))


def institution(
    runtime: ServiceRuntime, institution_id: str, conn: Connection | None = None
) -> dict[str, Any] | None:
    """What planner knows of the institution: name, type, status, Careers Hub, trust."""
    query = select(institutions).where(_key(institution_id))
    if conn is None:
        with reading(runtime.engine) as own:
            row = own.execute(query).first()
    else:
        row = conn.execute(query).first()
    return None if row is None else dict(row._mapping)


SUBSCRIPTION = Subscription(
    name="planner-institutions",
    handlers={
        qualified_type("directory", "InstitutionRegistered"): on_institution_registered,
        qualified_type("directory", "InstitutionUpdated"): on_institution_updated,
        qualified_type("directory", "InstitutionClosed"): on_institution_closed,
    },
    reset=reset,
    description="Institutions (name, type, open or closed, Careers Hub and trust), from directory.",
)
