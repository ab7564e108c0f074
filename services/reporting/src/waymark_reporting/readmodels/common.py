"""What every projection of reporting shares: reading the rows a batch touches with a
few ``IN`` queries, writing them with one ``executemany`` per statement, and noting
the last event applied from each source (for the pages' "how current is this").

Idempotence: each row keeps the version of the producer's stream it was last brought
to; an event at or below it has been applied already and changes nothing (the runner
skips what it has applied; this keeps the rows right when a parked event is retried
after later ones, too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table, and_, delete, or_, select, update

from waymark_reporting.adapters.tables import institution_summaries, source_freshness, stale_summaries
from waymark_shared.events.envelope import RecordedEvent

CHUNK = 500  # ids per IN (...) query


def rows_by_key(conn: Connection, table: Table, key: Column, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows of ``table`` whose ``key`` is one of ``ids``, by key."""
    found: dict[str, dict[str, Any]] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        result = conn.execute(select(table).where(key.in_(ordered[start : start + CHUNK])))
        names = tuple(result.keys())  # once a query: a mapping per row costs more than the read
        for row in result:
            values = dict(zip(names, row, strict=True))
            found[values[key.name]] = values
    return found


def existing_keys(conn: Connection, key: Column, ids: Iterable[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        found.update(conn.execute(select(key).where(key.in_(ordered[start : start + CHUNK]))).scalars())
    return found


def write_rows(
    conn: Connection, table: Table, key: Column, rows: dict[str, dict[str, Any]], known: set[str]
) -> None:
    """Insert the rows not in ``known``, update those that are (every column but the
    key), each with one statement: see :func:`insert_many` and :func:`update_many`."""
    columns = [c.name for c in table.columns]
    new = [tuple(row[c] for c in columns) for k, row in rows.items() if k not in known]
    insert_many(conn, table, columns, new)
    changed = [c for c in columns if c != key.name]
    later = [tuple(row[c] for c in changed) + (k,) for k, row in rows.items() if k in known]
    update_many(conn, table, key, changed, later)


def update_many(
    conn: Connection, table: Table, key: Column, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Set ``columns`` of the rows whose ``key`` ends each tuple (values in ``columns``
    order, then the key)."""
    if not rows:
        return
    if conn.dialect.paramstyle == "qmark":
        sets = ", ".join(f"{c} = ?" for c in columns)
        conn.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE {key.name} = ?", list(rows))  # noqa: S608
        return
    names = [*columns, key.name]
    types = ", ".join(f"%s::{_pg_type(table.c[name])}[]" for name in names)
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    arrays = tuple(list(column) for column in zip(*rows, strict=True))
    conn.exec_driver_sql(
        f"UPDATE {table.name} SET {sets} FROM unnest({types}) AS v({', '.join(names)}) "  # noqa: S608
        f"WHERE {table.name}.{key.name} = v.{key.name}",
        arrays,
    )


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) in one go, in the connection's
    transaction: a DBAPI ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Several times
    faster than SQLAlchemy's executemany for thousands of small rows (no per-row
    parameter processing), which a roster import or a year group's participation is."""
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.paramstyle == "qmark":  # SQLite: executemany is the fast path
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))  # noqa: S608
        return
    # PostgreSQL: psycopg's executemany sends a statement a row; COPY streams them all.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _pg_type(column: Column) -> str:
    kinds = {"INTEGER": "integer", "BOOLEAN": "boolean", "BIGINT": "bigint", "FLOAT": "double precision"}
    return kinds.get(str(column.type), "text")


def csv(numbers: Iterable[int]) -> str:
    """``[7, 5]`` -> ``"5,7"``: how the tables store a set of benchmarks or year groups."""
    return ",".join(str(n) for n in sorted(set(numbers)))


def numbers(text: str | None) -> list[int]:
    """``"5,7"`` -> ``[5, 7]``."""
    return [int(part) for part in text.split(",")] if text else []


def note_applied(conn: Connection, subscription: str, events: Sequence[RecordedEvent]) -> None:
    """Record the last of ``events`` (one source's, in log order) as the last applied.
    Log order, not event time (a producer may record events with earlier times than
    ones before them: an import of history); an earlier event applied again (retried
    from the parked events) leaves the later one noted."""
    if not events:
        return
    last = events[-1]
    source = last.type.split(".")[2]
    commit_id, position = last.checkpoint.commit_id, last.checkpoint.position
    values = {
        "last_event_id": last.id,
        "last_event_type": last.type,
        "last_event_time": last.time,
        "commit_id": commit_id,
        "position": position,
    }
    t = source_freshness.c
    key = and_(t.subscription == subscription, t.source == source)
    earlier = or_(t.commit_id < commit_id, and_(t.commit_id == commit_id, t.position < position))
    if conn.execute(update(source_freshness).where(key, earlier).values(values)).rowcount:
        return
    if conn.execute(select(t.source).where(key)).first() is None:
        conn.execute(source_freshness.insert().values(subscription=subscription, source=source, **values))


def forget_applied(conn: Connection, subscription: str) -> None:
    conn.execute(delete(source_freshness).where(source_freshness.c.subscription == subscription))


# -- summaries: which institutions' roll-up figures an apply made out of date -------------


# On PostgreSQL a mark already there is updated, not skipped: the update locks its row
# until this transaction commits, so a refresh deleting the mark waits and then reads
# this transaction's changes (DO NOTHING takes no lock: the refresh could delete the mark
# and recompute before this commits, and the change would never be summarised).
LOCK_THE_MARK = "ON CONFLICT (institution_id) DO UPDATE SET institution_id = EXCLUDED.institution_id"


def mark_stale(conn: Connection, institution_ids: Iterable[str | None]) -> None:
    """Note these institutions' summaries as out of date (insert or ignore, one
    statement), in the apply's transaction: see ``views/summaries.refresh_summaries``."""
    ids = sorted({i for i in institution_ids if i})
    if not ids:
        return
    if conn.dialect.paramstyle == "qmark":
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO stale_summaries (institution_id) VALUES (?)", [(i,) for i in ids]
        )
        return
    conn.exec_driver_sql(
        "INSERT INTO stale_summaries (institution_id) SELECT unnest(%s::text[]) " + LOCK_THE_MARK,
        (ids,),
    )


def mark_stale_where_on_roll(conn: Connection, learner_ids: Iterable[str]) -> None:
    """Mark the institutions these learners are on the books of now (their evidence
    counts there, wherever the activity was), found by the database, a chunk a query."""
    ordered = sorted(set(learner_ids))
    sqlite = conn.dialect.paramstyle == "qmark"
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        if sqlite:
            marks = ", ".join("?" * len(chunk))
            conn.exec_driver_sql(
                "INSERT OR IGNORE INTO stale_summaries (institution_id) SELECT DISTINCT institution_id "  # noqa: S608
                f"FROM learners WHERE learner_id IN ({marks})",
                tuple(chunk),
            )
        else:
            conn.exec_driver_sql(
                "INSERT INTO stale_summaries (institution_id) SELECT DISTINCT institution_id "
                "FROM learners WHERE learner_id = ANY(%s::text[]) " + LOCK_THE_MARK,
                (chunk,),
            )


def forget_summaries(conn: Connection) -> None:
    """A subscription reset: every summary goes (an institution without one is stale,
    so the next refresh rebuilds them from the replayed read models)."""
    conn.execute(delete(institution_summaries))
    conn.execute(delete(stale_summaries))
