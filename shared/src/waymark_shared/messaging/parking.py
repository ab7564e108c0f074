"""Parked events: what a subscription could not apply, kept for the ops team to retry.

A parked event keeps its whole envelope, the error and the number of attempts. Retrying
runs the subscription's handler again in a transaction; on success the row goes, on
failure the attempt is counted and the new error kept.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, func, select, update

from waymark_shared.db.tables import parked_events
from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.events.stamps import utc_now_iso
from waymark_shared.observability import metrics
from waymark_shared.service import Subscription

MAX_ERROR_CHARS = 4000


@dataclass(frozen=True)
class ParkedEvent:
    subscription: str
    event: RecordedEvent
    error: str
    attempts: int
    parked_at: str
    last_attempt_at: str


@dataclass(frozen=True)
class RetryOutcome:
    event_id: str
    succeeded: bool
    error: str | None = None


def describe(error: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return text[:MAX_ERROR_CHARS]


class ParkedEvents:
    def __init__(
        self,
        engine: Engine,
        subscription: Subscription,
        handle: Callable[[RecordedEvent, Connection], None],
    ):
        self.engine = engine
        self.subscription = subscription
        self._handle = handle
        self._where = parked_events.c.subscription == subscription.name

    def park(self, conn: Connection, event: RecordedEvent, error: BaseException) -> None:
        now = utc_now_iso()
        key = self._where & (parked_events.c.event_id == event.id)
        bumped = conn.execute(
            update(parked_events)
            .where(key)
            .values(attempts=parked_events.c.attempts + 1, error=describe(error), last_attempt_at=now)
        )
        if bumped.rowcount == 0:
            conn.execute(
                parked_events.insert().values(
                    subscription=self.subscription.name,
                    event_id=event.id,
                    source=event.source_service,
                    event_type=event.type,
                    subject=event.subject,
                    envelope=json.dumps(event.to_cloudevent()),
                    error=describe(error),
                    attempts=1,
                    parked_at=now,
                    last_attempt_at=now,
                )
            )
        self._refresh_gauge(conn)

    def list(self) -> list[ParkedEvent]:
        query = select(parked_events).where(self._where).order_by(parked_events.c.parked_at)
        with self._reader() as conn:
            return [_from_row(row) for row in conn.execute(query)]

    def count(self) -> int:
        with self._reader() as conn:
            return self._count(conn)

    def _reader(self) -> Connection:
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def retry(self, event_id: str | None = None) -> list[RetryOutcome]:
        """Retry one parked event, or all of them in the order they were parked."""
        targets = [p for p in self.list() if event_id is None or p.event.id == event_id]
        return [self._retry(parked.event) for parked in targets]

    def _retry(self, event: RecordedEvent) -> RetryOutcome:
        key = self._where & (parked_events.c.event_id == event.id)
        try:
            with self.engine.begin() as conn:
                self._handle(event, conn)
                conn.execute(delete(parked_events).where(key))
                self._refresh_gauge(conn)
        except Exception as error:  # the handler's failure is what the operator needs to see
            with self.engine.begin() as conn:
                self.park(conn, event, error)
            return RetryOutcome(event.id, False, describe(error))
        return RetryOutcome(event.id, True)

    def clear(self, conn: Connection) -> None:
        conn.execute(delete(parked_events).where(self._where))
        metrics.PARKED_OUTSTANDING.labels(self.subscription.name).set(0)

    def _count(self, conn: Connection) -> int:
        query = select(func.count()).select_from(parked_events).where(self._where)
        return int(conn.execute(query).scalar_one())

    def _refresh_gauge(self, conn: Connection) -> None:
        metrics.PARKED_OUTSTANDING.labels(self.subscription.name).set(self._count(conn))


def _from_row(row) -> ParkedEvent:  # type: ignore[no-untyped-def]
    return ParkedEvent(
        subscription=row.subscription,
        event=RecordedEvent.from_cloudevent(json.loads(row.envelope)),
        error=row.error,
        attempts=row.attempts,
        parked_at=row.parked_at,
        last_attempt_at=row.last_attempt_at,
    )
