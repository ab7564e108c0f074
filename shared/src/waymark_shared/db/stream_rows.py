"""A read model with one row per stream of a producer's log (a learner, say), each
row at the version of that stream it was last brought to.

A subscriber's batch handler hands :func:`apply_in_batch` a run of events in log order
and says, per event, what the row becomes. An event at or below the row's version was
applied already (delivered again, replayed, retried from the parked events) and changes
nothing. The rows are read with a few ``IN`` queries and written with one
``executemany`` for the new ones and one for the rest, so a roster import of thousands
of events is one batch of a few statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

from waymark_shared.events.envelope import RecordedEvent

CHUNK = 500  # keys per IN (...) query
VERSION = "stream_version"

Row = dict[str, Any]
# The row after the event (with its stream_version), or None: nothing kept changes.
Applier = Callable[[Row | None, RecordedEvent], Row | None]


def rows_by_key(conn: Connection, table: Table, key: str, keys: Iterable[str]) -> dict[str, Row]:
    """The rows of ``keys`` that ``table`` has, by key, without the key column."""
    found: dict[str, Row] = {}
    ordered = sorted(set(keys))
    column = table.c[key]
    for start in range(0, len(ordered), CHUNK):
        for row in conn.execute(select(table).where(column.in_(ordered[start : start + CHUNK]))):
            values = dict(row._mapping)
            found[values.pop(key)] = values
    return found


def apply_in_batch(
    conn: Connection,
    table: Table,
    key: str,
    events: Sequence[RecordedEvent],
    *,
    key_of: Callable[[RecordedEvent], str],
    applied: Applier,
) -> dict[str, Row]:
    """Bring the rows of the streams in ``events`` up to date; returns the rows changed,
    by key, as written."""
    known = rows_by_key(conn, table, key, (key_of(event) for event in events))
    changed: dict[str, Row] = {}
    for event in events:
        row_key = key_of(event)
        row = changed.get(row_key) or known.get(row_key)
        if row is not None and row[VERSION] >= event.stream_version:
            continue  # applied already
        after = applied(row, event)
        if after is not None:
            changed[row_key] = after
    new = [{key: row_key, **row} for row_key, row in changed.items() if row_key not in known]
    if new:
        conn.execute(table.insert(), new)
    later = {row_key: row for row_key, row in changed.items() if row_key in known}
    if later:
        columns = sorted({column for row in later.values() for column in row})
        conn.execute(
            update(table)
            .where(table.c[key] == bindparam("row_key"))
            .values({column: bindparam(f"new_{column}") for column in columns}),
            [{"row_key": k, **{f"new_{c}": row[c] for c in columns}} for k, row in later.items()],
        )
    return changed
