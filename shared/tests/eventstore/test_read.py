"""Reading: a stream in version order, the log in order from a checkpoint, upcasting."""

from __future__ import annotations

import json

from sqlalchemy import Engine, text

from waymark_shared.events.envelope import START, NewEvent
from waymark_shared.eventstore.store import EventStore


def registered(name: str, subject: str = "inst-1") -> NewEvent:
    return NewEvent("ThingRegistered", subject, {"name": name, "size": 1})


def renamed_v1(name: str) -> NewEvent:
    return NewEvent("ThingRenamed", "inst-1", {"name": name}, schema_version=1)


def names(events: object) -> list[str]:
    return [event.data["name"] for event in events]  # type: ignore[attr-defined]


def append_interleaved(store: EventStore) -> None:
    store.append("thing-1", 0, [registered("1a"), registered("1b")])
    store.append("thing-2", 0, [registered("2a")])
    store.append("thing-1", 2, [registered("1c")])
    store.append("thing-2", 1, [registered("2b"), registered("2c")])


def test_read_stream_returns_one_stream_in_version_order(store: EventStore) -> None:
    append_interleaved(store)

    assert names(store.read_stream("thing-1")) == ["1a", "1b", "1c"]
    assert [e.stream_version for e in store.read_stream("thing-2")] == [1, 2, 3]
    assert names(store.read_stream("thing-2", after_version=1)) == ["2b", "2c"]
    assert store.read_stream("nothing") == []


def test_read_all_returns_the_log_in_append_order(store: EventStore) -> None:
    append_interleaved(store)

    events = store.read_all()

    assert names(events) == ["1a", "1b", "2a", "1c", "2b", "2c"]
    checkpoints = [e.checkpoint for e in events]
    assert checkpoints == sorted(checkpoints) and len(set(checkpoints)) == 6


def test_read_all_continues_after_a_checkpoint_with_a_limit(store: EventStore) -> None:
    append_interleaved(store)

    first = store.read_all(START, limit=4)
    rest = store.read_all(first[-1].checkpoint, limit=4)

    assert names(first) == ["1a", "1b", "2a", "1c"]
    assert names(rest) == ["2b", "2c"]
    assert store.read_all(rest[-1].checkpoint) == []
    assert names(store.iter_all(batch=2)) == names(first + rest)


def test_read_all_returns_what_append_returned(store: EventStore) -> None:
    appended = store.append("thing-1", 0, [registered("a"), registered("b")])

    assert store.read_all() == appended
    assert store.read_all(validate=True) == appended


def test_count_after_counts_the_backlog(store: EventStore) -> None:
    append_interleaved(store)
    events = store.read_all()

    assert store.count_after() == 6
    assert store.count_after(events[1].checkpoint) == 4
    assert store.count_after(events[-1].checkpoint) == 0


def test_old_versions_are_upcast_on_read_and_stay_old_in_storage(store: EventStore, engine: Engine) -> None:
    store.append("thing-1", 0, [renamed_v1("a")])
    store.append("thing-1", 1, [NewEvent("ThingRenamed", "inst-1", {"name": "b", "reason": "typo"})])

    for events in (store.read_stream("thing-1"), store.read_all(), store.read_all(validate=True)):
        assert [(e.schema_version, dict(e.data)) for e in events] == [
            (2, {"name": "a", "reason": "unspecified"}),
            (2, {"name": "b", "reason": "typo"}),
        ]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT schema_version, data FROM events ORDER BY position")).all()
    assert [(row.schema_version, json.loads(row.data)) for row in rows] == [
        (1, {"name": "a"}),
        (2, {"name": "b", "reason": "typo"}),
    ]
