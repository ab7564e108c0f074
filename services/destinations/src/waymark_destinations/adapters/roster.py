"""Destinations' copy of directory's learner roster, from its events: per learner the
institution, year group, cohort (the academic year they are or were in Year 11), form
group, whether on roll and the day they left. No name, UPN or date of birth.

``LearnerPersonalDataErased`` erases the personal data destinations keeps of its own:
the free text beside the learner's destinations (provider or employer names, notes).
The categories and dates stay, as the measures need them and they name no one.

Each learner is a stream in directory's log (``learner-<id>``); a row records the
version it was last brought to and only a later event changes it, so events delivered
again change nothing. A roster import writes thousands of events at once: they are
applied as one batch, read with a few ``IN`` queries and written with ``executemany``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete

from waymark_destinations.adapters.tables import destination_details, learners
from waymark_shared.db.stream_rows import apply_in_batch
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

ENROLLED = qualified_type("directory", "LearnerEnrolled")
UPDATED = qualified_type("directory", "LearnerUpdated")
LEFT = qualified_type("directory", "LearnerLeft")
ERASED = qualified_type("directory", "LearnerPersonalDataErased")


class UnknownLearner(LookupError):
    def __init__(self, event: RecordedEvent):
        super().__init__(f"{event.name} for learner {event.data['learner_id']}, not yet enrolled here.")


def on_learner_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    erased: set[str] = set()

    def applied(row: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any] | None:
        if event.type == ERASED:  # called only for events not applied before
            erased.add(_learner_id(event))
        return _applied(row, event)

    apply_in_batch(conn, learners, "learner_id", events, key_of=_learner_id, applied=applied)
    if erased:
        conn.execute(delete(destination_details).where(destination_details.c.learner_id.in_(sorted(erased))))


def _learner_id(event: RecordedEvent) -> str:
    return str(event.data["learner_id"])


def _applied(row: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any] | None:
    data = event.data
    if event.type == ERASED:
        # Nothing personal is kept on the row; it keeps its place in the stream.
        return None if row is None else {**row, "stream_version": event.stream_version}
    if event.type == ENROLLED:
        base: dict[str, Any] = {"on_roll": True, "leaving_date": None}
    elif row is None:
        raise UnknownLearner(event)
    else:
        base = {"on_roll": row["on_roll"], "leaving_date": row["leaving_date"]}
    if event.type == LEFT:
        left = data["leaving_date"]
        base = {"on_roll": False, "leaving_date": left if isinstance(left, date) else date.fromisoformat(str(left))}
    attributes = {name: data[name] for name in ("year_group", "cohort", "form_group") if name in data}
    previous = {name: row[name] for name in ("year_group", "cohort", "form_group")} if row else {}
    return {
        "year_group": None, "cohort": None, "form_group": None,
        **previous,
        **attributes,
        **base,
        "institution_id": str(data["institution_id"]),
        "stream_version": event.stream_version,
    }


def reset(conn: Connection) -> None:
    conn.execute(delete(learners))


SUBSCRIPTION = Subscription(
    name="destinations-roster",
    batch_handlers=dict.fromkeys((ENROLLED, UPDATED, LEFT, ERASED), on_learner_events),
    reset=reset,
    description="Learners: institution, year group, cohort, form group, on roll and leaving date; "
    "erasure of the free text kept beside their destinations.",
)
