"""Planner's copy of directory's learner roster, from its events: whom a careers leader
can pick as taking part in an activity, by year group, form group or one by one.

Per learner planner keeps only the pseudonymous id, the institution, year group, form
group, cohort, whether they are on roll and the day they left: no name, UPN or date of birth (directory's
events carry none), so a ``LearnerPersonalDataErased`` leaves nothing to erase here.

Each learner is a stream in directory's log (``learner-<id>``); each row records the
version it was last brought to and only a later event of that stream changes it, so
events delivered again change nothing. A roster import writes thousands of events at
once: they are applied as one batch, read with a few ``IN`` queries and written with
one ``executemany`` each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from waymark_planner.adapters.tables import roster_learners
from waymark_shared.db.stream_rows import apply_in_batch, rows_by_key
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

ENROLLED = qualified_type("directory", "LearnerEnrolled")
UPDATED = qualified_type("directory", "LearnerUpdated")
LEFT = qualified_type("directory", "LearnerLeft")
ERASED = qualified_type("directory", "LearnerPersonalDataErased")

_ATTRIBUTES = ("year_group", "form_group", "cohort")


class UnknownLearner(LookupError):
    """A change to a learner whose enrolment planner has not applied: parked in turn."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for learner {event.data['learner_id']}, whom planner has not heard of: "
            "apply their LearnerEnrolled first."
        )


def on_learner_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    """Bring the rows of the learners in ``events`` (directory's learner events, in log
    order) up to date."""
    apply_in_batch(conn, roster_learners, "learner_id", events, key_of=_learner_id, applied=_applied)


def _learner_id(event: RecordedEvent) -> str:
    return str(event.data["learner_id"])


def _applied(row: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any] | None:
    """The learner's row after ``event``; None: nothing planner keeps changes."""
    data = event.data
    if event.type == ERASED:
        return None
    if event.type == ENROLLED:
        on_roll, leaving_date = True, None
    elif row is None:
        raise UnknownLearner(event)
    elif event.type == LEFT:
        on_roll, leaving_date = False, str(data["leaving_date"])
    else:
        on_roll, leaving_date = row["on_roll"], row["leaving_date"]
    attributes = {name: data[name] if name in data else row[name] for name in _ATTRIBUTES}  # type: ignore[index]
    return {
        "institution_id": str(data["institution_id"]),
        **attributes,
        "on_roll": on_roll,
        "leaving_date": leaving_date,
        "stream_version": event.stream_version,
    }


def learners(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The roster's rows of ``ids`` (those it has), by learner id: a few ``IN`` queries."""
    return rows_by_key(conn, roster_learners, "learner_id", ids)


def on_roll_on(row: Mapping[str, Any], day: str) -> bool:
    """Whether the learner was on roll on ``day`` (ISO): on roll now, or left on or after it.
    (Directory's events do not say when a learner joined.)"""
    return bool(row["on_roll"]) or (row["leaving_date"] is not None and row["leaving_date"] >= day)


def institution_learners(
    conn: Connection, institution_id: str, *, include_left: bool = False
) -> list[dict[str, Any]]:
    """The institution's learners (on roll, or all it has had), by year group, form
    group and id: no name, only what directory's events carry."""
    t = roster_learners.c
    query = select(t.learner_id, t.year_group, t.form_group, t.cohort, t.on_roll, t.leaving_date).where(
        t.institution_id == institution_id
    )
    if not include_left:
        query = query.where(t.on_roll)
    query = query.order_by(t.year_group, t.form_group, t.learner_id)
    return [dict(row._mapping) for row in conn.execute(query)]


def reset(conn: Connection) -> None:
    conn.execute(delete(roster_learners))


SUBSCRIPTION = Subscription(
    name="planner-roster",
    batch_handlers=dict.fromkeys((ENROLLED, UPDATED, LEFT, ERASED), on_learner_events),
    reset=reset,
    description="Learners on each institution's roll, with year and form group (no names), from directory.",
)
