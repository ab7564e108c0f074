"""Audit learns about institutions from directory's events, never from its tables.

The evaluation type follows the institution type: when directory changes an
institution's type, the evaluation type it takes changes with it, until a careers leader
chooses one (``EvaluationTypeChanged``, kept in ``evaluation_type_choices``): the choice
then stands whatever type directory later gives. A closed institution stays, marked
closed, with its history. The Careers Hub and trust say whose leads may read its results.

Each row records the version of the institution's stream it was last brought to, and a
handler changes a row only with a later event of that stream, so an event delivered or
retried again after later ones changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_audit.adapters.tables import evaluation_type_choices, institutions
from waymark_audit.domain.evaluation_types import CLOSED, OPEN, evaluation_type_for
from waymark_shared.db.engine import reading
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import ServiceRuntime, Subscription


class UnknownInstitution(LookupError):
    """A change to an institution whose registration audit has not applied (it was
    parked, say): parked in turn, to be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for institution {event.data['institution_id']}, which audit has not "
            "heard of: apply its InstitutionRegistered first."
        )


def _key(institution_id: str):  # type: ignore[no-untyped-def]
    return institutions.c.institution_id == institution_id


def _register(conn: Connection, event: RecordedEvent, values: Mapping[str, Any]) -> None:
    """Add the institution's row; a registration applied again finds it at the same or a
    later version and changes nothing."""
    institution_id = event.data["institution_id"]
    version = conn.execute(select(institutions.c.stream_version).where(_key(institution_id))).scalar()
    if version is None:
        conn.execute(
            institutions.insert().values(
                institution_id=institution_id, stream_version=event.stream_version, **values
            )
        )
    elif version < event.stream_version:
        _apply_later(conn, event, values)


def _apply_later(conn: Connection, event: RecordedEvent, values: Mapping[str, Any]) -> bool:
    """Bring the institution's row to ``event``'s version with ``values`` if it is at an
    earlier one. False when there is no row."""
    institution_id = event.data["institution_id"]
    changed = conn.execute(
        update(institutions)
        .where(_key(institution_id), institutions.c.stream_version < event.stream_version)
        .values(**values, stream_version=event.stream_version)
    )
    if changed.rowcount:
        return True
    return conn.execute(select(institutions.c.institution_id).where(_key(institution_id))).first() is not None


def _typed(institution_type: str) -> dict[str, str]:
    return {"institution_type": institution_type, "evaluation_type": evaluation_type_for(institution_type)}


SCOPES = ("careers_hub", "trust")


def on_institution_registered(event: RecordedEvent, conn: Connection) -> None:
    scopes = {name: event.data.get(name) for name in SCOPES}
    _register(
        conn, event, {**_typed(event.data["institution_type"]), **scopes, "status": OPEN, "closed_on": None}
    )


def on_institution_updated(event: RecordedEvent, conn: Connection) -> None:
    changes = event.data["changes"]
    values = _typed(changes["institution_type"]) if "institution_type" in changes else {}
    values.update({name: changes[name] for name in SCOPES if name in changes})
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


def on_institution_closed(event: RecordedEvent, conn: Connection) -> None:
    values = {"status": CLOSED, "closed_on": str(event.data["closed_on"])}
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


def reset(conn: Connection) -> None:
    conn.execute(delete(institutions))


def institution(
    runtime: ServiceRuntime, institution_id: str, conn: Connection | None = None
) -> dict[str, Any] | None:
    """What audit knows of the institution: its type, the evaluation type it takes (a
    careers leader's choice, or else the type's, with ``chosen`` saying which), its
    status, Careers Hub and trust."""
    choice = evaluation_type_choices.c
    query = (
        select(
            institutions.c.institution_type,
            institutions.c.evaluation_type,
            institutions.c.status,
            institutions.c.closed_on,
            institutions.c.careers_hub,
            institutions.c.trust,
            choice.evaluation_type.label("chosen_type"),
            choice.reason,
            choice.version.label("choice_version"),
        )
        .outerjoin(evaluation_type_choices, choice.institution_id == institutions.c.institution_id)
        .where(_key(institution_id))
    )
    if conn is None:
        with reading(runtime.engine) as own:
            row = own.execute(query).first()
    else:
        row = conn.execute(query).first()
    if row is None:
        return None
    found = dict(row._mapping)
    chosen = found.pop("chosen_type")
    found["chosen"] = chosen is not None
    found["type_evaluation_type"] = found["evaluation_type"]
    if chosen is not None:
        found["evaluation_type"] = chosen
    return found


SUBSCRIPTION = Subscription(
    name="audit",
    handlers={
        qualified_type("directory", "InstitutionRegistered"): on_institution_registered,
        qualified_type("directory", "InstitutionUpdated"): on_institution_updated,
        qualified_type("directory", "InstitutionClosed"): on_institution_closed,
    },
    reset=reset,
    description="Institutions, the evaluation type each one takes, and which have closed.",
)
