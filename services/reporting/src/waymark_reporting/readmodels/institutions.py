"""Institutions (and, through :mod:`.learners` and :mod:`.careers_leaders`, learners and
who holds the careers leader role) as reporting knows them, from directory's events:
the ``reporting`` subscription.

Each row records the version of the institution's stream it was last brought to, and
a handler changes a row only with a later event of that stream: an event delivered or
retried again after later ones changes nothing, so the rows stay the same however the
events arrive (the runner already skips what it has applied; this keeps the read model
right when a parked event is retried, too). A replay starts from empty rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_reporting.adapters.tables import CLOSED, DIRECTORY_TABLES, OPEN, institutions
from waymark_reporting.readmodels.careers_leaders import ROLE_EVENTS, on_role_events
from waymark_reporting.readmodels.common import forget_applied, forget_summaries, note_applied
from waymark_reporting.readmodels.learners import LEARNER_EVENTS, on_learner_events
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

# What reporting keeps of an institution's details (directory's InstitutionUpdated may
# carry others: identifiers, postcode, ages, website; reporting has no use for them).
TRACKED = (
    "name",
    "institution_type",
    "local_authority",
    "local_authority_code",
    "region",
    "careers_hub",
    "trust",
)


class UnknownInstitution(LookupError):
    """A change to an institution whose registration reporting has not applied (it was
    parked, say): parked in turn, to be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for institution {event.data['institution_id']}, which reporting has not "
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


def on_institution_registered(event: RecordedEvent, conn: Connection) -> None:
    data = event.data
    values = {
        **{name: data.get(name) for name in TRACKED},
        "registered_at": event.time,
        "status": OPEN,
        "closed_on": None,
    }
    _register(conn, event, values)


def on_institution_updated(event: RecordedEvent, conn: Connection) -> None:
    changes = event.data["changes"]
    values = {name: changes[name] for name in TRACKED if name in changes}
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


def on_institution_closed(event: RecordedEvent, conn: Connection) -> None:
    values = {"status": CLOSED, "closed_on": str(event.data["closed_on"])}
    if not _apply_later(conn, event, values):
        raise UnknownInstitution(event)


NAME = "reporting"


INSTITUTION_HANDLERS = {
    qualified_type("directory", "InstitutionRegistered"): on_institution_registered,
    qualified_type("directory", "InstitutionUpdated"): on_institution_updated,
    qualified_type("directory", "InstitutionClosed"): on_institution_closed,
}


def on_directory_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    """A batch of directory's events: institutions' one by one, careers leaders' and
    learners' together (each touches its own rows, so the order between them does not
    matter), and the last event noted once. An error fails the batch, and the runner applies it again one
    event at a time, parking only the one that fails."""
    for event in events:
        handler = INSTITUTION_HANDLERS.get(event.type)
        if handler is not None:
            handler(event, conn)
    role_events = [event for event in events if event.type in ROLE_EVENTS]
    if role_events:
        on_role_events(role_events, conn)
    learner_events = [event for event in events if event.type in LEARNER_EVENTS]
    if learner_events:
        on_learner_events(learner_events, conn, NAME)
    note_applied(conn, NAME, events)


def reset(conn: Connection) -> None:
    for table in DIRECTORY_TABLES:
        conn.execute(delete(table))
    forget_applied(conn, NAME)
    forget_summaries(conn)


SUBSCRIPTION = Subscription(
    name=NAME,
    batch_handlers=dict.fromkeys((*INSTITUTION_HANDLERS, *ROLE_EVENTS, *LEARNER_EVENTS), on_directory_events),
    reset=reset,
    description="Reporting's institutions and learners (pseudonymous), from directory's events.",
)
