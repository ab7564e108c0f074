"""Borrowing pooled driver connections for the event store's own statements."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, QueuePool
from sqlalchemy import exc as sa_exc

if TYPE_CHECKING:
    from waymark_shared.eventstore.store import EventStore

IDLE_KEPT = 2


class IdleConnections:
    """SQLite driver connections the store keeps between its statements, off the pool.

    A checkout from SQLAlchemy's pool and the check-in with its reset cost more than a
    SQLite statement does (about 8 µs an append). A connection the store used without
    error (or with a write refused, which SQLite undoes alone), in autocommit and with
    no transaction open, is kept here instead, up to ``IDLE_KEPT``, detached from the
    pool; a connection broken or in doubt never is.
    ``list.pop`` and ``append`` are atomic, so two threads never take the same one.

    What the pool would have done is still done: ``engine.dispose()`` gives the engine
    a new pool, and connections kept under the old one are closed, not used; a forked
    child never uses its parent's. Each start (after a dispose, a fork or ``close``) is
    a new generation, and a connection borrowed in an earlier one is not kept. Only a
    file database's ``QueuePool`` qualifies: an in-memory database lives and dies with
    its one connection, which must stay the pool's.
    """

    __slots__ = ("engine", "generation", "_pool", "_pid", "_idle")

    def __init__(self, engine: Engine):
        self.engine = engine
        self.generation = 0
        self._pool, self._pid = engine.pool, os.getpid()
        self._idle: list[tuple[Any, Any]] = []

    @classmethod
    def for_engine(cls, engine: Engine) -> IdleConnections | None:
        """Kept connections for a SQLite file database; ``None`` for any other."""
        if engine.dialect.name != "sqlite" or not isinstance(engine.pool, QueuePool):
            return None
        return cls(engine)

    def take(self) -> tuple[Any, Any] | None:
        """A kept connection fairy and its driver connection, if there is one."""
        if self.engine.pool is not self._pool or os.getpid() != self._pid:
            self._start_again()
            return None
        try:
            return self._idle.pop()
        except IndexError:
            return None

    def keep(self, pooled: Any, driver: Any, generation: int) -> bool:
        """Keep ``pooled`` (a connection fairy borrowed in ``generation``) for the next
        statement, if there is room."""
        if (
            len(self._idle) >= IDLE_KEPT
            or generation != self.generation
            or self.engine.pool is not self._pool
        ):
            return False
        if not pooled.is_detached:
            pooled.detach()  # closed for good when dropped, not handed back to the pool
        self._idle.append((pooled, driver))
        return True

    def close(self) -> None:
        """Close the kept connections (the engine's own are the pool's to close)."""
        self._start_again()

    def _start_again(self) -> None:
        self.generation += 1
        stale, self._idle = self._idle, []
        inherited = os.getpid() != self._pid
        self._pool, self._pid = self.engine.pool, os.getpid()
        if not inherited:  # a child only drops its parent's: no reset or pool events for them here
            for pooled, _ in stale:
                pooled.close()


class Borrowed:
    """A pooled driver connection in autocommit, for the store's own statements.

    Driver errors leave as SQLAlchemy's (``OperationalError`` and so on), and a
    connection that broke is invalidated rather than handed to the next user. Every
    statement run on it is read to its end (``fetchall``, or ``fetchone`` of a single
    row) before the block ends: on SQLite a half-read SELECT holds its snapshot, and a
    kept connection would hand that on.
    """

    __slots__ = ("store", "pooled", "driver", "generation")

    def __init__(self, store: EventStore):
        self.store = store

    def __enter__(self) -> Any:
        idle = self.store.idle
        if idle is not None:
            self.generation = idle.generation  # first: a start in between makes it stale
            kept = idle.take()
        else:
            kept = None
        if kept is not None:
            self.pooled, self.driver = kept
            return self.driver
        self.pooled = self.store.engine.raw_connection()
        driver = self.driver = self.pooled.driver_connection
        try:
            if self.store.sql.returning:
                driver.autocommit = True
            elif driver.isolation_level is not None:
                # SQLAlchemy's reset after an AUTOCOMMIT connection turns sqlite3's
                # implicit BEGIN back on; the engine runs it without (see db.engine).
                driver.isolation_level = None
        except BaseException as error:
            self.pooled.invalidate(error)
            raise
        return driver

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        dbapi, disconnected = self.store.dbapi, False
        try:
            if isinstance(error, dbapi.Error) and not isinstance(error, dbapi.IntegrityError):
                disconnected = self.store.engine.dialect.is_disconnect(error, self.driver, None)
                raise sa_exc.DBAPIError.instance(
                    None, None, error, dbapi.Error, connection_invalidated=disconnected
                ) from error
        finally:
            self._give_back(disconnected, error)

    def _give_back(self, disconnected: bool, error: BaseException | None) -> None:
        if disconnected:
            # As SQLAlchemy does for its own connections: a server that dropped this
            # connection has dropped its siblings, so the whole pool starts afresh.
            self.store.engine.pool._invalidate(self.pooled, error)  # noqa: SLF001
            return
        if self.store.sql.returning:
            try:
                self.driver.autocommit = False
            except self.store.dbapi.Error as reset_error:
                self.pooled.invalidate(reset_error)  # in no state to hand on
                return
        idle = self.store.idle
        if (
            idle is not None
            and self._reusable(error)
            and idle.keep(self.pooled, self.driver, self.generation)
        ):
            return
        self.pooled.close()

    def _reusable(self, error: BaseException | None) -> bool:
        """Whether the connection is as good as new: no transaction left open, and no
        error but a refused write (a conflict: SQLite undid the statement alone)."""
        dbapi = self.store.dbapi
        if error is not None and not isinstance(error, Exception):
            return False  # interrupted: the statement may be half-way
        if isinstance(error, dbapi.Error) and not isinstance(error, dbapi.IntegrityError):
            return False
        return not self.driver.in_transaction


def violates(error: BaseException, constraint: str) -> bool:
    original = getattr(error, "orig", None) or error
    diag = getattr(original, "diag", None)
    if diag is not None:
        return bool(diag.constraint_name == constraint)
    return str(original).endswith(f"events.{constraint.removeprefix('uq_events_')}")
