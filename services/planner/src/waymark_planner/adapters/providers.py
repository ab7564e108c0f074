"""Planner's copy of directory's activity providers: those listed (published after
moderation) are the ones an activity can name; a withdrawn one can no longer be chosen,
though activities that named it keep it.

Each provider is a stream in directory's log (``provider-<id>``); a row changes only
with a later event of that stream, so events delivered again change nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select, update

from waymark_planner.adapters.tables import providers
from waymark_shared.events.envelope import RecordedEvent, qualified_type
from waymark_shared.service import Subscription

SUBMITTED, LISTED, REJECTED, WITHDRAWN = "submitted", "listed", "rejected", "withdrawn"


class UnknownProvider(LookupError):
    """A change to a provider whose submission planner has not applied: parked in turn."""

    def __init__(self, event: RecordedEvent):
        super().__init__(
            f"{event.name} for provider {event.data['provider_id']}, which planner has not heard of: "
            "apply its ProviderSubmitted first."
        )


def _listing(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "provider_type": data["provider_type"],
        "benchmarks": list(data["benchmarks"]),
    }


def _current(conn: Connection, provider_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(providers.c.status, providers.c.stream_version).where(providers.c.provider_id == provider_id)
    ).first()
    return None if row is None else dict(row._mapping)


def _apply(conn: Connection, event: RecordedEvent, values: dict[str, Any] | None, status_after) -> None:  # type: ignore[no-untyped-def]
    """Bring the provider's row to ``event``: ``values`` (its listing, when the event
    carries one) and the status ``status_after(current status)`` says."""
    provider_id = str(event.data["provider_id"])
    row = _current(conn, provider_id)
    if row is None:
        if values is None:
            raise UnknownProvider(event)
        status = status_after(None)
        conn.execute(
            providers.insert().values(
                provider_id=provider_id,
                **values,
                status=status,
                listed=status == LISTED,
                stream_version=event.stream_version,
            )
        )
        return
    if row["stream_version"] >= event.stream_version:
        return  # applied already
    status = status_after(row["status"])
    conn.execute(
        update(providers)
        .where(providers.c.provider_id == provider_id)
        .values(**(values or {}), status=status, listed=status == LISTED, stream_version=event.stream_version)
    )


def on_submitted(event: RecordedEvent, conn: Connection) -> None:
    _apply(conn, event, _listing(event.data), lambda status: status or SUBMITTED)


def on_listed(event: RecordedEvent, conn: Connection) -> None:
    _apply(conn, event, _listing(event.data), lambda status: LISTED)


def on_updated(event: RecordedEvent, conn: Connection) -> None:
    # A listed provider's update is published at once; a rejected one's goes back to moderation.
    _apply(
        conn, event, _listing(event.data), lambda status: SUBMITTED if status in (None, REJECTED) else status
    )


def on_rejected(event: RecordedEvent, conn: Connection) -> None:
    _apply(conn, event, None, lambda status: REJECTED)


def on_withdrawn(event: RecordedEvent, conn: Connection) -> None:
    _apply(conn, event, None, lambda status: WITHDRAWN)


def reset(conn: Connection) -> None:
    conn.execute(delete(providers))


def provider(conn: Connection, provider_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(providers).where(providers.c.provider_id == provider_id)).first()
    return None if row is None else dict(row._mapping)


def listed_providers(conn: Connection) -> list[dict[str, Any]]:
    """The providers an activity can name, by name."""
    query = (
        select(providers.c.provider_id, providers.c.name, providers.c.provider_type, providers.c.benchmarks)
        .where(providers.c.listed)
        .order_by(providers.c.name)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def _directory(name: str) -> str:
    return qualified_type("directory", name)


SUBSCRIPTION = Subscription(
    name="planner-providers",
    handlers={
        _directory("ProviderSubmitted"): on_submitted,
        _directory("ProviderListed"): on_listed,
        _directory("ProviderUpdated"): on_updated,
        _directory("ProviderRejected"): on_rejected,
        _directory("ProviderWithdrawn"): on_withdrawn,
    },
    reset=reset,
    description="Activity providers listed in directory (those an activity can name), from directory.",
)
