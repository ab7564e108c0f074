"""The Kafka transport: feeds one subscription from its sources' topics.

Each subscription is its own consumer group (``waymark.<subscription>`` by default,
named by whoever builds the consumer; partners use groups of their own). The
subscription's database, not the group, says where to read: a partition is read from
the offset after the last one recorded with the read model, or from its start, both
when it is assigned and when the read model is reset (so a replay starts from zero).
A poll's records are applied per (source, partition) in one runner transaction each;
only then are the offsets committed to Kafka, for lag monitoring and partners' tools.

Records the relay sent twice are recognised by their log position and dropped before
the runner sees them. A message that is not a Waymark CloudEvent cannot be mended by a
retry: it is logged (never its content), counted and skipped.

Waymark's topics keep every record (deploy/README.md), and the relay writes no
transaction markers, so a partition's offsets run on without a gap. A poll that starts
past the offset this consumer expected (the stored one, or 0 for a read model read
from the start) means records were deleted before they were applied: retention set
shorter than the platform needs. That is logged as an error and counted
(``waymark_kafka_records_lost_total``), and what remains is applied.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.messaging.kafka_clients import decode_event, partition_offsets
from waymark_shared.messaging.subscriptions import Delivery, Position, SubscriptionRunner, is_transient
from waymark_shared.observability import metrics

log = logging.getLogger(__name__)

ConsumerFactory = Callable[[], KafkaConsumer]
Progress = Callable[[int], None]
LAG_INTERVAL_S = 5.0


class KafkaTransport:
    """Feeds ``runner`` from the topics of its subscription's sources, through consumers
    made by ``consumer_factory`` (one at a time; each joins the subscription's group)."""

    def __init__(
        self,
        runner: SubscriptionRunner,
        consumer_factory: ConsumerFactory,
        topics_by_source: Mapping[str, str],
        *,
        after_apply: Callable[[Delivery], None] | None = None,
    ):
        missing = set(runner.subscription.sources) - set(topics_by_source)
        if missing:
            raise ValueError(f"{runner.name} needs topics for {', '.join(sorted(missing))}")
        self.runner = runner
        self.topics = {source: topics_by_source[source] for source in runner.subscription.sources}
        self._sources = {topic: source for source, topic in self.topics.items()}
        self._factory = consumer_factory
        self._consumer: KafkaConsumer | None = None
        self._unpositioned: set[TopicPartition] = set()  # to seek before reading on
        self._applied: set[TopicPartition] = set()  # applied to since assignment
        self._to_commit: dict[TopicPartition, OffsetAndMetadata] = {}
        self._expected: dict[TopicPartition, int] = {}  # the next offset each partition should give
        self._after_apply = after_apply  # for tests: a crash between the two commits

    @property
    def consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            self._consumer = self._factory()
            self._consumer.subscribe(list(self.topics.values()), listener=_StoredPositions(self))
        return self._consumer

    def run_once(self, timeout_ms: int = 1000, progress: Progress | None = None) -> int:
        """One poll, applied and then committed; returns how many events were applied."""
        consumer = self.consumer
        try:
            self._rewind_reset(self._applied)
            self._seek_to_stored(self._unpositioned)
            applied, offsets = 0, {}
            for tp, records in consumer.poll(timeout_ms=timeout_ms).items():
                if tp not in self._unpositioned:
                    self._check_continuity(tp, records)
                    applied += self._deliver(tp, records)
                    offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, "", -1)
        except Exception:
            # The fetch position has moved past records that were not applied.
            self._unpositioned |= consumer.assignment()
            raise
        self._commit(offsets)
        if progress and applied:
            progress(applied)
        return applied

    def run_until_caught_up(self, deadline_s: float = 60.0, progress: Progress | None = None) -> int:
        """Apply until no partition lags; returns how many events were applied. Raises
        ``TimeoutError`` when ``deadline_s`` pass without progress (a long replay that
        keeps applying is never cut short)."""
        deadline = time.monotonic() + deadline_s
        total = 0
        while True:
            delivered = self.run_once(timeout_ms=200, progress=progress)
            total += delivered
            if delivered:
                deadline = time.monotonic() + deadline_s
            elif self._joined() and sum(self.record_lag().values()) == 0:
                return total
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.runner.name} still lags {self.lag()} after {deadline_s} s")

    def run(self, stop: threading.Event) -> None:
        """Follow the topics until ``stop`` is set."""
        lag_due = 0.0
        try:
            while not stop.is_set():
                try:
                    self.run_once(timeout_ms=500)
                    if time.monotonic() >= lag_due:
                        self.record_lag()
                        lag_due = time.monotonic() + LAG_INTERVAL_S
                except Exception as error:
                    if not (is_transient(error) or isinstance(error, KafkaError)):
                        raise
                    log.warning(
                        "subscription paused",
                        extra={"subscription": self.runner.name, "error": type(error).__name__},
                    )
                    stop.wait(1.0)
        finally:
            self.close()

    def backlog(self) -> int:
        return sum(self.lag().values())

    def lag(self) -> dict[str, int]:
        """Messages per source after what the database recorded (or, for partitions
        this consumer holds, after its fetch position)."""
        lag = dict.fromkeys(self.topics, 0)
        stored = {source: self.runner.kafka_offsets(source) for source in self.topics}
        held = self.consumer.assignment() - self._unpositioned
        for tp, (first, end) in partition_offsets(self.consumer, self.topics.values()).items():
            source = self._sources[tp.topic]
            done = max(
                stored[source].get(tp.partition, first), self.consumer.position(tp) if tp in held else 0
            )
            lag[source] += max(0, end - done)
        return lag

    def record_lag(self) -> dict[str, int]:
        lag = self.lag()
        for source, value in lag.items():
            metrics.CONSUMER_LAG.labels(self.runner.name, source).set(value)
        return lag

    def end_offsets_total(self) -> int:
        """Messages retained across the sources' topics: a replay's 100 %."""
        offsets = partition_offsets(self.consumer, self.topics.values())
        return sum(end - first for first, end in offsets.values())

    def close(self) -> None:
        """Leave the group (committing only positions the database already holds)."""
        if self._consumer is not None:
            self._commit({})
            self._consumer.close(autocommit=False)
            self._consumer = None

    def _deliver(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> int:
        source = self._sources[tp.topic]
        position = self.runner.position(source, tp.partition)
        if position.kafka_offset is None and tp in self._applied:
            self._rewind_reset([tp])  # reset while this batch was being fetched
            return 0
        events = self._fresh(tp, position, records)
        if events:
            delivery = Delivery(source, tp.partition, events, kafka_offset=records[-1].offset)
            self.runner.apply(delivery)
            self._applied.add(tp)
            if self._after_apply:
                self._after_apply(delivery)
        return len(events)

    def _fresh(
        self, tp: TopicPartition, position: Position, records: Sequence[ConsumerRecord]
    ) -> list[RecordedEvent]:
        # The runner skips what it applied before this batch; the batch itself can hold
        # the relay's re-sends of its own earlier records.
        done_through = -1 if position.kafka_offset is None else position.kafka_offset
        newest, events, duplicates = position.checkpoint, [], 0
        for record in records:
            if record.offset <= done_through:
                continue
            try:
                event = decode_event(record)
            except ValueError as error:
                log.error(
                    "not a Waymark CloudEvent, skipped",
                    extra={
                        "subscription": self.runner.name,
                        "topic": tp.topic,
                        "partition": tp.partition,
                        "offset": record.offset,
                        "error": str(error),
                    },
                )
                metrics.KAFKA_MESSAGES_REJECTED.labels(self.runner.name, tp.topic).inc()
                continue
            if event.checkpoint <= newest:
                duplicates += 1
                continue
            newest = event.checkpoint
            events.append(event)
        if duplicates:
            metrics.EVENTS_DUPLICATE.labels(self.runner.name, self._sources[tp.topic]).inc(duplicates)
        return events

    def _check_continuity(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> None:
        expected, first = self._expected.get(tp), records[0].offset
        if expected is not None and first > expected:
            log.error(
                "records deleted before they were applied",
                extra={
                    "subscription": self.runner.name,
                    "topic": tp.topic,
                    "partition": tp.partition,
                    "first_lost_offset": expected,
                    "lost": first - expected,
                },
            )
            metrics.KAFKA_RECORDS_LOST.labels(self.runner.name, tp.topic).inc(first - expected)
        self._expected[tp] = records[-1].offset + 1

    def _rewind_reset(self, tps: Iterable[TopicPartition]) -> None:
        """Partitions whose recorded position vanished (a reset) are read from the start."""
        for tp, offset in self._stored_offsets(tps).items():
            if offset is None:
                log.info(
                    "read model reset, replaying", extra={"subscription": self.runner.name, "topic": tp.topic}
                )
                self.consumer.seek_to_beginning(tp)
                self._expected[tp] = 0
                self._applied.discard(tp)

    def _seek_to_stored(self, tps: Iterable[TopicPartition]) -> None:
        for tp, offset in self._stored_offsets(tps).items():
            self._expected[tp] = offset or 0
            if offset is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, offset)
                # Kafka may lag the database (a crash between the two commits): catch it up.
                self._to_commit[tp] = OffsetAndMetadata(offset, "", -1)
            self._unpositioned.discard(tp)

    def _stored_offsets(self, tps: Iterable[TopicPartition]) -> dict[TopicPartition, int | None]:
        tps = set(tps)
        stored = {
            source: self.runner.kafka_offsets(source) for source in {self._sources[tp.topic] for tp in tps}
        }
        return {tp: stored[self._sources[tp.topic]].get(tp.partition) for tp in tps}

    def _commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        pending, self._to_commit = {**self._to_commit, **offsets}, {}
        if not pending:
            return
        try:
            self.consumer.commit(pending)
        except KafkaError as error:  # the database holds the position; retried with the next poll
            self._to_commit = {**pending, **self._to_commit}
            log.warning(
                "offset commit failed",
                extra={"subscription": self.runner.name, "error": type(error).__name__},
            )

    def _joined(self) -> bool:
        return bool(self.consumer.assignment()) or not partition_offsets(self.consumer, self.topics.values())


class _StoredPositions(ConsumerRebalanceListener):
    """Moves newly assigned partitions to where the subscription's database says."""

    def __init__(self, transport: KafkaTransport):
        self.transport = transport

    def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        for tp in revoked:  # their next owner commits them
            self.transport._to_commit.pop(tp, None)

    def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.transport._applied.clear()
        self.transport._unpositioned = set(assigned)
        try:
            self.transport._seek_to_stored(assigned)
        except Exception as error:  # run_once seeks again before it applies anything
            log.warning("stored positions unavailable", extra={"error": type(error).__name__})
