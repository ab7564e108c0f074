"""On SQLite the store keeps the connections its own statements used, off the pool: what
it writes still goes where the engine points, from any thread or forked child."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events.envelope import NewEvent
from waymark_shared.eventstore.store import ConcurrencyError, EventStore

from .conftest import make_registry


def registered(size: int = 1) -> NewEvent:
    return NewEvent("ThingRegistered", "inst-1", {"name": "thing", "size": size})


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "events.sqlite3"


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine, None)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> EventStore:
    return EventStore(engine, make_registry())


def test_appends_after_the_first_take_no_connection_from_the_pool(store: EventStore, engine: Engine) -> None:
    checkouts: list[object] = []
    event.listen(engine, "checkout", lambda *args: checkouts.append(args))

    for number in range(5):
        store.append(f"thing-{number}", 0, [registered()])
    with pytest.raises(ConcurrencyError):
        store.append("thing-0", 0, [registered()])  # a refused write leaves it as good as new
    store.append("thing-0", 1, [registered()])

    assert len(checkouts) == 1
    assert [event.stream_id for event in store.read_all()] == [*(f"thing-{n}" for n in range(5)), "thing-0"]


def test_after_dispose_the_store_writes_to_the_file_the_engine_now_opens(
    store: EventStore, engine: Engine, database: Path
) -> None:
    store.append("before", 0, [registered()])
    engine.dispose()
    for path in database.parent.glob(f"{database.name}*"):
        path.unlink()
    upgrade(engine, None)

    store.append("after", 0, [registered()])

    reader = make_engine(f"sqlite:///{database}")
    try:
        assert [event.stream_id for event in EventStore(reader, make_registry()).read_all()] == ["after"]
    finally:
        reader.dispose()


def test_threads_appending_at_once_store_every_event_once(store: EventStore) -> None:
    def append_many(thread: int) -> None:
        for number in range(40):
            store.append(f"thing-{thread}-{number}", 0, [registered(), registered(2)])

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(append_many, range(6)))

    events = store.read_all(limit=1000)
    assert len(events) == len({event.id for event in events}) == 6 * 40 * 2
    assert [event.checkpoint.position for event in events] == list(range(1, 481))


def test_a_forked_child_appends_on_connections_of_its_own(store: EventStore, engine: Engine) -> None:
    store.append("parent-before", 0, [registered()])  # the parent now keeps a connection
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        code = 1
        try:
            engine.dispose(close=False)  # as SQLAlchemy asks of a forked child
            store.append("child", 0, [registered()])
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)

    store.append("parent-after", 0, [registered()])

    assert os.waitstatus_to_exitcode(status) == 0
    assert [event.stream_id for event in store.read_all()] == ["parent-before", "child", "parent-after"]


def test_closing_the_store_and_disposing_the_engine_closes_the_database(
    store: EventStore, engine: Engine, database: Path
) -> None:
    store.append("thing-1", 0, [registered()])

    store.close()
    engine.dispose()

    # SQLite folds its write-ahead log back into the database when the last connection closes.
    assert not database.with_name(f"{database.name}-wal").exists()
    assert database.exists()


def test_an_in_memory_database_stays_one_database() -> None:
    engine = make_engine("sqlite://")
    try:
        upgrade(engine, None)
        store = EventStore(engine, make_registry())
        store.append("thing-1", 0, [registered()])
        store.append("thing-2", 0, [registered()])

        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 2
        assert len(store.read_all()) == 2
    finally:
        engine.dispose()


def test_a_statement_still_running_when_the_store_closes_is_not_kept(
    store: EventStore, engine: Engine
) -> None:
    from waymark_shared.eventstore.connections import Borrowed

    store.append("thing-1", 0, [registered()])
    checkouts: list[object] = []
    event.listen(engine, "checkout", lambda *args: checkouts.append(args))

    with Borrowed(store) as driver:  # borrowed before the close, given back after it
        store.close()
        driver.execute("SELECT 1").fetchall()
    store.append("thing-2", 0, [registered()])
    store.append("thing-3", 0, [registered()])

    assert len(checkouts) == 1  # thing-2 took a fresh one, which thing-3 then reused
