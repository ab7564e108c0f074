"""Writing a dataset into the producing services' own event stores (an embedded
platform's, a benchmark's), so their subscribers, replay and the demo read it as
they read anything those services append.

Each source's log goes in in order, a chunk per transaction, each event appended at
its stream's version: ``EventStore.append``, which checks the version and validates
the data as for any append. ``bulk=True`` inserts each chunk's rows into the store's
``events`` table with one ``executemany`` instead (about 15 times faster: for the
benchmarks' million events), trusting the generator's own checks against the
contracts (every n-th event, see ``Parameters.validate_every``); the stored log is the
same (see tests/test_synthetic.py). Either way the stores must not hold these streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Protocol

from sqlalchemy import Connection, Engine

from waymark_reporting.synthetic.dataset import SOURCES, NationalDataset
from waymark_shared.db.engine import is_postgres
from waymark_shared.events.envelope import NewEvent, RecordedEvent
from waymark_shared.eventstore.store import EventStore

_compact = json.JSONEncoder(separators=(",", ":")).encode  # as the store writes data


class HasStore(Protocol):  # a ServiceRuntime
    engine: Engine
    store: EventStore


def write_to_stores(
    dataset: NationalDataset,
    runtimes: Mapping[str, HasStore],
    *,
    chunk: int = 1000,
    bulk: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Append each source's events (of the sources in ``runtimes``) to its store;
    returns how many went in per source."""
    written = {}
    for source in SOURCES:
        runtime = runtimes.get(source)
        if runtime is None:
            continue
        written[source] = 0
        insert = _bulk_insert(runtime.engine) if bulk else None
        for batch in dataset.batches(source, chunk):
            with runtime.engine.begin() as connection:
                if insert is None:
                    _append(runtime.store, batch, connection)
                else:
                    connection.exec_driver_sql(insert, [_row(event) for event in batch])
            written[source] += len(batch)
            if progress:
                progress(source, len(batch))
    return written


def _append(store: EventStore, batch: list[RecordedEvent], connection: Connection) -> None:
    run: list[RecordedEvent] = []
    for event in batch:  # consecutive events of one stream go in one append
        if run and event.stream_id != run[-1].stream_id:
            _append_run(store, run, connection)
            run = []
        run.append(event)
    if run:
        _append_run(store, run, connection)


def _append_run(store: EventStore, run: list[RecordedEvent], connection: Connection) -> None:
    events = [
        NewEvent(
            type=e.name, subject=e.subject, data=e.data, schema_version=e.schema_version, id=e.id, time=e.time
        )
        for e in run
    ]
    store.append(run[0].stream_id, run[0].stream_version - 1, events, connection=connection)


def _bulk_insert(engine: Engine) -> str:
    """The driver's executemany statement (SQLAlchemy's per-row work costs more than
    SQLite's). The writing transaction's id on PostgreSQL, as the store records it."""
    postgres = is_postgres(engine)
    commit_id = "pg_current_xact_id()::text::bigint" if postgres else "0"
    marks = ", ".join(["%s" if postgres else "?"] * 11)
    return (
        "INSERT INTO events (commit_id, event_id, stream_id, stream_version, type, schema_version, subject,"
        f" time, data, correlation_id, causation_id, actor) VALUES ({commit_id}, {marks})"
    )


def _row(event: RecordedEvent) -> tuple[object, ...]:
    return (event.id, event.stream_id, event.stream_version, event.type, event.schema_version, event.subject,
            event.time, _compact(event.data), None, None, None)  # fmt: skip
