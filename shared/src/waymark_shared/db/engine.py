"""Engines for SQLite (embedded default) and PostgreSQL (distributed).

SQLite runs in WAL mode with ``synchronous=FULL`` (every commit is fsynced, the same
durability as the eventsourcing library's default) and every transaction starts with
``BEGIN IMMEDIATE``, so a writer takes the write lock before it reads and never fails
half-way with a stale snapshot. Connections opened with ``isolation_level="AUTOCOMMIT"``
issue no BEGIN at all; :func:`reading` gives reads one snapshot without the lock.

Neither engine puts a statement's values in its errors (``hide_parameters``): an error
is logged, and the values may be a pupil's name or date of birth.

PostgreSQL pools check a connection before handing it out only when it has sat idle
for ``PING_AFTER_IDLE_S``: a ping on every checkout costs more round trips than an
append (see :func:`_ping_when_idle`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "waymark_idle_since"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for a service database: SQLite (file or memory) or PostgreSQL."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return _postgres_engine(url, pool_size)


def _postgres_engine(url: str, pool_size: int) -> Engine:
    engine = create_engine(url, pool_size=pool_size, max_overflow=10, hide_parameters=True)
    _ping_when_idle(engine, PING_AFTER_IDLE_S)
    return engine


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """SQLAlchemy's ``pool_pre_ping``, for connections idle in the pool ``idle_s`` or more.

    Pinging on every checkout is a round trip per append (two with psycopg outside
    autocommit, whose ping first sends BEGIN, and a ROLLBACK at checkin). A connection
    used moments ago is alive; if the server has gone since, the first statement that
    fails invalidates the pool, as it would with the ping.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < idle_s:
            return
        try:
            _ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.InvalidatePoolError(f"ping failed: {error}") from error


def _ping(dbapi_connection: Any) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(";")
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = autocommit


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads that see one snapshot and take no lock that a writer or
    another reader waits for. ``engine.connect()`` does not do that on SQLite: every
    transaction there begins ``BEGIN IMMEDIATE`` (the write lock), so page views would
    queue behind each other and behind the consumers in SQLite's busy handler. Here a
    deferred ``BEGIN`` on an autocommit connection: in WAL mode, a read snapshot from
    the first query. On PostgreSQL, a read-only repeatable-read transaction."""
    if is_postgres(engine):
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as conn:
            yield conn
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.exec_driver_sql("ROLLBACK")
