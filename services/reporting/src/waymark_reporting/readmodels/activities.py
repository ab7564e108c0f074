"""Planner's plans and activities as reporting keeps them: each activity's plan and
academic year, type, benchmarks, year groups, term and date, whether it is a Provider
Access Legislation encounter, its status and delivery date, how many took part and its
evaluation's average rating; and who took part (activity × learner id) with the
counts per year group of learners who took part without being named, corrections
applied (each row carries its activity's type, delivery date and Provider Access flag,
so pupil-level evidence reads one table). The ``reporting-planner`` subscription.

Streams: ``plan-<id>`` and ``activity-<id>``. An activity's row keeps the version of
its stream last applied; its participation and counts belong to the same stream, so
an event at or below that version changes nothing. A batch is read with one ``IN``
query per table and written with one ``executemany`` per statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_reporting.adapters.tables import (
    PLANNER_TABLES,
    activities,
    participation,
    participation_counts,
    plans,
)
from waymark_reporting.readmodels.common import (
    csv,
    existing_keys,
    forget_applied,
    forget_summaries,
    insert_many,
    mark_stale,
    mark_stale_where_on_roll,
    note_applied,
    rows_by_key,
    write_rows,
)
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

NAME = "reporting-planner"
PLANNED, DELIVERED, CANCELLED = "planned", "delivered", "cancelled"
PARTICIPATION_COLUMNS = ("learner_id", "activity_id", "activity_type", "delivered_on", "provider_access")


def _type(name: str) -> str:
    return qualified_type("planner", name)


PLAN_CREATED = _type("PlanCreated")
PLAN_OBJECTIVES_CHANGED = _type("PlanObjectivesChanged")
PLAN_EVENTS = (PLAN_CREATED, PLAN_OBJECTIVES_CHANGED)
ACTIVITY_PLANNED = _type("ActivityPlanned")
ACTIVITY_UPDATED = _type("ActivityUpdated")
ACTIVITY_LOGGED = _type("ActivityLogged")
PARTICIPATION_CORRECTED = _type("ParticipationCorrected")
ACTIVITY_EVALUATED = _type("ActivityEvaluated")
ACTIVITY_CANCELLED = _type("ActivityCancelled")
ACTIVITY_EVENTS = (
    ACTIVITY_PLANNED,
    ACTIVITY_UPDATED,
    ACTIVITY_LOGGED,
    PARTICIPATION_CORRECTED,
    ACTIVITY_EVALUATED,
    ACTIVITY_CANCELLED,
)
# Field of ActivityPlanned / ActivityUpdated -> column.
_FIELDS = {
    "title": "title",
    "activity_type": "activity_type",
    "term": "term",
    "date": "planned_date",
    "provider_access_encounter": "provider_access",
}


class UnknownActivity(LookupError):
    """An event of an activity (or a plan) reporting has not heard of: parked, to be
    retried after the event that introduces it."""

    def __init__(self, event: RecordedEvent, what: str = "activity"):
        ident = event.data.get("activity_id") or event.data.get("plan_id")
        super().__init__(f"{event.name} for {what} {ident}, which reporting has not heard of.")


class _Batch:
    """The rows a run of planner events touches, changed in memory, then written."""

    def __init__(self, conn: Connection, events: Sequence[RecordedEvent]):
        activity_ids = {str(e.data["activity_id"]) for e in events if e.type in ACTIVITY_EVENTS}
        plan_ids = {str(e.data["plan_id"]) for e in events if e.type in (ACTIVITY_PLANNED, *PLAN_EVENTS)}
        self.conn = conn
        self.known_activities = rows_by_key(conn, activities, activities.c.activity_id, activity_ids)
        self.activities: dict[str, dict[str, Any]] = {}
        self.known_plans = rows_by_key(conn, plans, plans.c.plan_id, plan_ids)
        self.new_plans: dict[str, dict[str, Any]] = {}
        self.objectives: dict[str, tuple[int, str]] = {}  # known plan -> (version, JSON)
        # Learners added to and removed from each activity's participation.
        self.added: dict[str, set[str]] = {}
        self.removed: dict[str, set[str]] = {}
        self.replaced_participation: set[str] = set()  # logged again: earlier learners dropped
        self.logged_here: set[str] = set()  # logged in this batch: no rows before it but these
        self.retyped: set[str] = set()  # delivered, then its type or PAL flag changed
        self.counts: dict[str, list[dict[str, Any]]] = {}

    def activity(self, event: RecordedEvent) -> dict[str, Any] | None:
        """The activity's row as of now, or None when ``event`` is applied already."""
        activity_id = str(event.data["activity_id"])
        row = self.activities.get(activity_id) or self.known_activities.get(activity_id)
        if row is None:
            if event.type == ACTIVITY_PLANNED:
                return {}
            raise UnknownActivity(event)
        if row["stream_version"] >= event.stream_version:
            return None
        return dict(row)

    def plan_year(self, event: RecordedEvent) -> str:
        plan_id = str(event.data["plan_id"])
        plan = self.new_plans.get(plan_id) or self.known_plans.get(plan_id)
        if plan is None:
            raise UnknownActivity(event, "plan")
        return plan["academic_year"]

    def write(self) -> None:
        conn = self.conn
        if self.new_plans:
            known = existing_keys(conn, plans.c.plan_id, self.new_plans)
            fresh = [row for key, row in self.new_plans.items() if key not in known]
            if fresh:
                conn.execute(plans.insert(), fresh)
        for plan_id, (version, objectives) in self.objectives.items():
            conn.execute(
                update(plans)
                .where(plans.c.plan_id == plan_id, plans.c.objectives_version < version)
                .values(objectives=objectives, objectives_version=version)
            )
        write_rows(conn, activities, activities.c.activity_id, self.activities, set(self.known_activities))
        self._mark_stale()  # before the learners of an activity logged again are replaced
        self._write_participation()
        if self.counts:
            conn.execute(
                delete(participation_counts).where(participation_counts.c.activity_id.in_(list(self.counts)))
            )
            rows = [
                (r["activity_id"], r["year_group"], r["count"])
                for counts in self.counts.values()
                for r in counts
            ]
            insert_many(conn, participation_counts, ("activity_id", "year_group", "count"), rows)

    def _mark_stale(self) -> None:
        """The activities' institutions (plan delivery, what was offered) and, for
        learners whose participation changed, where they are on roll now."""
        mark_stale(self.conn, (row["institution_id"] for row in self.activities.values()))
        learners = {lid for lids in self.added.values() for lid in lids}
        learners.update(lid for lids in self.removed.values() for lid in lids)
        if self.replaced_participation or self.retyped:  # their earlier learners: from the table
            t = participation.c
            query = select(t.learner_id).where(
                t.activity_id.in_(sorted(self.replaced_participation | self.retyped))
            )
            learners.update(self.conn.execute(query).scalars())
        mark_stale_where_on_roll(self.conn, learners)

    def _write_participation(self) -> None:
        conn = self.conn
        t = participation.c
        if self.replaced_participation:
            conn.execute(delete(participation).where(t.activity_id.in_(sorted(self.replaced_participation))))
        # An activity at a time, not a row-value IN (which SQLite answers with a table scan).
        for activity_id, lids in sorted(self.removed.items()):
            removed = sorted(lids)
            for start in range(0, len(removed), 400):
                chunk = removed[start : start + 400]
                conn.execute(
                    delete(participation).where(t.activity_id == activity_id, t.learner_id.in_(chunk))
                )
        added = {(lid, a) for a, lids in self.added.items() for lid in lids}
        # Only learners added by a correction of an activity logged before this batch
        # may have a row already (planner adds only those not taking part, but a retried
        # event must not fail on its own rows): look those up.
        maybe_there = sorted(pair for pair in added if pair[1] not in self.logged_here)
        learners = sorted({learner_id for learner_id, _ in maybe_there})
        for start in range(0, len(learners), 400):
            query = select(t.learner_id, t.activity_id).where(t.learner_id.in_(learners[start : start + 400]))
            added.difference_update((row.learner_id, row.activity_id) for row in conn.execute(query))
        rows = []
        for learner_id, activity_id in sorted(added):
            activity = self.activities[activity_id]  # every event adding learners changed its row
            rows.append((learner_id, activity_id, activity["activity_type"], activity["delivered_on"],
                         bool(activity["provider_access"])))  # fmt: skip
        insert_many(conn, participation, PARTICIPATION_COLUMNS, rows)
        # A delivered activity whose type or Provider Access flag changed: its learners'
        # rows carry them (a scan by activity: rare, so no second index to keep).
        for activity_id in sorted(self.retyped):
            activity = self.activities[activity_id]
            conn.execute(
                update(participation)
                .where(t.activity_id == activity_id)
                .values(
                    activity_type=activity["activity_type"], provider_access=bool(activity["provider_access"])
                )
            )


def _objectives(event: RecordedEvent) -> str:
    return json.dumps([objective["text"] for objective in event.data["objectives"]])


def on_plan_created(batch: _Batch, event: RecordedEvent) -> None:
    data = event.data
    plan_id = str(data["plan_id"])
    if plan_id not in batch.known_plans:
        batch.new_plans[plan_id] = {
            "plan_id": plan_id,
            "institution_id": str(data["institution_id"]),
            "academic_year": data["academic_year"],
            "objectives": _objectives(event),
            "objectives_version": event.stream_version,
        }


def on_objectives_changed(batch: _Batch, event: RecordedEvent) -> None:
    """The whole list as it now stands; an older change arriving late changes nothing."""
    plan_id = str(event.data["plan_id"])
    new = batch.new_plans.get(plan_id)
    if new is not None:
        if new["objectives_version"] < event.stream_version:
            new.update(objectives=_objectives(event), objectives_version=event.stream_version)
        return
    if plan_id not in batch.known_plans:
        raise UnknownActivity(event, "plan")
    earlier = batch.objectives.get(plan_id, (0, ""))[0]
    if earlier < event.stream_version:
        batch.objectives[plan_id] = (event.stream_version, _objectives(event))


def _fields(values: dict[str, Any], changes: dict[str, Any]) -> None:
    for name, column in _FIELDS.items():
        if name in changes:
            values[column] = changes[name]
    if "benchmarks" in changes:
        values["benchmarks"] = csv(changes["benchmarks"] or ())
    if "year_groups" in changes:
        values["year_groups"] = csv(changes["year_groups"] or ())


def _planned(batch: _Batch, event: RecordedEvent, row: dict[str, Any]) -> None:
    data = event.data
    row.update(
        activity_id=str(data["activity_id"]),
        plan_id=str(data["plan_id"]),
        institution_id=str(data["institution_id"]),
        academic_year=batch.plan_year(event),
        status=PLANNED,
        delivered_on=None,
        named=0,
        counted=0,
        average_rating=None,
        respondents=0,
        benchmarks="",
        year_groups="",
        planned_date=None,
        provider_access=False,
    )
    _fields(row, data)
    row["provider_access"] = bool(row["provider_access"])


def _learner_count(batch: _Batch, activity_id: str, counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{"activity_id": activity_id, "year_group": c["year_group"], "count": c["count"]} for c in counts]
    batch.counts[activity_id] = rows
    return rows


def _logged(batch: _Batch, event: RecordedEvent, row: dict[str, Any]) -> None:
    data = event.data
    activity_id = row["activity_id"]
    if row.get("status") == DELIVERED:  # logged again: its earlier learners go
        batch.replaced_participation.add(activity_id)
    batch.logged_here.add(activity_id)
    learners = {str(lid) for lid in data["learner_ids"]}
    batch.added[activity_id] = learners
    batch.removed.pop(activity_id, None)
    counted = sum(c["count"] for c in _learner_count(batch, activity_id, data["counts"]))
    row.update(status=DELIVERED, delivered_on=str(data["delivered_on"]), named=len(learners), counted=counted)


def _corrected(batch: _Batch, event: RecordedEvent, row: dict[str, Any]) -> None:
    """Planner adds only learners not taking part and removes only those who were."""
    data = event.data
    activity_id = row["activity_id"]
    added = {str(lid) for lid in data["added_learner_ids"]}
    removed = {str(lid) for lid in data["removed_learner_ids"]}
    batch.added[activity_id] = (batch.added.get(activity_id, set()) - removed) | added
    batch.removed[activity_id] = (batch.removed.get(activity_id, set()) - added) | removed
    row["counted"] = sum(c["count"] for c in _learner_count(batch, activity_id, data["counts"]))
    row["named"] = max(0, row["named"] + len(added) - len(removed))


def _evaluated(event: RecordedEvent, row: dict[str, Any]) -> None:
    feedback = event.data["feedback"]
    respondents = sum(item.get("responses", 1) for item in feedback)
    total = sum(item["rating"] * item.get("responses", 1) for item in feedback)
    row["respondents"] = respondents
    row["average_rating"] = round(total / respondents, 2) if respondents else None


def on_planner_events(events: Sequence[RecordedEvent], conn: Connection) -> None:
    batch = _Batch(conn, events)
    for event in events:
        if event.type == PLAN_CREATED:
            on_plan_created(batch, event)
            continue
        if event.type == PLAN_OBJECTIVES_CHANGED:
            on_objectives_changed(batch, event)
            continue
        row = batch.activity(event)
        if row is None:
            continue
        if event.type == ACTIVITY_PLANNED:
            _planned(batch, event, row)
        elif event.type == ACTIVITY_UPDATED:
            changes = event.data["changes"]
            _fields(row, changes)
            row["provider_access"] = bool(row["provider_access"])
            if row["status"] == DELIVERED and {"activity_type", "provider_access_encounter"} & set(changes):
                batch.retyped.add(row["activity_id"])
        elif event.type == ACTIVITY_LOGGED:
            _logged(batch, event, row)
        elif event.type == PARTICIPATION_CORRECTED:
            _corrected(batch, event, row)
        elif event.type == ACTIVITY_EVALUATED:
            _evaluated(event, row)
        elif event.type == ACTIVITY_CANCELLED:
            row["status"] = CANCELLED
        row["stream_version"] = event.stream_version
        batch.activities[row["activity_id"]] = row
    batch.write()
    note_applied(conn, NAME, events)


def reset(conn: Connection) -> None:
    for table in PLANNER_TABLES:
        conn.execute(delete(table))
    forget_applied(conn, NAME)
    forget_summaries(conn)


SUBSCRIPTION = Subscription(
    name=NAME,
    batch_handlers=dict.fromkeys((*PLAN_EVENTS, *ACTIVITY_EVENTS), on_planner_events),
    reset=reset,
    description="Plans, activities, participation and ratings, from planner's events.",
)
