"""Append-to-visible latency: how long after an append returns its event shows in a
read model of another service, through the embedded transport and through Kafka.

A producing service's SQLite store takes one event per commit at a steady rate (100/s
by default) from an appender thread, which notes ``time.monotonic()`` as each append
returns. A consuming service's SQLite database holds a read model with one row per
event id, written by a subscription (one ``executemany`` per run of events, as
production projections do). An observer thread reads that table every 2 ms on an
autocommit connection and notes when each id first shows. Latency is the difference.

* **embedded**: ``EmbeddedTransport.run(stop)`` on a thread, with its default poll
  interval, reading the producer's store.
* **kafka**: ``Relay.run(stop)`` on a thread publishing the store to a topic of six
  partitions, and ``KafkaTransport.run(stop)`` on another, a consumer group of its
  own; clients from ``make_producer`` and ``make_consumer`` with ``Settings.from_env``
  pointed at the cluster. A warm-up event must show before the clock starts, so the
  group is joined and assigned.

Every client runs with production settings, with two exceptions, both named in the
``detail`` column: ``--latency-relay-idle`` sets the relay's ``idle_s`` (to try a
change of its default), and on librdkafka's mock the consumer's ``fetch_max_wait_ms``
is 20 ms, because the mock, unlike a broker, holds an empty fetch for the whole wait
even when records arrive (see ``_consumer_options``; ``--latency-fetch-wait-ms 500``
measures the mock as it is). For Kafka the time is also cut into stages on the same
clock: until the relay hands the event to its producer (the relay's idle wait), until
the broker acknowledges it (linger and the produce round trip), until the
subscription's handler sees it (the consumer's fetch and poll), and until the observer
sees the committed row. ``--latency-events`` are spread over ``--repeat`` runs, each
with fresh databases, topic and group; the percentiles are of all of them together.
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaProducer
from marshmallow import Schema, fields
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, delete, insert
from sqlalchemy.engine import make_url

from bench.databases import fresh_database
from bench.figures import Figure
from waymark_shared.config import Settings
from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events import EventRegistry, NewEvent, RecordedEvent
from waymark_shared.events.envelope import qualified_type
from waymark_shared.eventstore import EventStore
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.kafka_clients import make_consumer, make_producer
from waymark_shared.messaging.kafka_transport import KafkaTransport
from waymark_shared.messaging.relay import Relay
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import Subscription
from waymark_shared.testing.kafka import KafkaCluster, kafka_cluster

TARGET_MS = 250.0
SOURCE = "latencysource"
EVENT = "Noted"
PARTITIONS = 6
INSTITUTIONS = 50
OBSERVE_EVERY_S = 0.002
WARM_UP_S = 30.0  # for the warm-up event to show (group join included)
SETTLE_S = 10.0  # after the last append, for the rest to show
MOCK_FETCH_WAIT_MS = 20  # see _consumer_options

read_model = MetaData()
visible = Table(
    "visible_events",
    read_model,
    Column("seq", Integer, primary_key=True),  # rowid: the observer reads past the last it saw
    Column("event_id", String(36), nullable=False, unique=True),
)


class Noted(Schema):
    n = fields.Integer(required=True)


def registry() -> EventRegistry:
    events = EventRegistry(SOURCE)
    events.register(EVENT, 1, Noted)
    return events


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("latency")
    group.add_argument("--latency-events", type=int, help="events timed per run (default 1000, quick 200)")
    group.add_argument("--latency-rate", type=float, default=100.0, help="appends per second (default 100)")
    group.add_argument(
        "--latency-relay-idle",
        type=float,
        help="Relay idle_s for the Kafka run (default: the relay's own, 0.2 s)",
    )
    group.add_argument(
        "--latency-fetch-wait-ms",
        type=int,
        help=f"consumer fetch_max_wait_ms (default: kafka-python's 500; {MOCK_FETCH_WAIT_MS} on the mock)",
    )


def run(args: argparse.Namespace) -> list[Figure]:
    if "sqlite" not in args.backends:
        return []  # both services' databases are SQLite files here
    size = args.latency_events or (200 if args.quick else 1_000)
    rate = args.latency_rate
    # The events are spread over the runs; percentiles are of all of them together.
    sizes = [size // args.repeat + (i < size % args.repeat) for i in range(args.repeat)]
    relay_options = {} if args.latency_relay_idle is None else {"idle_s": args.latency_relay_idle}
    figures = _figures("embedded", [_embedded_run(n, rate) for n in sizes], rate)
    with kafka_cluster() as cluster:
        consumer_options = _consumer_options(cluster, args.latency_fetch_wait_ms)
        runs = [_kafka_run(cluster, n, rate, relay_options, consumer_options) for n in sizes]
        kind = cluster.kind
    detail = kind + "".join(f", {k}={v}" for k, v in {**relay_options, **consumer_options}.items())
    return figures + _figures("kafka", runs, rate, detail)


def _consumer_options(cluster: KafkaCluster, fetch_wait_ms: int | None) -> dict[str, Any]:
    """Production's consumer settings, but for the mock's way with a waiting fetch.

    A broker answers a fetch as soon as ``fetch_min_bytes`` (1) have arrived, so
    kafka-python's ``fetch_max_wait_ms`` (500) only bounds an idle wait. librdkafka's
    mock holds every empty fetch the whole time, even when records arrive meanwhile
    (``rd_kafka_mock_handle_Fetch``: "we should cut the wait short ... but that is too
    much of a hassle"), which would add up to 500 ms to every event here. On the mock
    the consumer waits at most ``MOCK_FETCH_WAIT_MS`` instead, unless told otherwise.
    """
    if fetch_wait_ms is None and cluster.kind == "librdkafka-mock":
        fetch_wait_ms = MOCK_FETCH_WAIT_MS
    return {} if fetch_wait_ms is None else {"fetch_max_wait_ms": fetch_wait_ms}


# -- one run ---------------------------------------------------------------------------


@dataclass
class Timeline:
    """When each event id reached each stage, on the ``time.monotonic()`` clock."""

    appended: dict[str, float] = field(default_factory=dict)
    sent: dict[str, float] = field(default_factory=dict)
    acked: dict[str, float] = field(default_factory=dict)
    handled: dict[str, float] = field(default_factory=dict)
    visible: dict[str, float] = field(default_factory=dict)

    def latencies_ms(self, start: str = "appended", end: str = "visible") -> list[float]:
        first, last = getattr(self, start), getattr(self, end)
        return sorted((last[i] - first[i]) * 1000 for i in self.appended if i in first and i in last)


def _embedded_run(size: int, rate: float) -> Timeline:
    with fresh_database("sqlite") as source_db, fresh_database("sqlite") as consumer_db, ExitStack() as stack:
        source, consumer = _engines(stack, source_db.url, consumer_db.url)
        store = EventStore(source, registry())
        timeline = Timeline()
        runner = SubscriptionRunner(_subscription(timeline), consumer)
        transport = EmbeddedTransport(runner, {SOURCE: store})
        return _timed(store, consumer_db.url, timeline, [transport.run], size, rate)


def _kafka_run(
    cluster: KafkaCluster,
    size: int,
    rate: float,
    relay_options: dict[str, Any],
    consumer_options: dict[str, Any],
) -> Timeline:
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    with fresh_database("sqlite") as source_db, fresh_database("sqlite") as consumer_db, ExitStack() as stack:
        source, consumer = _engines(stack, source_db.url, consumer_db.url)
        env = {**cluster.env(), "WAYMARK_TOPIC_PREFIX": prefix}
        producing = Settings.from_env(SOURCE, {**env, "DATABASE_URL": source_db.url})
        consuming = Settings.from_env("latencyview", {**env, "DATABASE_URL": consumer_db.url})
        cluster.create_topic(producing.topic, PARTITIONS)
        store = EventStore(source, registry())
        timeline = Timeline()
        factory = lambda: _TracedProducer(make_producer(producing), timeline)  # noqa: E731
        relay = Relay(store, source, factory, producing.topic, **relay_options)  # type: ignore[arg-type]
        runner = SubscriptionRunner(_subscription(timeline), consumer)
        group = f"waymark.{runner.name}.{prefix}"
        transport = KafkaTransport(
            runner, lambda: make_consumer(consuming, group, **consumer_options), {SOURCE: producing.topic}
        )
        return _timed(store, consumer_db.url, timeline, [relay.run, transport.run], size, rate)


def _engines(stack: ExitStack, source_url: str, consumer_url: str) -> tuple[Any, Any]:
    source, consumer = make_engine(source_url), make_engine(consumer_url)
    stack.callback(source.dispose)
    stack.callback(consumer.dispose)
    upgrade(source, None)
    upgrade(consumer, None)
    read_model.create_all(consumer)
    return source, consumer


def _timed(
    store: EventStore,
    consumer_url: str,
    timeline: Timeline,
    loops: Sequence[Callable[[threading.Event], None]],
    size: int,
    rate: float,
) -> Timeline:
    """Runs ``loops`` (the transport's threads) and an observer; warms up with one
    event, then appends ``size`` at ``rate`` and waits for them to show."""
    stop = threading.Event()
    errors: list[BaseException] = []
    threads = [_thread(loop, stop, errors) for loop in loops]
    threads.append(_thread(functools.partial(_observe, consumer_url, timeline), stop, errors))
    for thread in threads:
        thread.start()
    try:
        warm_up = _append(store, 0, timeline)
        _wait_for(lambda: warm_up in timeline.visible, WARM_UP_S, errors, "the warm-up event")
        timeline.appended.pop(warm_up)
        started = time.monotonic()
        for n in range(1, size + 1):
            delay = started + (n - 1) / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            _append(store, n, timeline)
        _wait_for(
            lambda: timeline.appended.keys() <= timeline.visible.keys(), SETTLE_S, errors, "every event"
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
    alive = [t.name for t in threads if t.is_alive()]
    if errors or alive:
        raise RuntimeError(f"latency run failed: errors {errors!r}, threads still running {alive}")
    return timeline


def _append(store: EventStore, n: int, timeline: Timeline) -> str:
    subject = f"institution-{n % INSTITUTIONS}"
    event = store.append(f"noted-{n}", 0, [NewEvent(EVENT, subject, {"n": n})])[0]
    timeline.appended[event.id] = time.monotonic()
    return event.id


def _wait_for(done: Callable[[], bool], timeout_s: float, errors: list[BaseException], what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if errors:
            raise RuntimeError(f"a benchmark thread failed: {errors[0]!r}") from errors[0]
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not show within {timeout_s} s")
        time.sleep(0.01)


def _thread(
    loop: Callable[[threading.Event], None], stop: threading.Event, errors: list[BaseException]
) -> threading.Thread:
    def target() -> None:
        try:
            loop(stop)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    name = getattr(loop, "__qualname__", None) or getattr(getattr(loop, "func", None), "__name__", "loop")
    return threading.Thread(target=target, name=f"bench-{name}", daemon=True)


def _observe(consumer_url: str, timeline: Timeline, stop: threading.Event) -> None:
    """Notes when each event id first shows in the read model, reading on autocommit."""
    path = make_url(consumer_url).database
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        last = 0
        while not stop.is_set():
            rows = conn.execute("SELECT seq, event_id FROM visible_events WHERE seq > ?", (last,)).fetchall()
            now = time.monotonic()
            for seq, event_id in rows:
                timeline.visible.setdefault(event_id, now)
                last = max(last, seq)
            stop.wait(OBSERVE_EVERY_S)
    finally:
        conn.close()


def _subscription(timeline: Timeline) -> Subscription:
    def apply_run(events: Sequence[RecordedEvent], conn: Connection) -> None:
        now = time.monotonic()
        for event in events:
            timeline.handled.setdefault(event.id, now)
        conn.execute(insert(visible).prefix_with("OR IGNORE"), [{"event_id": e.id} for e in events])

    return Subscription(
        "latency",
        batch_handlers={qualified_type(SOURCE, EVENT): apply_run},
        reset=lambda conn: conn.execute(delete(visible)),
    )


class _TracedProducer:
    """The relay's producer, noting when each event is handed over and acknowledged."""

    def __init__(self, producer: KafkaProducer, timeline: Timeline):
        self._producer = producer
        self._timeline = timeline

    def __getattr__(self, name: str) -> Any:
        return getattr(self._producer, name)

    def send(self, topic: str, *, headers: list[tuple[str, bytes]], **kwargs: Any) -> Any:
        event_id = dict(headers)["ce_id"].decode()
        self._timeline.sent.setdefault(event_id, time.monotonic())
        future = self._producer.send(topic, headers=headers, **kwargs)
        future.add_callback(lambda _metadata: self._timeline.acked.setdefault(event_id, time.monotonic()))
        return future


# -- figures ---------------------------------------------------------------------------

STAGES = (
    ("appended", "sent", "append -> relay send", "the relay's idle wait and read"),
    ("sent", "acked", "relay send -> broker ack", "linger and the produce round trip"),
    ("acked", "handled", "broker ack -> handler", "the consumer's fetch and poll"),
    ("handled", "visible", "handler -> visible", "the commit, and the observer's 2 ms"),
)


def _percentile(values: Sequence[float], q: float) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 10) - 1]


def _figures(transport: str, runs: list[Timeline], rate: float, detail: str = "") -> list[Figure]:
    for timeline in runs:
        missing = timeline.appended.keys() - timeline.visible.keys()
        assert not missing, f"{transport}: {len(missing)} events never showed"
    latencies = [ms for timeline in runs for ms in timeline.latencies_ms()]
    p = {q: _percentile(latencies, q) for q in (50, 95, 99)}
    runs_text = f" in {len(runs)} runs" if len(runs) > 1 else ""
    note = f"{len(latencies):,} events{runs_text} at {rate:g}/s" + (f", {detail}" if detail else "")
    figures = [
        Figure("latency", transport, "append -> visible p50", p[50], "ms", note=note),
        Figure("latency", transport, "append -> visible p95", p[95], "ms", note=note),
        Figure(
            "latency",
            transport,
            "append -> visible p99",
            p[99],
            "ms",
            note=f"ratio is {TARGET_MS:g} ms / p99",
            ratio=TARGET_MS / p[99],
            baseline=f"{TARGET_MS:g} ms",
            target=1.0,
        ),
    ]
    if transport == "kafka":
        for start, end, subject, what in STAGES:
            stage = [ms for timeline in runs for ms in timeline.latencies_ms(start, end)]
            figures.append(
                Figure(
                    "latency",
                    transport,
                    f"  {subject} p99",
                    _percentile(stage, 99),
                    "ms",
                    note=f"p50 {_percentile(stage, 50):.1f} ms: {what}",
                )
            )
    return figures
