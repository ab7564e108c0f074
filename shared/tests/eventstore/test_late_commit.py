"""PostgreSQL: a catch-up reader never skips an event whose transaction committed late.

Positions come from a sequence, so a transaction can take a lower position and commit
after one that took a higher position. SQLite serialises writers, so this is
PostgreSQL's problem only.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from waymark_shared.events.envelope import START, Checkpoint, NewEvent, RecordedEvent
from waymark_shared.eventstore.store import EventStore

pytestmark = pytest.mark.postgres

WRITERS = 4
APPENDS_PER_WRITER = 500
STREAMS_PER_WRITER = 5


def registered(name: str) -> NewEvent:
    return NewEvent("ThingRegistered", "inst-1", {"name": name, "size": 1})


def test_an_event_committed_late_is_not_skipped(pg_store: EventStore, pg_engine: Engine) -> None:
    [before] = pg_store.append("before", 0, [registered("before")])
    checkpoint = pg_store.read_all()[-1].checkpoint
    assert checkpoint == before.checkpoint

    with pg_engine.connect() as conn_a:
        transaction_a = conn_a.begin()
        [a] = pg_store.append("stream-a", 0, [registered("a")], connection=conn_a)
        [b] = pg_store.append("stream-b", 0, [registered("b")])
        assert a.checkpoint.position < b.checkpoint.position

        assert pg_store.read_all(checkpoint) == []
        assert pg_store.count_after(checkpoint) == 0

        transaction_a.commit()

    delivered = pg_store.read_all(checkpoint)
    assert [e.id for e in delivered] == [a.id, b.id]
    assert all(checkpoint < e.checkpoint for e in delivered)


def test_a_rolled_back_transaction_does_not_hold_readers_back(
    pg_store: EventStore, pg_engine: Engine
) -> None:
    with pg_engine.connect() as conn_a:
        transaction_a = conn_a.begin()
        pg_store.append("stream-a", 0, [registered("a")], connection=conn_a)
        [b] = pg_store.append("stream-b", 0, [registered("b")])
        assert pg_store.read_all() == []
        transaction_a.rollback()

    assert [e.id for e in pg_store.read_all()] == [b.id]


class Writer(threading.Thread):
    """Appends to its own streams, sometimes inside a transaction that dawdles."""

    def __init__(self, store: EventStore, engine: Engine, name: str, seed: int):
        super().__init__(name=name)
        self.store, self.engine = store, engine
        self.random = random.Random(seed)
        self.appended: list[RecordedEvent] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            versions = [0] * STREAMS_PER_WRITER
            for i in range(APPENDS_PER_WRITER):
                stream = self.random.randrange(STREAMS_PER_WRITER)
                size = self.random.choice((1, 1, 1, 2, 3))
                events = [registered(f"{self.name}-{i}-{n}") for n in range(size)]
                self.appended += self._append(f"{self.name}-s{stream}", versions[stream], events)
                versions[stream] += size
        except BaseException as error:  # surfaced by the test thread
            self.error = error

    def _append(self, stream_id: str, version: int, events: list[NewEvent]) -> list[RecordedEvent]:
        if self.random.random() < 0.7:
            return self.store.append(stream_id, version, events)
        with self.engine.begin() as conn:
            recorded = self.store.append(stream_id, version, events, connection=conn)
            time.sleep(self.random.uniform(0, 0.004))
        return recorded


def test_a_catch_up_reader_sees_every_event_once_under_concurrent_writers(
    pg_store: EventStore, pg_engine: Engine
) -> None:
    writers = [Writer(pg_store, pg_engine, f"w{n}", seed=n) for n in range(WRITERS)]
    seen: list[RecordedEvent] = []
    checkpoint = START

    def catch_up() -> None:
        nonlocal checkpoint
        while batch := pg_store.read_all(checkpoint, limit=37):
            assert checkpoint < batch[0].checkpoint
            seen.extend(batch)
            checkpoint = batch[-1].checkpoint

    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        catch_up()
        time.sleep(0.001)
    catch_up()

    assert [w.error for w in writers] == [None] * WRITERS
    appended = [event for writer in writers for event in writer.appended]
    assert len(seen) == len(appended) == len({e.id for e in seen})
    assert {e.id for e in seen} == {e.id for e in appended}
    assert_in_log_order(seen)


def assert_in_log_order(seen: list[RecordedEvent]) -> None:
    checkpoints: list[Checkpoint] = [e.checkpoint for e in seen]
    assert all(a < b for a, b in zip(checkpoints, checkpoints[1:], strict=False))
    versions: dict[str, list[int]] = defaultdict(list)
    for event in seen:
        versions[event.stream_id].append(event.stream_version)
    for stream_versions in versions.values():
        assert stream_versions == list(range(1, len(stream_versions) + 1))


def test_a_store_recovers_when_the_server_drops_its_connection(
    pg_store: EventStore, pg_engine: Engine
) -> None:
    with pg_engine.connect() as first, pg_engine.connect() as second:  # two idle in the pool
        assert first.connection is not second.connection
    pg_store.append("stream-a", 0, [registered("a")])
    with create_engine(pg_engine.url, poolclass=NullPool).connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )

    with pytest.raises(sa_exc.OperationalError) as raised:
        pg_store.read_all()
    assert raised.value.connection_invalidated

    assert [e.stream_id for e in pg_store.read_all()] == ["stream-a"]
    pg_store.append("stream-a", 1, [registered("b")])
    assert pg_store.stream_version("stream-a") == 2
