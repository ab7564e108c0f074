"""The relay: publishes one service's stored events to its Kafka topic, in log order.

The event store is the outbox. The relay reads the log after its checkpoint
(validating every event against its contract on the way out), sends the batch keyed by
institution id as CloudEvents JSON (to the partition any client's default partitioner
picks for the key, worked out once per key: ``KeyPartitions``), waits until the broker
has acknowledged every record, and only then records the new checkpoint in
``relay_checkpoints``. A crash in between re-sends the batch: delivery is
at-least-once, and consumers recognise the repeats by their place in the log. Through
a broker outage the backlog stays in the store and :meth:`Relay.run` retries with a
capped backoff.

Batches are pipelined one deep: while batch *n* waits for its acknowledgements, batch
*n + 1* is read and handed to the producer, and *n*'s checkpoint is recorded while
*n + 1* is on the wire. The checkpoint still only moves past a batch every record of
which the broker acknowledged, and batches are acknowledged in the order they were
sent. One producer sends everything in log order, and an idempotent producer keeps
each partition in that order across retries, so two batches in flight are, to Kafka,
one longer batch. On any failure the producer is abandoned with whatever it still
held, and the next attempt re-sends from the last recorded checkpoint with a fresh one.

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
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NamedTuple

from kafka import KafkaProducer
from sqlalchemy import Connection, Engine, bindparam, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from waymark_shared.db.engine import is_postgres
from waymark_shared.db.tables import relay_checkpoints
from waymark_shared.events.envelope import START, Checkpoint, OutgoingEvent
from waymark_shared.events.registry import EventValidationError
from waymark_shared.events.stamps import utc_now_iso
from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.kafka_clients import KeyPartitions, abandon, event_headers
from waymark_shared.observability import metrics

log = logging.getLogger(__name__)

ProducerFactory = Callable[[], KafkaProducer]


BACKLOG_INTERVAL_S = 1.0
# Large enough that the wait for each batch's acknowledgements is a small share.
DEFAULT_BATCH_SIZE = 2000


class PublishError(RuntimeError):
    """The broker did not acknowledge the whole batch; nothing was recorded as published."""


class _Sent(NamedTuple):
    """A batch handed to the producer and not yet acknowledged."""

    events: list[OutgoingEvent]
    futures: list[Any]
    # The relay gives up on the batch (abandoning the producer) at this time. Every
    # producer batch still holding its records was opened after its first send (older
    # ones held only acknowledged batches' records), so a deadline this far from that
    # send is also within the producer's delivery timeout (see _new_producer).
    deadline: float


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
        self._acked = START  # the last checkpoint recorded by _drain
        self._fixed_headers: dict[tuple[str, str], tuple[tuple[str, bytes], ...]] = {}
        self._upsert = _checkpoint_upsert(engine)
        self._partition_of = KeyPartitions(topic)

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
        published, _ = self._drain(self.checkpoint(), _always, max_batches=1)
        return published

    def run_until_drained(self) -> int:
        """Publish until the backlog is empty; returns how many events were published."""
        published, _ = self._drain(self.checkpoint(), _always)
        return published

    def _drain(
        self, checkpoint: Checkpoint, more: Callable[[], bool], max_batches: int | None = None
    ) -> tuple[int, Checkpoint]:
        """Publish the log after ``checkpoint`` until a batch comes back short, ``more()``
        says stop or ``max_batches`` were read; how many were published and the
        checkpoint recorded. Each batch's checkpoint is recorded once all its records
        are acknowledged; ``self._acked`` holds the latest even when this raises."""
        self._acked = checkpoint
        read_from, published, batches = checkpoint, 0, 0
        in_flight: deque[_Sent] = deque()
        try:
            while True:
                reading = more() and (max_batches is None or batches < max_batches)
                events = self.store.read_all_cloudevents(read_from, self.batch_size) if reading else []
                batches += 1
                if events:
                    in_flight.append(self._send(events))
                    read_from = events[-1].checkpoint
                # A full batch means there is more to read: keep one batch in flight
                # while reading the next. Otherwise wait for everything sent.
                ahead = len(events) == self.batch_size and (max_batches is None or batches < max_batches)
                while in_flight and (len(in_flight) > 1 or not ahead):
                    sent = in_flight.popleft()
                    self._await(sent, flush=not ahead)
                    self._acked = sent.events[-1].checkpoint
                    self._save_checkpoint(self._acked)
                    published += len(sent.events)
                    metrics.EVENTS_PUBLISHED.labels(*self._labels).inc(len(sent.events))
                    if time.monotonic() >= self._backlog_due:
                        self._record_backlog(self._acked)
                if not ahead:
                    break
        except Exception:
            metrics.RELAY_FAILURES.labels(*self._labels).inc()
            if in_flight:
                self.close()  # drop what it still holds: all of it is re-sent from the checkpoint
            self._record_backlog(self._acked)
            raise
        self._record_backlog(self._acked)  # caught up: counting the rest is cheap now
        return published, self._acked

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
                self._drain(checkpoint, lambda: not stop.is_set() and lock.held())
            except Exception as error:
                checkpoint = self._acked
                delay = min(max(delay * 2, 0.5), self.max_backoff_s)
                log.warning(
                    "relay batch failed, backlog kept",
                    extra={"topic": self.topic, "error": _describe(error), "retry_in_s": delay},
                )
                stop.wait(delay)
                continue
            checkpoint = self._acked
            delay = 0.0
            stop.wait(self.idle_s)  # the log is drained (or this instance stops leading)

    def _send(self, events: list[OutgoingEvent]) -> _Sent:
        deadline = time.monotonic() + self.publish_timeout_s
        try:
            producer = self._producer = self._producer or self._new_producer()
            send, topic, fixed, futures = producer.send, self.topic, self._fixed_headers, []
            partition_of = self._partition_of
            partition_of.refresh(producer)
            for e in events:
                key = e.subject.encode()
                # event_headers(e), with the headers every event of its type shares made once
                content, spec, kind, source = fixed.get((e.type, e.source)) or self._headers_of(e)
                headers = [content, spec, ("ce_id", e.id.encode()), kind, source, ("ce_subject", key)]
                futures.append(
                    send(topic, value=e.value, key=key, headers=headers, partition=partition_of(key))
                )
        except Exception as error:
            self.close()
            raise PublishError(f"{self.topic}: {_describe(error)}") from error
        return _Sent(events, futures, deadline)

    def _headers_of(self, event: OutgoingEvent) -> tuple[tuple[str, bytes], ...]:
        content, spec, _, kind, source, _ = event_headers(event)
        self._fixed_headers[(event.type, event.source)] = fixed = (content, spec, kind, source)
        return fixed

    def _await(self, sent: _Sent, *, flush: bool) -> None:
        """Return once the broker acknowledged every record of ``sent``; else abandon
        the producer and raise :class:`PublishError`. ``flush`` sends what the producer
        still lingers on at once (when nothing else is coming to fill its batches)."""
        try:
            if flush and self._producer is not None:
                self._producer.flush(timeout=max(0.0, sent.deadline - time.monotonic()))
            failed = None
            for future in sent.futures:
                if not future.is_done:
                    future.get(timeout=max(0.0, sent.deadline - time.monotonic()))
                if future.failed():
                    failed = future.exception
                    break
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
        """Record ``checkpoint`` unless a later one is recorded already: one statement,
        so one round trip (and one commit) in autocommit."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                self._upsert,
                {
                    "topic": self.topic,
                    "commit_id": checkpoint.commit_id,
                    "position": checkpoint.position,
                    "updated_at": utc_now_iso(),
                },
            )

    def _record_backlog(self, checkpoint: Checkpoint) -> None:
        self._backlog_due = time.monotonic() + BACKLOG_INTERVAL_S
        try:
            metrics.RELAY_BACKLOG.labels(*self._labels).set(self.store.count_after(checkpoint))
        except Exception:  # the database is down too; the gauge keeps its last value
            log.debug("relay backlog unknown", extra={"topic": self.topic})


def _checkpoint_upsert(engine: Engine) -> Any:
    """Insert a topic's checkpoint, or move it forward (never back)."""
    table = relay_checkpoints
    insert = postgresql_insert if is_postgres(engine) else sqlite_insert
    statement = insert(table).values(
        topic=bindparam("topic"),
        commit_id=bindparam("commit_id"),
        position=bindparam("position"),
        updated_at=bindparam("updated_at"),
    )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.topic],
        set_={
            "commit_id": excluded.commit_id,
            "position": excluded.position,
            "updated_at": excluded.updated_at,
        },
        where=tuple_(table.c.commit_id, table.c.position) < tuple_(excluded.commit_id, excluded.position),
    )


def _always() -> bool:
    return True


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
