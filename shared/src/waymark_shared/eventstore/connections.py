"""Borrowing pooled driver connections for the event store's own statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc

if TYPE_CHECKING:
    from waymark_shared.eventstore.store import EventStore


class Borrowed:
    """A pooled driver connection in autocommit, for the store's own statements.

    Driver errors leave as SQLAlchemy's (``OperationalError`` and so on), and a
    connection that broke is invalidated rather than handed to the next user.
    """

    __slots__ = ("store", "pooled", "driver")

    def __init__(self, store: EventStore):
        self.store = store

    def __enter__(self) -> Any:
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
        self.pooled.close()


def violates(error: BaseException, constraint: str) -> bool:
    original = getattr(error, "orig", None) or error
    diag = getattr(original, "diag", None)
    if diag is not None:
        return bool(diag.constraint_name == constraint)
    return str(original).endswith(f"events.{constraint.removeprefix('uq_events_')}")
