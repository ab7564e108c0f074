"""Two writers racing for the same stream: each version is won exactly once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, text

from waymark_shared.events.envelope import NewEvent
from waymark_shared.eventstore.store import ConcurrencyError, EventStore

ROUNDS = 15


def registered(writer: str) -> NewEvent:
    return NewEvent("ThingRegistered", "inst-1", {"name": writer, "size": 1})


def run_together(*workers: Callable[[], None]) -> None:
    threads = [threading.Thread(target=worker) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def stored_versions(engine: Engine, stream_id: str) -> list[tuple[int, str]]:
    sql = text("SELECT stream_version, data FROM events WHERE stream_id = :s ORDER BY stream_version")
    with engine.connect() as conn:
        return [(row.stream_version, row.data) for row in conn.execute(sql, {"s": stream_id})]


def test_concurrent_appends_at_the_same_version_have_one_winner(store: EventStore, engine: Engine) -> None:
    outcomes: list[tuple[int, str]] = []
    for version in range(ROUNDS):
        barrier = threading.Barrier(2)

        def attempt(writer: str, expected: int = version, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                store.append("thing-1", expected, [registered(writer)])
                outcomes.append((expected, "won"))
            except ConcurrencyError:
                outcomes.append((expected, "lost"))

        run_together(lambda: attempt("a"), lambda: attempt("b"))

    assert sorted(outcomes) == [(v, o) for v in range(ROUNDS) for o in ("lost", "won")]
    assert [v for v, _ in stored_versions(engine, "thing-1")] == list(range(1, ROUNDS + 1))


def test_concurrent_read_then_write_transactions_never_share_a_version(
    store: EventStore, engine: Engine
) -> None:
    """cosmicpython's test_concurrent_updates_to_version_are_not_allowed, for streams."""
    won: dict[str, list[int]] = {"a": [], "b": []}
    lost: list[str] = []

    def writer(name: str) -> None:
        for _ in range(ROUNDS):
            try:
                with engine.begin() as conn:
                    version = store.stream_version("thing-1", conn)
                    time.sleep(0.002)
                    [event] = store.append("thing-1", version, [registered(name)], connection=conn)
                won[name].append(event.stream_version)
            except ConcurrencyError:
                lost.append(name)

    run_together(lambda: writer("a"), lambda: writer("b"))

    stored = stored_versions(engine, "thing-1")
    assert [v for v, _ in stored] == list(range(1, len(stored) + 1))
    assert sorted(won["a"] + won["b"]) == [v for v, _ in stored]
    assert len(stored) + len(lost) == 2 * ROUNDS
    for name, versions in won.items():
        assert all(f'"name":"{name}"' in data for v, data in stored if v in versions)
