"""The relay: publishes one service's stored events to its Kafka topic, in log order.

The event store is the outbox. The relay reads the log after its checkpoint
(validating every event against its contract on the way out), sends the batch keyed by
institution id as CloudEvents JSON, waits until the broker has acknowledged every
record, and only then records the new checkpoint in ``relay_checkpoints``. A crash in
between re-sends the batch: delivery is at-least-once, and consumers recognise the
repeats by their place in the log. Through a broker outage the backlog stays in the
store and :meth:`Relay.run` retries with a capped backoff.

Several instances of a service may run; only the one holding the relay lock publishes
(a session advisory lock on PostgreSQL, a ``flock`` beside the SQLite file). The
others wait and take over when it dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from kafka import KafkaProducer
from sqlalchemy import Connection, Engine, select, text

from waymark_shared.db.engine import is_postgres
from waymark_shared.db.tables import relay_checkpoints
from waymark_shared.events.envelope import START, Checkpoint, OutgoingEvent, utc_now_iso
from waymark_shared.events.registry import EventValidationError
from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.kafka_clients import abandon, event_headers
from waymark_shared.observability import metrics

log = logging.getLogger(__name__)

ProducerFactory = Callable[[], KafkaProducer]


BACKLOG_INTERVAL_S = 1.0
# Large enough that the wait for each batch's acknowledgements is a small share.
DEFAULT_BATCH_SIZE = 2000


class PublishError(RuntimeError):
    """The broker did not acknowledge the whole batch; nothing was recorded as published."""


class Relay:
    """Publishes ``store``'s log to ``topic``. :meth:`run` is the service's loop; the
    other methods publish without the relay lock (for tests and one-off drains)."""

    def __init__(
        self,
        store: EventStore,
        engine: Engine,
        producer_factory: ProducerFactory,
        topic: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        publish_timeout_s: float = 60.0,
        max_backoff_s: float = 30.0,
        idle_s: float = 0.05,
    ):
        self.store = store
        self.engine = engine
        self.topic = topic
        self.batch_size = batch_size
        self.publish_timeout_s = publish_timeout_s
        self.max_backoff_s = max_backoff_s
        self.idle_s = idle_s
        self._producer_factory = producer_factory
        self._producer: KafkaProducer | None = None
        self._labels = (store.registry.service, topic)
        self._backlog_due = 0.0

    def checkpoint(self) -> Checkpoint:
        """The last event the broker has acknowledged, as recorded."""
        query = select(relay_checkpoints.c.commit_id, relay_checkpoints.c.position)
        # No transaction: on SQLite one would take the write lock just to read.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            row = conn.execute(query.where(relay_checkpoints.c.topic == self.topic)).first()
        return START if row is None else Checkpoint(row.commit_id, row.position)

    def backlog(self) -> int:
        """Events stored but not yet published."""
        return self.store.count_after(self.checkpoint())

    def run_once(self) -> int:
        """Publish one batch and record it; returns how many events it held.
        Raises (after counting the failure) when the batch could not be published."""
        published, _ = self._publish_after(self.checkpoint())
        return published

    def _publish_after(self, checkpoint: Checkpoint) -> tuple[int, Checkpoint]:
        """Publish the batch after ``checkpoint``; how many and the new checkpoint."""
        events: list[OutgoingEvent] = []
        try:
            events = self.store.read_all_cloudevents(checkpoint, self.batch_size)
            if events:
                self._publish(events)
                checkpoint = events[-1].checkpoint
                self._save_checkpoint(checkpoint)
                metrics.EVENTS_PUBLISHED.labels(*self._labels).inc(len(events))
        except Exception:
            metrics.RELAY_FAILURES.labels(*self._labels).inc()
            self._record_backlog(checkpoint)
            raise
        if len(events) < self.batch_size or time.monotonic() >= self._backlog_due:
            self._record_backlog(checkpoint)  # counting is linear in the backlog: not every batch
        return len(events), checkpoint

    def run_until_drained(self) -> int:
        """Publish until the backlog is empty; returns how many events were published."""
        total = 0
        while published := self.run_once():
            total += published
        return total

    def run(self, stop: threading.Event) -> None:
        """Publish until ``stop`` is set, while holding the relay lock (waiting for it
        while another instance holds it)."""
        lock = relay_lock(self.engine, self.topic)
        try:
            while not stop.is_set():
                if lock.acquire():
                    log.info("relay leading", extra={"topic": self.topic})
                    self._lead(lock, stop)
                else:
                    stop.wait(1.0)
        finally:
            lock.release()
            self.close()

    def close(self) -> None:
        if self._producer is not None:
            abandon(self._producer)
            self._producer = None

    def _lead(self, lock: _FileLock | _AdvisoryLock, stop: threading.Event) -> None:
        delay = 0.0
        # While this instance leads, nobody else moves the checkpoint: keep it in memory.
        checkpoint = self.checkpoint()
        while not stop.is_set() and lock.held():
            try:
                published, checkpoint = self._publish_after(checkpoint)
            except Exception as error:
                delay = min(max(delay * 2, 0.5), self.max_backoff_s)
                log.warning(
                    "relay batch failed, backlog kept",
                    extra={"topic": self.topic, "error": _describe(error), "retry_in_s": delay},
                )
                stop.wait(delay)
                continue
            delay = 0.0
            if published < self.batch_size:
                stop.wait(self.idle_s)

    def _publish(self, events: Sequence[OutgoingEvent]) -> None:
        deadline = time.monotonic() + self.publish_timeout_s
        try:
            producer = self._producer = self._producer or self._new_producer()
            futures = [
                producer.send(self.topic, value=e.value, key=e.subject.encode(), headers=event_headers(e))
                for e in events
            ]
            producer.flush(timeout=max(0.0, deadline - time.monotonic()))
            failed = next((f.exception for f in futures if not f.succeeded()), None)
        except Exception as error:
            self.close()
            raise PublishError(f"{self.topic}: {_describe(error)}") from error
        if failed is not None:
            # A producer that failed a record may have reset its sequence numbers;
            # a fresh one re-sends the whole batch in order.
            self.close()
            raise PublishError(f"{self.topic}: {_describe(failed)}") from failed

    def _new_producer(self) -> KafkaProducer:
        producer = self._producer_factory()
        if producer.config["delivery_timeout_ms"] <= self.publish_timeout_s * 1000:
            abandon(producer)  # it could expire a batch and reorder a partition before we give up
            raise ValueError(
                f"producer delivery_timeout_ms must exceed the relay's {self.publish_timeout_s} s"
            )
        return producer

    def _save_checkpoint(self, checkpoint: Checkpoint) -> None:
        table = relay_checkpoints
        values = {
            "commit_id": checkpoint.commit_id,
            "position": checkpoint.position,
            "updated_at": utc_now_iso(),
        }
        with self.engine.begin() as conn:
            row = conn.execute(
                select(table.c.commit_id, table.c.position).where(table.c.topic == self.topic)
            ).first()
            if row is None:
                conn.execute(table.insert().values(topic=self.topic, **values))
            elif Checkpoint(row.commit_id, row.position) < checkpoint:
                conn.execute(table.update().where(table.c.topic == self.topic).values(**values))

    def _record_backlog(self, checkpoint: Checkpoint) -> None:
        self._backlog_due = time.monotonic() + BACKLOG_INTERVAL_S
        try:
            metrics.RELAY_BACKLOG.labels(*self._labels).set(self.store.count_after(checkpoint))
        except Exception:  # the database is down too; the gauge keeps its last value
            log.debug("relay backlog unknown", extra={"topic": self.topic})


def _describe(error: BaseException) -> str:
    """Error text for logs, without the event data a validation message could quote."""
    if isinstance(error, EventValidationError):
        return f"{error.event_type} v{error.version} fails its contract on {sorted(error.messages)}"
    return f"{type(error).__name__}: {error}"[:500]


def relay_lock(engine: Engine, topic: str) -> _FileLock | _AdvisoryLock:
    """The lock that makes one instance the relay of ``topic``."""
    if is_postgres(engine):
        return _AdvisoryLock(engine, topic)
    database = engine.url.database
    in_memory = not database or database == ":memory:"
    return _FileLock(None if in_memory else Path(f"{database}-relay-{topic}.lock"))


class _FileLock:
    """``flock`` on a file beside the SQLite database; the kernel frees it when the
    holder dies. (An in-memory database lives in one process: no lock needed.)"""

    def __init__(self, path: Path | None):
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self) -> bool:
        if self.path is None or self._file is not None:
            return True
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self.path is None or self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _AdvisoryLock:
    """A session-level advisory lock on a connection of its own; PostgreSQL frees it
    when the session ends, so losing the connection means losing the lock."""

    def __init__(self, engine: Engine, topic: str):
        self.engine = engine
        digest = hashlib.blake2b(f"waymark-relay:{topic}".encode(), digest_size=8).digest()
        self.key = int.from_bytes(digest, "big", signed=True)
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        if self._conn is not None:
            return self.held()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar():
            self._conn = conn
            return True
        conn.close()
        return False

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
        except Exception:  # whatever broke the session also freed the lock
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            # Closing the session (not returning it to the pool) is what frees the lock.
            self._conn.invalidate()
            self._conn.close()
            self._conn = None
