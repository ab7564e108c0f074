"""Projection throughput: one consumer applying a source log to a real read model.

The source log is loaded first (untimed): events of two types for 500 institutions,
the shape reporting's projections see. The read model is a per-institution,
per-event-type tally written the way a production projection writes (a batch handler
with one ``executemany`` upsert per run of events), and, for comparison, a per-event
handler. The timed part is the embedded transport catching up from zero: reading the
log, deduplicating, applying and recording the position, batch by batch. The replay
figure rebuilds the read model from a larger log on SQLite (the issue's 1,000,000).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, delete, text

from bench.databases import fresh_database
from bench.figures import Figure
from bench.workload import TYPES, load, registry
from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events import RecordedEvent
from waymark_shared.events.envelope import qualified_type
from waymark_shared.eventstore import EventStore
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import Subscription

TARGETS = {"sqlite": 20_000, "postgres": 10_000}
REPLAY_SECONDS = 60

read_model = MetaData()
tally = Table(
    "tally",
    read_model,
    Column("institution_id", String(36), primary_key=True),
    Column("event_type", String(200), primary_key=True),
    Column("events", Integer, nullable=False),
    Column("last_event_id", String(36), nullable=False),
)
UPSERT = text(
    "INSERT INTO tally (institution_id, event_type, events, last_event_id) VALUES (:i, :t, :n, :e) "
    "ON CONFLICT (institution_id, event_type) DO UPDATE "
    "SET events = tally.events + excluded.events, last_event_id = excluded.last_event_id"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("projection")
    group.add_argument("--projection-events", type=int, help="events projected (default 100000, quick 10000)")
    group.add_argument(
        "--replay-events", type=int, help="events replayed on SQLite (default 1000000, quick 20000)"
    )


def run(args: argparse.Namespace) -> list[Figure]:
    size = args.projection_events or (10_000 if args.quick else 100_000)
    figures = []
    for backend in args.backends:
        rates = [_projection_rate(backend, size, batched=True) for _ in range(args.repeat)]
        figures.append(_throughput_figure(backend, "batch upsert handler", statistics.median(rates), size))
        per_event = _projection_rate(backend, max(size // 5, 1000), batched=False)
        figures.append(
            Figure(
                "projection",
                backend,
                "per-event handler",
                per_event,
                "events/s",
                note="for comparison; no target",
            )
        )
    if "sqlite" in args.backends:
        figures.append(_replay_figure(args.replay_events or (20_000 if args.quick else 1_000_000)))
    return figures


def _throughput_figure(backend: str, subject: str, rate: float, size: int) -> Figure:
    target = TARGETS[backend]
    return Figure(
        "projection",
        backend,
        subject,
        rate,
        "events/s",
        note=f"{size:,} events, one consumer",
        ratio=rate / target,
        baseline=f"{target:,}/s",
        target=1.0,
    )


def _replay_figure(size: int) -> Figure:
    seconds = size / _projection_rate("sqlite", size, batched=True)
    return Figure(
        "replay",
        "sqlite",
        f"{size:,} events from zero",
        seconds,
        "s",
        note=f"40M extrapolated: {seconds * 40_000_000 / size / 60:,.1f} min",
        ratio=REPLAY_SECONDS / seconds,
        baseline=f"{REPLAY_SECONDS} s",
        target=1.0,
    )


def _projection_rate(backend: str, size: int, *, batched: bool) -> float:
    with fresh_database("sqlite") as source_db, fresh_database(backend) as consumer_db:
        source = EventStore(make_engine(source_db.url), registry("source"))
        upgrade(source.engine, None)
        load(source, size)
        consumer = make_engine(consumer_db.url)
        upgrade(consumer, None)
        read_model.create_all(consumer)
        runner = SubscriptionRunner(_subscription(batched), consumer)
        transport = EmbeddedTransport(runner, {"source": source}, batch_size=1000)
        started = time.perf_counter()
        applied = transport.run_until_caught_up()
        elapsed = time.perf_counter() - started
        assert applied == size, (applied, size)
        source.engine.dispose()
        consumer.dispose()
        return size / elapsed


def _subscription(batched: bool) -> Subscription:
    types = [qualified_type("source", name) for name in TYPES]
    reset = lambda conn: conn.execute(delete(tally))  # noqa: E731
    if batched:
        return Subscription("bench", batch_handlers=dict.fromkeys(types, _apply_run), reset=reset)
    return Subscription("bench", handlers=dict.fromkeys(types, _apply_one), reset=reset)


def _apply_run(events: Sequence[RecordedEvent], conn: Connection) -> None:
    counts = Counter((event.subject, event.type) for event in events)
    last = {(event.subject, event.type): event.id for event in events}
    rows = [{"i": i, "t": t, "n": n, "e": last[i, t]} for (i, t), n in counts.items()]
    conn.execute(UPSERT, rows)


def _apply_one(event: RecordedEvent, conn: Connection) -> None:
    conn.execute(UPSERT, {"i": event.subject, "t": event.type, "n": 1, "e": event.id})
