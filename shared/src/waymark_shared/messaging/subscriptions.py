"""Applying delivered events to a subscription's read models, exactly once in effect.

A transport (embedded or Kafka) hands the runner a :class:`Delivery`: events from one
source service, in that source's log order, from one partition (``EMBEDDED_PARTITION``
for the embedded transport, which always sees a source's whole log).

The runner applies the batch in **one transaction** together with the new position, so
a crash leaves either both or neither. Redelivered events are recognised by their
place in the source log: an event at or before the stored checkpoint of its partition
(or of the embedded whole-log position) has been applied already and is skipped.

When a handler raises, the batch is rolled back and applied again one event at a time;
the failing event is parked with its error and the position moves past it, so one
poison event never stalls the partition. Database outages are not the event's fault:
they propagate and the transport retries later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Connection, Engine, and_, delete, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from waymark_shared.db.tables import subscription_positions
from waymark_shared.events.context import message_context
from waymark_shared.events.envelope import START, Checkpoint, RecordedEvent
from waymark_shared.events.stamps import utc_now_iso
from waymark_shared.messaging.parking import ParkedEvents
from waymark_shared.observability import metrics
from waymark_shared.service import Subscription

log = logging.getLogger(__name__)

EMBEDDED_PARTITION = -1


@dataclass(frozen=True)
class Delivery:
    source: str
    partition: int
    events: Sequence[RecordedEvent]
    kafka_offset: int | None = None


@dataclass(frozen=True)
class Position:
    checkpoint: Checkpoint
    kafka_offset: int | None = None


@dataclass(frozen=True)
class ApplyResult:
    applied: int = 0
    duplicates: int = 0
    parked: int = 0


def is_transient(error: BaseException) -> bool:
    """Errors that say the database is unreachable, not that the event is bad."""
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


class SubscriptionRunner:
    def __init__(self, subscription: Subscription, engine: Engine):
        self.subscription = subscription
        self.engine = engine
        self.parked = ParkedEvents(engine, subscription, self._handle)

    @property
    def name(self) -> str:
        return self.subscription.name

    # -- positions -------------------------------------------------------------------

    def position(self, source: str, partition: int = EMBEDDED_PARTITION) -> Position:
        with self._reader() as conn:
            return self._position(conn, source, partition)

    def kafka_offsets(self, source: str) -> dict[int, int]:
        """The next Kafka offset to read per partition, as recorded with the read model."""
        table = subscription_positions
        query = select(table.c.partition, table.c.kafka_offset).where(
            table.c.subscription == self.name,
            table.c.source == source,
            table.c.kafka_offset.is_not(None),
        )
        with self._reader() as conn:
            return {row.partition: row.kafka_offset + 1 for row in conn.execute(query)}

    def _reader(self) -> Connection:
        # Autocommit: on SQLite a transaction would take the write lock just to read.
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _position(self, conn: Connection, source: str, partition: int) -> Position:
        table = subscription_positions
        row = conn.execute(
            select(table.c.commit_id, table.c.position, table.c.kafka_offset).where(
                table.c.subscription == self.name,
                table.c.source == source,
                table.c.partition == partition,
            )
        ).first()
        if row is None:
            return Position(START)
        return Position(Checkpoint(row.commit_id, row.position), row.kafka_offset)

    def _applied_up_to(self, conn: Connection, delivery: Delivery) -> tuple[Checkpoint, Checkpoint]:
        whole_log = self._position(conn, delivery.source, EMBEDDED_PARTITION).checkpoint
        if delivery.partition == EMBEDDED_PARTITION:
            return whole_log, whole_log
        return whole_log, self._position(conn, delivery.source, delivery.partition).checkpoint

    def _save_position(self, conn: Connection, delivery: Delivery, checkpoint: Checkpoint) -> None:
        table = subscription_positions
        values: dict[str, object] = {
            "commit_id": checkpoint.commit_id,
            "position": checkpoint.position,
            "updated_at": utc_now_iso(),
        }
        if delivery.kafka_offset is not None:
            values["kafka_offset"] = delivery.kafka_offset
        key = and_(
            table.c.subscription == self.name,
            table.c.source == delivery.source,
            table.c.partition == delivery.partition,
        )
        if conn.execute(update(table).where(key).values(**values)).rowcount == 0:
            conn.execute(
                table.insert().values(
                    subscription=self.name,
                    source=delivery.source,
                    partition=delivery.partition,
                    **values,
                )
            )

    # -- applying --------------------------------------------------------------------

    def apply(self, delivery: Delivery) -> ApplyResult:
        if not delivery.events:
            return ApplyResult()
        try:
            return self._apply_batch(delivery)
        except Exception as error:
            if is_transient(error):
                raise
            log.warning(
                "batch failed, applying one by one",
                extra={"subscription": self.name, "source": delivery.source},
            )
            return self._apply_one_by_one(delivery)

    def _apply_batch(self, delivery: Delivery) -> ApplyResult:
        with self.engine.begin() as conn:
            whole_log, partition = self._applied_up_to(conn, delivery)
            fresh, high_water = _unseen(delivery.events, max(whole_log, partition))
            self._handle_all(fresh, conn)
            self._save_position(conn, delivery, high_water)
        self._count(delivery.source, fresh, len(delivery.events) - len(fresh))
        return ApplyResult(applied=len(fresh), duplicates=len(delivery.events) - len(fresh))

    def _apply_one_by_one(self, delivery: Delivery) -> ApplyResult:
        applied = duplicates = parked = 0
        last = len(delivery.events) - 1
        for index, event in enumerate(delivery.events):
            # Only the last event may record the batch's Kafka offset: a crash part-way
            # through must re-read the rest of the batch, not resume after it.
            offset = delivery.kafka_offset if index == last else None
            single = Delivery(delivery.source, delivery.partition, [event], offset)
            try:
                result = self._apply_batch(single)
            except Exception as error:
                if is_transient(error):
                    raise
                self._park(single, error)
                parked += 1
                continue
            applied += result.applied
            duplicates += result.duplicates
        return ApplyResult(applied, duplicates, parked)

    def _park(self, delivery: Delivery, error: Exception) -> None:
        event = delivery.events[0]
        with message_context(event.correlation_id, event.id, f"subscription:{self.name}"):
            log.error(
                "event parked",
                extra={"subscription": self.name, "event_id": event.id, "event_type": event.type},
                exc_info=error,
            )
        with self.engine.begin() as conn:
            self.parked.park(conn, event, error)
            self._save_position(conn, delivery, event.checkpoint)
        metrics.EVENTS_PARKED.labels(self.name, delivery.source).inc()

    def _handle_all(self, events: Sequence[RecordedEvent], conn: Connection) -> None:
        """Per-event handlers one by one; a batch handler gets each run of consecutive
        events it handles at once, of whichever of its types, in log order. Events no
        handler takes do not break a run (audit's log alternates ``AuditStarted`` with
        the ``AuditCompleted`` a subscriber wants)."""
        batch_handlers = self.subscription.batch_handlers
        handled = [e for e in events if e.type in batch_handlers or e.type in self.subscription.handlers]
        for batch_handler, group in groupby(handled, key=lambda event: batch_handlers.get(event.type)):
            run = list(group)
            if batch_handler is None:
                for event in run:
                    self._handle(event, conn)
                continue
            with message_context(run[0].correlation_id, run[0].id, f"subscription:{self.name}"):
                batch_handler(run, conn)

    def _handle(self, event: RecordedEvent, conn: Connection) -> None:
        if event.type in self.subscription.batch_handlers:
            self._handle_all([event], conn)
            return
        handler = self.subscription.handlers.get(event.type)
        if handler is None:
            return
        with message_context(event.correlation_id, event.id, f"subscription:{self.name}"):
            if log.isEnabledFor(logging.DEBUG):
                log.debug("applying event", extra={"event_id": event.id, "event_type": event.type})
            handler(event, conn)

    def _count(self, source: str, fresh: Sequence[RecordedEvent], duplicates: int) -> None:
        if fresh:
            metrics.EVENTS_CONSUMED.labels(self.name, source).inc(len(fresh))
            metrics.APPLY_LATENCY.labels(self.name, source).observe(_age_seconds(fresh[-1]))
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(self.name, source).inc(duplicates)

    # -- rebuilding ------------------------------------------------------------------

    def reset(self) -> None:
        """Empty the read models, positions and parked events: the next delivery
        rebuilds everything from the start of each source's log."""
        with self.engine.begin() as conn:
            if self.subscription.reset is not None:
                self.subscription.reset(conn)
            conn.execute(
                delete(subscription_positions).where(subscription_positions.c.subscription == self.name)
            )
            self.parked.clear(conn)


def _unseen(events: Sequence[RecordedEvent], applied: Checkpoint) -> tuple[list[RecordedEvent], Checkpoint]:
    """The events past the high-water mark, which rises as they are taken: a resent run
    inside one delivery is skipped too. Returns them and the new high-water mark."""
    fresh = []
    for event in events:
        if applied < event.checkpoint:
            fresh.append(event)
            applied = event.checkpoint
    return fresh, applied


def _age_seconds(event: RecordedEvent) -> float:
    try:
        appended = datetime.fromisoformat(event.time.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
    return max(0.0, time.time() - appended)
