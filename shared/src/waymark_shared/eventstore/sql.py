"""The SQL each backend speaks for the event store, written once per backend."""

from __future__ import annotations

from typing import Any, NamedTuple

from waymark_shared.events.envelope import Checkpoint

ROW_COLUMNS = "event_id, stream_version, type, schema_version, subject, time, data"
BATCH_COLUMNS = "correlation_id, causation_id, actor"  # the same for every event of an append
COLUMNS = f"{ROW_COLUMNS}, {BATCH_COLUMNS}"
SELECT_COLUMNS = f"position, commit_id, stream_id, {COLUMNS}"


class SqliteSql:
    """SQL for SQLite, whose ``commit_id`` is always 0: position alone is log order, and
    filtering on it range-scans the rowid instead of walking the whole index."""

    mark = "?"
    commit_id = "0"
    visible = "position > ?"
    log_order = "position"
    casts = ("",) * 7
    # Writers are serialised, so one statement's rows take consecutive rowids: the
    # last one and the row count give every position without the cost of RETURNING.
    returning = False
    other_databases = None  # one database per file: nothing elsewhere can hold it back
    read_as_json = True  # publishing reads its rows as one JSON value (EventStore._rows_as_json)
    # An INSERT whose SELECT reads the table it writes (the version check) makes SQLite
    # copy every row into a temporary table first, which costs about as much as
    # indexing them. So the check is a statement of its own just before a plain insert
    # (in-process, so no round trip to save): a stream's version only grows, and a
    # writer that gets in between collides on the unique (stream_id, stream_version).
    checks_version_apart = True

    def after(self, checkpoint: Checkpoint, elsewhere: list[int] | None = None) -> list[object]:
        return [checkpoint.position]

    def values(self, rows: str) -> tuple[str, str]:
        return f"(VALUES {rows})", ", ".join(f"column{i}" for i in range(1, 8))

    def plain_insert(self, count: int) -> str:
        """Insert ``count`` events of one stream: ``?1`` the stream, ``?2``–``?4`` the
        batch's ids, then each row's columns."""
        rows = ", ".join(
            "(0, ?1, " + ", ".join(f"?{5 + 7 * row + column}" for column in range(7)) + ", ?2, ?3, ?4)"
            for row in range(count)
        )
        return f"INSERT INTO events (commit_id, stream_id, {COLUMNS}) VALUES {rows}"

    def own(self, sql: str) -> str:
        return sql

    def cursor(self, driver: Any) -> Any:
        return driver.cursor()


# Rows of transactions below this id are final: every transaction of *this database*
# still running has an id at or above it. Transaction ids are server-wide, so
# pg_snapshot_xmin alone would let a long transaction in another database hold every
# reader back. The ids of transactions that pg_stat_activity placed in another database
# just before (the last parameter) are left out: a transaction never writes outside its
# database. That list is read first, in its own statement: read in the same statement,
# it would come after the snapshot, and a transaction ending in between could not be
# placed. Ids that started since are newer than anything already committed here.
# backend_xid is the 32-bit id, hence the modulo.
VISIBILITY_HORIZON = """
SELECT coalesce(
    (SELECT min(running::text::bigint) FROM pg_snapshot_xip(now.snapshot) AS running
     WHERE NOT (running::text::bigint % 4294967296 = ANY (%s::bigint[]))),
    pg_snapshot_xmax(now.snapshot)::text::bigint)
FROM (SELECT pg_current_snapshot() AS snapshot) AS now
""".strip()
OTHER_DATABASES_RUNNING = (
    "SELECT coalesce(array_agg(backend_xid::text::bigint), '{}') FROM pg_stat_activity"
    " WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()"
)


class PostgresSql:
    """SQL for PostgreSQL. On the store's own connections statements go through a
    psycopg raw cursor with ``$n`` placeholders: psycopg re-parses ``%s`` queries of
    more than 50 parameters on every execute, which costs more than the insert."""

    mark = "%s"
    commit_id = "pg_current_xact_id()::text::bigint"
    visible = f"(commit_id, position) > (%s, %s) AND commit_id < ({VISIBILITY_HORIZON})"
    log_order = "commit_id, position"
    casts = ("", "::integer", "", "::integer", "", "", "")
    returning = True
    other_databases = OTHER_DATABASES_RUNNING
    read_as_json = False  # psycopg receives a whole result at once
    checks_version_apart = False  # one round trip: the check is inside the insert

    def __init__(self, dbapi: Any):
        self._raw_cursor = dbapi.RawCursor

    def after(self, checkpoint: Checkpoint, elsewhere: list[int] | None = None) -> list[object]:
        return [checkpoint.commit_id, checkpoint.position, elsewhere or []]

    def values(self, rows: str) -> tuple[str, str]:
        return f"(VALUES {rows}) AS v({ROW_COLUMNS})", ROW_COLUMNS

    def own(self, sql: str) -> str:
        parts = sql.split("%s")
        return parts[0] + "".join(f"${number}{part}" for number, part in enumerate(parts[1:], 1))

    def cursor(self, driver: Any) -> Any:
        return self._raw_cursor(driver)


class Statement(NamedTuple):
    sa: str  # for a caller's SQLAlchemy connection
    own: str  # for the store's own driver connection
    rows: int = 0  # events an insert writes
