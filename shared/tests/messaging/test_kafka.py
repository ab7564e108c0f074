"""The relay and the Kafka transport against a real broker (the wire protocol, not a fake).

Producing services and the consuming subscription each have their own SQLite file;
the subscription's read model records every effect, so an event applied twice shows.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from marshmallow import Schema, fields
from prometheus_client import REGISTRY
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, delete, select, text

from waymark_shared.config import Settings
from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events.envelope import NewEvent, RecordedEvent, qualified_type
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.kafka_clients import decode_event, make_consumer, make_producer
from waymark_shared.messaging.kafka_transport import KafkaTransport
from waymark_shared.messaging.relay import Relay
from waymark_shared.messaging.subscriptions import Delivery, SubscriptionRunner
from waymark_shared.service import Subscription
from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: F401 (fixtures)
from waymark_shared.testing.kafka import KafkaCluster, kafka  # noqa: F401 (fixture)

pytestmark = pytest.mark.kafka

SOURCES = ("audit", "directory")
# Short enough that an outage shows within seconds; the publish timeout stays below
# the delivery timeout so the relay, not the producer, gives up on a batch.
PRODUCER_OVERRIDES = {"request_timeout_ms": 1500, "delivery_timeout_ms": 8000, "max_block_ms": 1500}
PUBLISH_TIMEOUT_S = 2.5


class CountedV1(Schema):
    n = fields.Int(required=True)


def make_registry(service: str) -> EventRegistry:
    registry = EventRegistry(service)
    registry.register("Counted", 1, CountedV1)
    return registry


read_model = MetaData()
effects = Table(
    "effects",
    read_model,
    Column("event_id", String(36), nullable=False),  # deliberately not unique: repeats must show
    Column("source", String(50), nullable=False),
    Column("institution", String(50), nullable=False),
    Column("n", Integer, nullable=False),
)
tallies = Table(
    "tallies",
    read_model,
    Column("institution", String(50), primary_key=True),
    Column("source", String(50), primary_key=True),
    Column("events", Integer, nullable=False),
    Column("total", Integer, nullable=False),
)


ADD_EFFECT = text("INSERT INTO effects VALUES (:event_id, :source, :institution, :n)")
ADD_TO_TALLY = text(
    "INSERT INTO tallies VALUES (:institution, :source, 1, :n) ON CONFLICT (institution, source)"
    " DO UPDATE SET events = events + 1, total = total + excluded.total"
)


def make_subscription(name: str, poison: set[str] | None = None) -> Subscription:
    poison = set() if poison is None else poison

    def count(event: RecordedEvent, conn: Connection) -> None:
        if event.id in poison:
            raise ValueError("this event is poison")
        values = {
            "event_id": event.id,
            "source": event.source_service,
            "institution": event.subject,
            "n": event.data["n"],
        }
        conn.execute(ADD_EFFECT, values)
        conn.execute(ADD_TO_TALLY, values)

    def reset(conn: Connection) -> None:
        conn.execute(delete(effects))
        conn.execute(delete(tallies))

    handlers = {qualified_type(source, "Counted"): count for source in SOURCES}
    return Subscription(name, handlers, reset)


@dataclass
class Producing:
    """One producing service: its settings, database and event store."""

    settings: Settings
    engine: Engine
    store: EventStore

    def producer(self) -> KafkaProducer:
        return make_producer(self.settings, **PRODUCER_OVERRIDES)

    def relay(self, factory: Callable[[], KafkaProducer] | None = None, **options: object) -> Relay:
        factory = factory or self.producer
        options.setdefault("publish_timeout_s", PUBLISH_TIMEOUT_S)
        return Relay(self.store, self.engine, factory, self.settings.topic, **options)  # type: ignore[arg-type]


@dataclass
class World:
    """The cluster, a topic prefix of this test's own, and the databases in play."""

    cluster: KafkaCluster
    prefix: str
    tmp_path: Path
    engines: list[Engine] = field(default_factory=list)

    def engine(self, url: str) -> Engine:
        self.engines.append(make_engine(url))
        upgrade(self.engines[-1], None)
        return self.engines[-1]

    def env(self, database_url: str) -> dict[str, str]:
        return {**self.cluster.env(), "WAYMARK_TOPIC_PREFIX": self.prefix, "DATABASE_URL": database_url}

    def producing(self, service: str, database_url: str | None = None) -> Producing:
        url = database_url or f"sqlite:///{self.tmp_path / service}.sqlite3"
        settings = Settings.from_env(service, self.env(url))
        self.cluster.create_topic(settings.topic)
        engine = self.engine(url)
        return Producing(settings, engine, EventStore(engine, make_registry(service)))

    def consuming(self, name: str = "tally") -> Engine:
        engine = self.engine(f"sqlite:///{self.tmp_path / name}.sqlite3")
        read_model.create_all(engine)
        return engine

    def transport(self, runner: SubscriptionRunner, **options: object) -> KafkaTransport:
        settings = Settings.from_env("tally", self.env("sqlite://"))
        # The mock cluster waits for session timeout - 1 s before regrouping after a member leaves.
        session_ms = 3000 if self.cluster.kind == "librdkafka-mock" else 6000
        group = f"waymark.{runner.name}"
        factory = functools.partial(
            make_consumer, settings, group, session_timeout_ms=session_ms, heartbeat_interval_ms=500
        )
        topics = {source: f"{self.prefix}.{source}.events" for source in SOURCES}
        for topic in topics.values():
            self.cluster.create_topic(topic)
        return KafkaTransport(runner, factory, topics, **options)  # type: ignore[arg-type]


@pytest.fixture
def world(kafka: KafkaCluster, tmp_path: Path) -> Iterator[World]:  # noqa: F811
    world = World(kafka, f"t{uuid.uuid4().hex[:10]}", tmp_path)
    yield world
    for engine in world.engines:
        engine.dispose()


# -- helpers -------------------------------------------------------------------------


def append(
    store: EventStore, institutions: int, per_institution: int, *, chunk: int = 100, first: int = 0
) -> RecordedEvent:
    """Events for several institutions, interleaved in the log as real traffic would be;
    returns the last one appended (the last in the log)."""
    subjects = [f"inst-{i:03d}" for i in range(first, first + institutions)]
    for version in range(0, per_institution, chunk):
        count = min(chunk, per_institution - version)
        for subject in subjects:
            batch = [NewEvent("Counted", subject, {"n": version + k + 1}) for k in range(count)]
            last = store.append(subject, version, batch)[-1]
    return last


def read_topic(
    cluster: KafkaCluster, topic: str, at_least: int, timeout_s: float = 30.0
) -> list[ConsumerRecord]:
    """Every message on the topic, once it holds at least ``at_least``."""
    consumer = KafkaConsumer(**cluster.client_config(), enable_auto_commit=False)
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        wait_until(
            lambda: sum(consumer.end_offsets(tps).values()) >= at_least, timeout_s, f"{at_least} on {topic}"
        )
        end = consumer.end_offsets(tps)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < end[tp] for tp in tps) and time.monotonic() < deadline:
            records.extend(r for batch in consumer.poll(200).values() for r in batch)
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        consumer.close()


def published_through(relay: Relay, last: RecordedEvent, timeout_s: float = 15.0) -> None:
    """Wait until the relay has recorded ``last`` as published. (On PostgreSQL an event
    stays out of the relay's sight while any older transaction on the server runs, so
    an empty backlog alone does not say it was published.)"""
    wait_until(lambda: relay.checkpoint() == last.checkpoint, timeout_s, "the relay to publish")


def wait_until(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Background:
    thread: threading.Thread
    stopping: threading.Event

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(15)
        assert not self.thread.is_alive()


@contextmanager
def running(target: Callable[[threading.Event], None]) -> Iterator[Background]:
    """``target(stop)`` on a thread of its own until the block ends (or ``stop()``)."""
    stopping = threading.Event()
    background = Background(threading.Thread(target=target, args=(stopping,), daemon=True), stopping)
    background.thread.start()
    try:
        yield background
    finally:
        background.stop()


def snapshot(engine: Engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as conn:
        rows = sorted(tuple(r) for r in conn.execute(select(effects)))
        totals = sorted(tuple(r) for r in conn.execute(select(tallies)))
    return rows, totals


def effect_ids(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row.event_id for row in conn.execute(select(effects.c.event_id))]


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def all_events(*stores: EventStore) -> list[RecordedEvent]:
    return [event for store in stores for event in store.iter_all()]


def relay_worker(database_url: str) -> None:
    """The relay of another process (see the kill test): publishes until it is killed."""
    settings = Settings.from_env("audit")
    engine = make_engine(database_url)
    Producing(settings, engine, EventStore(engine, make_registry("audit"))).relay().run(threading.Event())


WORKER = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('kafka_test_worker', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "sys.modules[spec.name] = module\n"
    "spec.loader.exec_module(module)\n"
    "module.relay_worker(sys.argv[2])\n"
)


# -- the relay -----------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_relay_publishes_every_event_keyed_by_institution_as_cloudevents(
    world: World, backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    audit = world.producing("audit", url)
    last = append(audit.store, institutions=6, per_institution=10, chunk=4)
    topic = audit.settings.topic
    published_before = metric("waymark_events_published_total", service="audit", topic=topic)
    relay = audit.relay(batch_size=16)

    wait_until(lambda: relay.run_until_drained() >= 0 and relay.checkpoint() == last.checkpoint, 15, "all")

    stored = audit.store.read_all()
    records = read_topic(world.cluster, topic, 60)
    assert topic == f"{world.prefix}.audit.events" and len(records) == 60
    decoded = [decode_event(record) for record in records]
    assert sorted(decoded, key=lambda e: e.checkpoint) == stored
    pairs = list(zip(records, decoded, strict=True))
    for record, event in pairs:
        assert record.key == event.subject.encode()
        headers = dict(record.headers)
        assert headers["content-type"] == b"application/cloudevents+json"
        assert (headers["ce_id"], headers["ce_type"]) == (event.id.encode(), event.type.encode())
        assert json.loads(record.value)["specversion"] == "1.0"
    partitions_of = {e.subject: {r.partition for r, x in pairs if x.subject == e.subject} for e in decoded}
    assert all(len(found) == 1 for found in partitions_of.values())
    assert len({r.partition for r in records}) > 1
    for partition in {r.partition for r in records}:
        in_partition = [e.checkpoint for r, e in pairs if r.partition == partition]
        assert in_partition == sorted(in_partition)
    assert relay.checkpoint() == stored[-1].checkpoint and relay.backlog() == 0
    assert metric("waymark_events_published_total", service="audit", topic=topic) - published_before == 60
    assert metric("waymark_relay_backlog_events", service="audit", topic=topic) == 0


def test_relay_killed_mid_batch_resends_it_and_a_standby_takes_over(world: World) -> None:
    audit = world.producing("audit")
    append(audit.store, institutions=20, per_institution=1000)
    topic, total = audit.settings.topic, 20 * 1000
    env = {**os.environ, **world.env(audit.settings.database_url)}
    leader = subprocess.Popen([sys.executable, "-c", WORKER, __file__, audit.settings.database_url], env=env)
    made: list[float] = []

    def counted_producer() -> KafkaProducer:
        made.append(time.monotonic())
        return audit.producer()

    standby = audit.relay(counted_producer)
    probe = KafkaConsumer(**world.cluster.client_config())
    tps = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
    try:
        wait_until(lambda: standby.checkpoint().position > 0, 30, "the leader to publish")
        with running(standby.run):
            # Kill it while the broker holds part of a batch whose checkpoint is unwritten,
            # looking while it is frozen so that what we see is what it dies with.
            def frozen_mid_batch() -> bool:
                leader.send_signal(signal.SIGSTOP)
                recorded = standby.checkpoint().position
                if recorded >= 2000 and sum(probe.end_offsets(tps).values()) > recorded:
                    return True
                leader.send_signal(signal.SIGCONT)
                return False

            wait_until(frozen_mid_batch, 30, "the leader to be mid-batch")
            leader.send_signal(signal.SIGKILL)
            assert leader.wait(10) == -signal.SIGKILL
            killed_at = standby.checkpoint().position
            assert made == [] and 0 < killed_at < total
            wait_until(lambda: standby.backlog() == 0, 40, "the standby to drain the backlog")
    finally:
        leader.kill()
        probe.close()
    assert made, "the standby never published"

    records = read_topic(world.cluster, topic, total)
    ids = [decode_event(r).id for r in records]
    assert set(ids) == {e.id for e in audit.store.iter_all()}
    assert len(ids) > total, "nothing was sent twice: the leader was not killed mid-batch"

    engine = world.consuming()
    transport = world.transport(SubscriptionRunner(make_subscription("tally"), engine))
    try:
        transport.run_until_caught_up(40)
    finally:
        transport.close()
    applied = effect_ids(engine)
    assert len(applied) == len(set(applied)) == total


def test_relay_holds_the_backlog_through_a_broker_outage_and_drains_it_after(world: World) -> None:
    if not world.cluster.supports_outage:
        pytest.skip(f"cannot take the {world.cluster.kind} Kafka down")
    audit = world.producing("audit")
    relay = audit.relay(max_backoff_s=1.0)
    labels = {"service": "audit", "topic": audit.settings.topic}
    append(audit.store, institutions=2, per_institution=10)

    with running(relay.run) as background:
        wait_until(lambda: relay.backlog() == 0, 15, "the first events to be published")
        failures = metric("waymark_relay_publish_failures_total", **labels)
        checkpoint = relay.checkpoint()
        with world.cluster.outage():
            append(audit.store, institutions=3, per_institution=50, first=10)
            wait_until(
                lambda: metric("waymark_relay_publish_failures_total", **labels) >= failures + 2,
                30,
                "the relay to fail and retry",
            )
            assert background.thread.is_alive()
            assert relay.checkpoint() == checkpoint
            assert relay.backlog() == 150
            assert metric("waymark_relay_backlog_events", **labels) == 150
        wait_until(lambda: relay.backlog() == 0, 30, "the backlog to drain")
        wait_until(lambda: metric("waymark_relay_backlog_events", **labels) == 0, 5, "the gauge to follow")

    records = read_topic(world.cluster, audit.settings.topic, 170)
    assert {decode_event(r).id for r in records} == {e.id for e in audit.store.iter_all()}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_only_one_relay_publishes_and_a_standby_takes_over(
    world: World, backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    first = world.producing("audit", url)
    second = world.producing("audit", first.settings.database_url)  # another instance, same database
    made: dict[str, int] = {"first": 0, "second": 0}

    def producer(name: str, service: Producing) -> Callable[[], KafkaProducer]:
        def make() -> KafkaProducer:
            made[name] += 1
            return service.producer()

        return make

    probe = first.relay()
    last = append(first.store, institutions=3, per_institution=20)
    with running(first.relay(producer("first", first)).run) as leader:
        published_through(probe, last)
        with running(second.relay(producer("second", second)).run):
            published_through(probe, append(first.store, institutions=3, per_institution=20, first=3))
            assert made == {"first": 1, "second": 0}
            leader.stop()
            published_through(probe, append(first.store, institutions=3, per_institution=20, first=6))
            assert made == {"first": 1, "second": 1}

    records = read_topic(world.cluster, first.settings.topic, 180)
    assert {decode_event(r).id for r in records} == {e.id for e in first.store.iter_all()}


# -- the Kafka transport -------------------------------------------------------------


class Crash(Exception):
    """The consumer process dies here."""


def published(world: World, *plan: tuple[str, int, int]) -> list[Producing]:
    """Producing services with (service, institutions, events each) appended and relayed."""
    services = []
    for service, institutions, each in plan:
        producing = world.producing(service)
        append(producing.store, institutions, each, chunk=7)
        producing.relay().run_until_drained()
        services.append(producing)
    return services


def test_a_consumer_killed_between_its_commit_and_the_offset_commit_applies_nothing_twice(
    world: World,
) -> None:
    services = published(world, ("audit", 6, 40), ("directory", 4, 30))
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally"), engine)
    deliveries: list[Delivery] = []

    def crash_on_the_third(delivery: Delivery) -> None:
        deliveries.append(delivery)
        if len(deliveries) == 3:
            raise Crash

    crashing = world.transport(runner, after_apply=crash_on_the_third)
    with pytest.raises(Crash):
        crashing.run_until_caught_up(20)
    crashing.close()
    last = deliveries[-1]
    tp = TopicPartition(f"{world.prefix}.{last.source}.events", last.partition)
    onlooker = KafkaConsumer(**world.cluster.client_config(), group_id="waymark.tally")
    assert (onlooker.committed(tp) or 0) <= last.kafka_offset, "Kafka already had the crashed batch"
    onlooker.close()
    assert {e.id for e in last.events} <= set(effect_ids(engine)), "the database commit was lost"

    restarted = world.transport(runner)
    try:
        restarted.run_until_caught_up(30)
        applied = effect_ids(engine)
        assert len(applied) == len(set(applied)) == 6 * 40 + 4 * 30
        assert set(applied) == {e.id for e in all_events(*(s.store for s in services))}
        consumer = restarted.consumer
        tps = sorted(consumer.assignment())
        end = consumer.end_offsets(tps)
        assert len(tps) == 12 and sum(end.values()) == 6 * 40 + 4 * 30
        wait_until(
            lambda: restarted.run_once(100) == 0 and {tp: consumer.committed(tp) or 0 for tp in tps} == end,
            10,
            "Kafka to have every offset committed",
        )
        assert restarted.lag() == {"audit": 0, "directory": 0}
    finally:
        restarted.close()


def test_a_poison_event_is_parked_while_later_events_in_its_partition_apply(world: World) -> None:
    (audit,) = published(world, ("audit", 1, 10))  # one institution: one partition, in order
    events = audit.store.read_all()
    poison = {events[4].id}
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally", poison), engine)
    transport = world.transport(runner)
    try:
        transport.run_until_caught_up(20)
    finally:
        transport.close()

    assert sorted(effect_ids(engine)) == sorted(e.id for e in events if e.id not in poison)
    (parked,) = runner.parked.list()
    assert parked.event == events[4]
    assert parked.attempts == 1 and "this event is poison" in parked.error

    poison.clear()
    assert [outcome.succeeded for outcome in runner.parked.retry()] == [True]
    assert sorted(effect_ids(engine)) == sorted(e.id for e in events)
    assert runner.parked.count() == 0


def test_a_message_that_is_no_cloudevent_is_skipped_without_stalling_its_partition(world: World) -> None:
    (audit,) = published(world, ("audit", 1, 5))
    producer = audit.producer()
    for value in (b"not json", b'{"specversion": "1.0"}', b"[1, 2]"):
        producer.send(audit.settings.topic, value=value, key=b"inst-000")  # the institution's partition
    producer.flush()
    producer.close()
    audit.store.append("inst-000", 5, [NewEvent("Counted", "inst-000", {"n": n}) for n in range(6, 11)])
    audit.relay().run_until_drained()
    labels = {"subscription": "tally", "topic": audit.settings.topic}
    rejected = metric("waymark_kafka_messages_rejected_total", **labels)
    engine = world.consuming()
    transport = world.transport(SubscriptionRunner(make_subscription("tally"), engine))
    try:
        assert transport.run_until_caught_up(20) == 10
    finally:
        transport.close()
    assert sorted(effect_ids(engine)) == sorted(e.id for e in audit.store.iter_all())
    assert metric("waymark_kafka_messages_rejected_total", **labels) - rejected == 3


def test_embedded_and_kafka_transports_build_identical_read_models(world: World) -> None:
    audit, directory = published(world, ("audit", 7, 30), ("directory", 5, 25))
    embedded_db, kafka_db = world.consuming("embedded"), world.consuming("kafka")
    feeds = {"audit": audit.store, "directory": directory.store}
    EmbeddedTransport(
        SubscriptionRunner(make_subscription("tally"), embedded_db), feeds
    ).run_until_caught_up()

    transport = world.transport(SubscriptionRunner(make_subscription("tally"), kafka_db))
    try:
        assert transport.run_until_caught_up(20) == 7 * 30 + 5 * 25
    finally:
        transport.close()

    assert snapshot(kafka_db) == snapshot(embedded_db)
    assert len(snapshot(kafka_db)[0]) == 7 * 30 + 5 * 25


def test_replay_over_kafka_after_a_reset_rebuilds_the_same_read_model(world: World) -> None:
    published(world, ("audit", 5, 20), ("directory", 3, 20))
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally"), engine)
    transport = world.transport(runner)
    try:
        transport.run_until_caught_up(20)
        built = snapshot(engine)
        assert transport.end_offsets_total() == len(built[0]) == 160

        runner.reset()  # while the consumer holds its partitions, at their ends
        assert snapshot(engine) == ([], [])
        assert transport.run_until_caught_up(20) == 160
        assert snapshot(engine) == built
    finally:
        transport.close()

    runner.reset()  # the group's committed offsets are at the ends; the database says start
    fresh = world.transport(runner)
    try:
        assert fresh.run_until_caught_up(30) == 160
    finally:
        fresh.close()
    assert snapshot(engine) == built
