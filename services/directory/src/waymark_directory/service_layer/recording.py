"""Appending domain events inside a handler's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from waymark_shared.events.mapping import to_new_events
from waymark_shared.service import ServiceRuntime


def record(
    runtime: ServiceRuntime, conn: Connection, stream_id: str, subject: str, events: Sequence[object]
) -> None:
    """Append ``events`` at the end of ``stream_id`` (optimistically: a concurrent
    append to the same stream makes this transaction fail with ConcurrencyError)."""
    version = runtime.store.stream_version(stream_id, connection=conn)
    runtime.store.append(stream_id, version, to_new_events(events, subject), connection=conn)
