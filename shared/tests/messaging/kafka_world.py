"""What the relay and Kafka transport tests share: two producing services, a consuming
subscription and helpers to drive them against a real broker.

Producing services and the consuming subscription each have their own SQLite file;
the subscription's read model records every effect, so an event applied twice shows.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
from waymark_shared.messaging.kafka_clients import make_consumer, make_producer
from waymark_shared.messaging.kafka_transport import KafkaTransport
from waymark_shared.messaging.relay import Relay
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import Subscription
from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: F401 (fixtures)
from waymark_shared.testing.kafka import KafkaCluster, kafka  # noqa: F401 (fixture)

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


WORKER_MODULE = __file__  # the file WORKER loads relay_worker from
WORKER = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('kafka_test_worker', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "sys.modules[spec.name] = module\n"
    "spec.loader.exec_module(module)\n"
    "module.relay_worker(sys.argv[2])\n"
)


# -- the relay -----------------------------------------------------------------------
