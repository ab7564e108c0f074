"""Destinations' latest word per learner per leaving point (ks4: the end of Year 11;
16-18: the end of Year 13): the intended and the actual destination category, its
start, and whether it was judged sustained. The ``reporting-destinations``
subscription.

Each learner is a stream (``destination-<learner_id>``) holding both leaving points:
a row keeps the version of that stream last applied to it, so an event at or below it
changes nothing. A new ``DestinationRecorded`` replaces the destination and clears its
judgement (it is judged afresh); a judgement applies to the destination it names
(category and start), not to one recorded since. Consent is not kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, select, update

from waymark_reporting.adapters.tables import DESTINATIONS_TABLES, destinations
from waymark_reporting.readmodels.common import forget_applied, forget_summaries, mark_stale, note_applied
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

NAME = "reporting-destinations"
INTENDED = qualified_type("destinations", "DestinationIntended")
RECORDED = qualified_type("destinations", "DestinationRecorded")
SUSTAINED = qualified_type("destinations", "DestinationSustained")
NOT_SUSTAINED = qualified_type("destinations", "DestinationNotSustained")
DESTINATION_EVENTS = (INTENDED, RECORDED, SUSTAINED, NOT_SUSTAINED)
_COLUMNS = (
    "institution_id",
    "leaving_cohort",
    "intended_category",
    "category",
    "start_date",
    "sustained",
    "stream_version",
)


def _key(event: RecordedEvent) -> tuple[str, str]:
    return str(event.data["learner_id"]), event.data["leaving_point"]


def _known(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    t = destinations.c
    found = {}
    ordered = sorted(keys)
    # By learner, then the pair in Python: SQLite scans the whole table for a row-value IN.
    learners = sorted({learner for learner, _ in ordered})
    for start in range(0, len(learners), 400):
        query = select(destinations).where(t.learner_id.in_(learners[start : start + 400]))
        for row in conn.execute(query):
            values = dict(row._mapping)
            key = (values["learner_id"], values["leaving_point"])
            if key in keys:
                found[key] = values
    return found


def _applied(row: dict[str, Any], event: RecordedEvent) -> dict[str, Any]:
    data = event.data
    row.update(
        institution_id=str(data["institution_id"]),
        leaving_cohort=data["leaving_cohort"],
        stream_version=event.stream_version,
    )
    if event.type == INTENDED:
        row["intended_category"] = data["category"]
    elif event.type == RECORDED:
        row.update(category=data["category"], start_date=str(data["start_date"]), sustained=None)
    elif (row.get("category"), row.get("start_date")) == (data["category"], str(data["start_date"])):
        row["sustained"] = event.type == SUSTAINED
    return row


def on_destination_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    known = _known(conn, {_key(event) for event in events})
    changed: dict[tuple[str, str], dict[str, Any]] = {}
    for event in events:
        key = _key(event)
        row = changed.get(key) or known.get(key)
        if row is not None and row["stream_version"] >= event.stream_version:
            continue
        base = dict(row) if row else {"learner_id": key[0], "leaving_point": key[1]}
        changed[key] = _applied(base, event)
    new = [
        {c: row.get(c) for c in ("learner_id", "leaving_point", *_COLUMNS)}
        for key, row in changed.items()
        if key not in known
    ]
    if new:
        conn.execute(destinations.insert(), new)
    later = [
        {"k_learner": key[0], "k_point": key[1], **{f"new_{c}": row.get(c) for c in _COLUMNS}}
        for key, row in changed.items()
        if key in known
    ]
    if later:
        t = destinations.c
        conn.execute(
            update(destinations)
            .where(and_(t.learner_id == bindparam("k_learner"), t.leaving_point == bindparam("k_point")))
            .values({c: bindparam(f"new_{c}") for c in _COLUMNS}),
            later,
        )
    before = (known[key]["institution_id"] for key in changed if key in known)
    mark_stale(conn, [*before, *(row["institution_id"] for row in changed.values())])
    note_applied(conn, NAME, events)


def reset(conn: Connection) -> None:
    for table in DESTINATIONS_TABLES:
        conn.execute(delete(table))
    forget_applied(conn, NAME)
    forget_summaries(conn)


SUBSCRIPTION = Subscription(
    name=NAME,
    batch_handlers=dict.fromkeys(DESTINATION_EVENTS, on_destination_events),
    reset=reset,
    description="The latest destination per learner per leaving point, and whether sustained.",
)
