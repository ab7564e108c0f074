"""What planner's command handlers share: their streams, appending events on the
command's connection (so the events and planner's tables commit together), and
reading a plan or an activity inside the command's transaction.

A writer may name the version it last saw; a command on a stale version raises
:class:`ConcurrencyError` with the version the plan or activity is at. A writer that
loses a race to append is told that version too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from waymark_planner.adapters.providers import WITHDRAWN, provider
from waymark_planner.adapters.tables import activities, plan_objectives, plans
from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.activities import FIELDS, PlanContext, ProviderFound, ProviderLookup
from waymark_planner.service_layer.errors import InvalidInput, NotFound
from waymark_shared.events.envelope import NewEvent
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.service import ServiceRuntime

Event = tuple[str, Mapping[str, Any]]  # the event's name and data


def plan_stream(plan_id: str) -> str:
    return f"plan-{plan_id}"


def activity_stream(activity_id: str) -> str:
    return f"activity-{activity_id}"


def now_iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).isoformat()


def append(
    conn: Connection,
    runtime: ServiceRuntime,
    stream: str,
    version: int,
    events: Sequence[Event],
    *,
    subject: str,
) -> int:
    """Append ``events`` to ``stream`` at ``version`` on ``conn``; the stream's new version."""
    new = [NewEvent(type=name, subject=subject, data=dict(data)) for name, data in events]
    runtime.store.append(stream, version, new, connection=conn)
    return version + len(new)


def check_version(stream: str, expected: int | None, actual: int) -> None:
    if expected is not None and int(expected) != actual:
        raise ConcurrencyError(stream, int(expected), actual)


@contextmanager
def reported_at_current_version(runtime: ServiceRuntime, stream: str) -> Iterator[None]:
    """A writer that lost the race to append is told the version the winner left."""
    try:
        yield
    except ConcurrencyError as error:
        if error.actual is not None:
            raise
        raise ConcurrencyError(stream, error.expected, runtime.store.stream_version(stream)) from error


def plan_row(conn: Connection, plan_id: str) -> dict[str, Any]:
    row = conn.execute(select(plans).where(plans.c.plan_id == str(plan_id))).first()
    if row is None:
        raise NotFound(f"There is no plan {plan_id}.")
    return dict(row._mapping)


def objective_ids(conn: Connection, plan_id: str) -> list[str]:
    query = (
        select(plan_objectives.c.objective_id)
        .where(plan_objectives.c.plan_id == plan_id)
        .order_by(plan_objectives.c.position)
    )
    return list(conn.execute(query).scalars())


def plan_context(conn: Connection, plan: Mapping[str, Any]) -> PlanContext:
    return PlanContext(AcademicYear(plan["academic_year"]), frozenset(objective_ids(conn, plan["plan_id"])))


def activity_row(conn: Connection, activity_id: str) -> dict[str, Any]:
    row = conn.execute(select(activities).where(activities.c.activity_id == str(activity_id))).first()
    if row is None:
        raise NotFound(f"There is no activity {activity_id}.")
    return dict(row._mapping)


def activity_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """An activity row's fields, as events carry them."""
    return {name: row[name] for name in FIELDS}


def providers_on(conn: Connection) -> ProviderLookup:
    """What directory's events say of a provider, read on ``conn``."""

    def lookup(provider_id: str) -> ProviderFound | None:
        found = provider(conn, provider_id)
        if found is None:
            return None
        return ProviderFound(found["name"], listed=found["listed"], withdrawn=found["status"] == WITHDRAWN)

    return lookup


def refuse(errors: Mapping[str, list[str]]) -> None:
    if errors:
        raise InvalidInput(dict(errors))
