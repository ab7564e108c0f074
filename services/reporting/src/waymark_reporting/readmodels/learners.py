"""Learners as reporting knows them, from directory's roster events: the pseudonymous
id, the institution, year group, cohort, form group, whether on roll and the leaving
date. No name, UPN, date of birth, SEN or disadvantage flag is kept, so a
``LearnerPersonalDataErased`` leaves nothing to erase here (the pseudonymous history
stays, as directory's does).

Each learner is a stream in directory's log (``learner-<id>``); a roster import writes
thousands of events at once, applied as one batch: read with a few ``IN`` queries,
written with one ``executemany`` each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.adapters.tables import learners
from waymark_reporting.readmodels.common import mark_stale, note_applied, rows_by_key, write_rows
from waymark_shared.events.envelope import RecordedEvent, qualified_type

ENROLLED = qualified_type("directory", "LearnerEnrolled")
UPDATED = qualified_type("directory", "LearnerUpdated")
LEFT = qualified_type("directory", "LearnerLeft")
ERASED = qualified_type("directory", "LearnerPersonalDataErased")
LEARNER_EVENTS = (ENROLLED, UPDATED, LEFT, ERASED)


class UnknownLearner(LookupError):
    """A change to a learner whose enrolment reporting has not applied (it was parked,
    say): parked in turn, to be retried after it."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for learner {event.data['learner_id']}, whom reporting has not heard of: "
            "apply their LearnerEnrolled first."
        )


def on_learner_events(events: Sequence[RecordedEvent], conn: Connection, subscription: str) -> None:
    known = rows_by_key(conn, learners, learners.c.learner_id, (str(e.data["learner_id"]) for e in events))
    changed: dict[str, dict[str, Any]] = {}
    for event in events:
        learner_id = str(event.data["learner_id"])
        row = changed.get(learner_id) or known.get(learner_id)
        if row is not None and row["stream_version"] >= event.stream_version:
            continue  # applied already
        after = _applied(row, event)
        if after is not None:
            changed[learner_id] = after
    write_rows(conn, learners, learners.c.learner_id, changed, set(known))
    # Where they were (a move takes their evidence away) and where they are now.
    moved_from = (known[k]["institution_id"] for k in changed if k in known)
    mark_stale(conn, [*moved_from, *(row["institution_id"] for row in changed.values())])
    note_applied(conn, subscription, events)


def _applied(row: dict[str, Any] | None, event: RecordedEvent) -> dict[str, Any] | None:
    """The learner's row after ``event``; None: nothing reporting keeps changes."""
    data = event.data
    if event.type == ERASED:
        return None
    if row is None and event.type != ENROLLED:
        raise UnknownLearner(event)
    after = dict(row or {})
    after.update(learner_id=str(data["learner_id"]), stream_version=event.stream_version)
    after["institution_id"] = str(data["institution_id"])
    if event.type == LEFT:
        after.update(on_roll=False, leaving_date=str(data["leaving_date"]))
        return after
    after.update(year_group=data["year_group"], cohort=data["cohort"], form_group=data.get("form_group"))
    if event.type == ENROLLED:
        after.update(on_roll=True, leaving_date=None)
    return after
