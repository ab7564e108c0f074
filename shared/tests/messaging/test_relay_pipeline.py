"""The relay's read-ahead, against a scripted producer (no broker): the next batch is
sent while the previous one awaits its acknowledgements, yet the checkpoint never
passes a record the broker has not acknowledged, and a failure anywhere re-sends from
the last recorded checkpoint, in log order, with a fresh producer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, fields
from sqlalchemy import Engine

from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events.envelope import START, Checkpoint, NewEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.kafka_clients import event_headers
from waymark_shared.messaging.relay import PublishError, Relay
from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: F401 (fixtures)

BATCH = 5


class CountedV1(Schema):
    n = fields.Int(required=True)


class Future:
    """What the relay uses of kafka-python's FutureRecordMetadata."""

    def __init__(self, error: Exception | None):
        self.is_done = True
        self.exception = error

    def failed(self) -> bool:
        return self.exception is not None

    def get(self, timeout: float | None = None) -> None:
        if self.exception is not None:
            raise self.exception


class ScriptedProducer:
    """Acknowledges every record at once, except the ``fail_at``-th it is sent.
    Records what it was sent and the relay's recorded checkpoint at each send."""

    config = {"delivery_timeout_ms": 120_000}

    def __init__(self, relay: list[Relay], fail_at: int | None = None):
        self.relay = relay
        self.fail_at = fail_at
        self.sent: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
        self.recorded_at_send: list[Checkpoint] = []
        self.closed = False

    def partitions_for(self, topic: str) -> set[int]:
        return {0}

    def send(
        self, topic: str, *, value: bytes, key: bytes, headers: list[tuple[str, bytes]], partition: int
    ) -> Future:
        assert not self.closed and partition == 0
        self.sent.append((key, value, headers))
        self.recorded_at_send.append(self.relay[0].checkpoint())
        failing = self.fail_at is not None and len(self.sent) == self.fail_at
        return Future(RuntimeError("broker said no") if failing else None)

    def flush(self, timeout: float | None = None) -> None:
        pass

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgres":
        engine = make_engine(request.getfixturevalue("postgres_url"))
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    upgrade(engine, None)
    yield engine
    engine.dispose()


def loaded_store(engine: Engine, count: int) -> EventStore:
    registry = EventRegistry("pipelined")
    registry.register("Counted", 1, CountedV1)
    store = EventStore(engine, registry)
    for n in range(count):
        store.append(f"s-{n}", 0, [NewEvent("Counted", f"inst-{n % 3}", {"n": n})])
    return store


def relay_with(store: EventStore, producers: list[ScriptedProducer], fail_at: int | None = None) -> Relay:
    holder: list[Relay] = []

    def factory() -> Any:
        producers.append(ScriptedProducer(holder, fail_at if not producers else None))
        return producers[-1]

    relay = Relay(store, store.engine, factory, "pipelined.events", batch_size=BATCH)
    holder.append(relay)
    return relay


def test_the_next_batch_is_sent_before_the_last_is_recorded_but_never_recorded_early(engine: Engine) -> None:
    store = loaded_store(engine, 3 * BATCH + 2)
    events = store.read_all()
    producers: list[ScriptedProducer] = []
    relay = relay_with(store, producers)

    assert relay.run_until_drained() == len(events)

    [producer] = producers
    assert [v for _, v, _ in producer.sent] == [o.value for o in store.read_all_cloudevents(limit=100)]
    assert [h for _, _, h in producer.sent] == [event_headers(e) for e in events]
    assert [k for k, _, _ in producer.sent] == [e.subject.encode() for e in events]
    batch_ends = [events[i].checkpoint for i in range(BATCH - 1, len(events), BATCH)]
    # Batch 2 went out while batch 1 was still unrecorded (read-ahead), and while
    # batch n + 1 goes out the checkpoint is at most the end of batch n - 1.
    assert producer.recorded_at_send[BATCH] == START
    for n, recorded in enumerate(producer.recorded_at_send):
        batch = n // BATCH
        assert recorded <= (batch_ends[batch - 2] if batch >= 2 else START)
    assert relay.checkpoint() == events[-1].checkpoint


def test_a_failed_record_stops_the_checkpoint_before_its_batch_and_all_is_resent(engine: Engine) -> None:
    store = loaded_store(engine, 4 * BATCH)
    events = store.read_all()
    producers: list[ScriptedProducer] = []
    relay = relay_with(store, producers, fail_at=BATCH + 2)  # in the second batch

    with pytest.raises(PublishError):
        relay.run_until_drained()

    first = producers[0]
    assert first.closed  # abandoned with what it still held
    assert len(first.sent) == 3 * BATCH  # batch 3 had been read ahead and sent
    assert relay.checkpoint() == events[BATCH - 1].checkpoint  # only batch 1 was acknowledged

    assert relay.run_until_drained() == 3 * BATCH
    second = producers[1]
    resent = [v for _, v, _ in second.sent]
    assert resent == [o.value for o in store.read_all_cloudevents(events[BATCH - 1].checkpoint, limit=100)]
    assert relay.checkpoint() == events[-1].checkpoint


def test_run_once_publishes_and_records_exactly_one_batch(engine: Engine) -> None:
    store = loaded_store(engine, 2 * BATCH + 1)
    events = store.read_all()
    producers: list[ScriptedProducer] = []
    relay = relay_with(store, producers)

    assert relay.run_once() == BATCH
    assert len(producers[0].sent) == BATCH
    assert relay.checkpoint() == events[BATCH - 1].checkpoint
    assert relay.run_once() == BATCH
    assert relay.run_once() == 1
    assert relay.run_once() == 0
    assert relay.checkpoint() == events[-1].checkpoint


def test_the_recorded_checkpoint_only_ever_moves_forward(engine: Engine) -> None:
    store = loaded_store(engine, 3)
    first, second, third = (e.checkpoint for e in store.read_all())
    relay = relay_with(store, [])

    relay._save_checkpoint(second)
    assert relay.checkpoint() == second
    relay._save_checkpoint(first)  # a standby that lagged behind
    assert relay.checkpoint() == second
    relay._save_checkpoint(third)
    assert relay.checkpoint() == third
    other = Relay(store, engine, lambda: None, "another.topic")  # type: ignore[arg-type, return-value]
    assert other.checkpoint() == START
