"""Audit's copy of directory's learner roster, from its events, for year-group sizes.

A question about a share of learners may be answered with a number of learners; audit
judges it against the size of the year group on the institution's roster (see
``docs/scoring.md``). Directory owns the roster; audit keeps, per learner, only the
institution, the year group and whether they are on roll (``roster_learners``), and
counts learners on roll per year group. No name, UPN, date of birth or other
attribute is kept, so a ``LearnerPersonalDataErased`` leaves nothing to erase here.

Each learner is a stream in directory's log (``learner-<id>``); each row records the
version it was last brought to and only a later event of that stream changes it, so
events delivered again (or retried from the parked events) change nothing. A roster
import writes thousands of events at once: they are applied as one batch, the rows
read with a few ``IN`` queries and written with one ``executemany`` each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select

from waymark_audit.adapters.tables import roster_learners
from waymark_shared.db.engine import reading
from waymark_shared.db.stream_rows import apply_in_batch
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import ServiceRuntime, Subscription

ENROLLED = qualified_type("directory", "LearnerEnrolled")
UPDATED = qualified_type("directory", "LearnerUpdated")
LEFT = qualified_type("directory", "LearnerLeft")
ERASED = qualified_type("directory", "LearnerPersonalDataErased")


class UnknownLearner(LookupError):
    """A change to a learner whose enrolment audit has not applied (it was parked, say):
    parked in turn, to be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for learner {event.data['learner_id']}, whom audit has not heard of: "
            "apply their LearnerEnrolled first."
        )


def on_learner_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    """Bring the rows of the learners in ``events`` (a run of directory's learner events,
    in log order) up to date."""
    apply_in_batch(conn, roster_learners, "learner_id", events, key_of=_learner_id, applied=_applied)


def _learner_id(event: RecordedEvent) -> str:
    return str(event.data["learner_id"])


def _applied(row: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any] | None:
    """The learner's row after ``event``; None: nothing audit keeps changes."""
    data = event.data
    if event.type == ERASED:
        return None
    if event.type == ENROLLED:
        on_roll = True
    elif row is None:
        raise UnknownLearner(event)
    else:
        on_roll = False if event.type == LEFT else row["on_roll"]
    year_group = data["year_group"] if "year_group" in data else row["year_group"]  # type: ignore[index]
    return {
        "institution_id": str(data["institution_id"]),
        "year_group": year_group,
        "on_roll": on_roll,
        "stream_version": event.stream_version,
    }


def reset(conn: Connection) -> None:
    conn.execute(delete(roster_learners))


def year_group_sizes(
    runtime: ServiceRuntime, institution_id: str, conn: Connection | None = None
) -> dict[int, int]:
    """Learners on the institution's roll per year group, as directory's roster says;
    empty when audit knows of no learner there (sizes unknown). A year group with no
    learner on roll is left out: its size is unknown, not 0."""
    t = roster_learners.c
    query = (
        select(t.year_group, func.count())
        .where(t.institution_id == institution_id, t.on_roll, t.year_group.is_not(None))
        .group_by(t.year_group)
    )
    if conn is None:
        with reading(runtime.engine) as own:
            rows = own.execute(query).all()
    else:
        rows = conn.execute(query).all()
    return {int(year): int(count) for year, count in rows}


SUBSCRIPTION = Subscription(
    name="audit-roster",
    batch_handlers=dict.fromkeys((ENROLLED, UPDATED, LEFT, ERASED), on_learner_events),
    reset=reset,
    description="Learners on each institution's roll per year group (year-group sizes), from directory's roster.",
)
