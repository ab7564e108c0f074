"""Appending: atomic batches, optimistic concurrency, validation, envelopes, transactions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from waymark_shared.events.context import message_context
from waymark_shared.events.envelope import NewEvent
from waymark_shared.events.registry import EventValidationError, UnknownEventType
from waymark_shared.eventstore.store import ConcurrencyError, DuplicateEventError, EventStore


def registered(name: str = "thing", size: int = 1) -> NewEvent:
    return NewEvent("ThingRegistered", "inst-1", {"name": name, "size": size})


def stored_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT stream_id, stream_version FROM events"))]


def test_a_batch_is_appended_with_consecutive_versions(store: EventStore) -> None:
    recorded = store.append("thing-1", 0, [registered("a"), registered("b"), registered("c")])

    assert [e.stream_version for e in recorded] == [1, 2, 3]
    assert store.stream_version("thing-1") == 3
    positions = [e.checkpoint for e in recorded]
    assert positions == sorted(positions) and len(set(positions)) == 3


def test_a_batch_with_an_invalid_event_writes_nothing(store: EventStore, engine: Engine) -> None:
    batch = [registered("a"), registered("b"), NewEvent("ThingRegistered", "inst-1", {"name": ""})]

    with pytest.raises(EventValidationError):
        store.append("thing-1", 0, batch)

    assert stored_rows(engine) == []
    assert store.stream_version("thing-1") == 0


def test_a_batch_that_fails_in_the_database_writes_nothing(store: EventStore, engine: Engine) -> None:
    store.append("thing-1", 0, [first := registered("a")])
    duplicate_id = NewEvent("ThingRegistered", "inst-1", {"name": "x", "size": 1}, id=first.id)

    with pytest.raises(DuplicateEventError):
        store.append("thing-2", 0, [registered("b"), registered("c"), duplicate_id])

    assert stored_rows(engine) == [("thing-1", 1)]


@pytest.mark.parametrize("expected", [1, 3])
def test_a_stale_or_too_high_expected_version_is_refused(store: EventStore, expected: int) -> None:
    store.append("thing-1", 0, [registered(), registered()])

    with pytest.raises(ConcurrencyError) as raised:
        store.append("thing-1", expected, [registered()])

    assert (raised.value.stream_id, raised.value.expected, raised.value.actual) == ("thing-1", expected, 2)
    assert "expected at version" in str(raised.value)
    assert store.stream_version("thing-1") == 2


def test_creating_a_stream_that_exists_is_refused(store: EventStore) -> None:
    store.append("thing-1", 0, [registered()])

    with pytest.raises(ConcurrencyError) as raised:
        store.append("thing-1", 0, [registered()])

    assert raised.value.actual == 1


def test_creating_a_stream_that_exists_again_with_its_event_ids_is_a_conflict(store: EventStore) -> None:
    first = registered()
    store.append("thing-1", 0, [first])

    with pytest.raises(ConcurrencyError) as raised:
        store.append("thing-1", 0, [first])  # a retried create: the same event, the same id

    assert raised.value.actual == 1


def test_appending_to_a_missing_stream_at_a_version_is_refused(store: EventStore) -> None:
    with pytest.raises(ConcurrencyError) as raised:
        store.append("thing-1", 3, [registered()])

    assert raised.value.actual == 0


def test_appending_nothing_is_a_no_op(store: EventStore) -> None:
    assert store.append("thing-1", 0, []) == []
    assert store.stream_version("thing-1") == 0


def test_invalid_data_is_refused_with_field_errors(store: EventStore, engine: Engine) -> None:
    bad = NewEvent("ThingRegistered", "inst-1", {"name": "", "size": "big", "colour": "red"})

    with pytest.raises(EventValidationError) as raised:
        store.append("thing-1", 0, [bad])

    assert set(raised.value.messages) == {"name", "size", "colour"}
    assert (raised.value.event_type, raised.value.version) == ("ThingRegistered", 1)
    assert stored_rows(engine) == []


def test_an_unknown_type_or_version_is_refused(store: EventStore, engine: Engine) -> None:
    with pytest.raises(UnknownEventType):
        store.append("thing-1", 0, [NewEvent("ThingExploded", "inst-1", {})])
    with pytest.raises(UnknownEventType):
        store.append("thing-1", 0, [NewEvent("ThingRegistered", "inst-1", {"name": "a", "size": 1}, 7)])

    assert stored_rows(engine) == []


def test_an_old_schema_version_is_validated_against_that_version(store: EventStore) -> None:
    with pytest.raises(EventValidationError) as raised:
        store.append("thing-1", 0, [NewEvent("ThingRenamed", "inst-1", {"name": "x"})])
    assert set(raised.value.messages) == {"reason"}

    [recorded] = store.append("thing-1", 0, [NewEvent("ThingRenamed", "inst-1", {"name": "x"}, 1)])
    assert recorded.schema_version == 1


def test_the_envelope_is_persisted(store: EventStore, engine: Engine) -> None:
    new = NewEvent("ThingRegistered", "inst-7", {"name": "kettle", "size": 3})

    with message_context("corr-1", causation_id="cause-1", actor="user:42"):
        [appended] = store.append("thing-1", 0, [new])

    [read] = store.read_stream("thing-1")
    assert read == appended
    assert (read.id, read.subject, read.time, read.data) == (new.id, "inst-7", new.time, new.data)
    assert read.type == "uk.waymark.testsvc.ThingRegistered"
    assert read.source == "/waymark/testsvc"
    assert (read.correlation_id, read.causation_id, read.actor) == ("corr-1", "cause-1", "user:42")
    assert (read.stream_id, read.stream_version, read.schema_version) == ("thing-1", 1, 1)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT event_id, type, data, actor FROM events")).one()
    assert (row.event_id, row.type, row.actor) == (new.id, read.type, "user:42")
    assert json.loads(row.data) == {"name": "kettle", "size": 3}


def test_without_a_message_context_the_ids_are_empty(store: EventStore) -> None:
    [read] = store.append("thing-1", 0, [registered()])

    assert (read.correlation_id, read.causation_id, read.actor) == (None, None, None)


def test_an_append_in_a_callers_transaction_rolls_back_with_it(store: EventStore, engine: Engine) -> None:
    with engine.connect() as conn, conn.begin() as transaction:
        store.append("thing-1", 0, [registered()], connection=conn)
        assert store.stream_version("thing-1", conn) == 1
        transaction.rollback()

    assert store.stream_version("thing-1") == 0
    assert store.read_all() == []


def test_an_append_in_a_callers_transaction_commits_with_it(store: EventStore, engine: Engine) -> None:
    with engine.begin() as conn:
        store.append("thing-1", 0, [registered()], connection=conn)
        store.append("thing-1", 1, [registered()], connection=conn)

    assert [e.stream_version for e in store.read_all()] == [1, 2]


def test_a_conflict_in_a_callers_transaction_reports_the_actual_version(
    store: EventStore, engine: Engine
) -> None:
    store.append("thing-1", 0, [registered()])

    with engine.connect() as conn, conn.begin(), pytest.raises(ConcurrencyError) as raised:
        store.append("thing-1", 0, [registered()], connection=conn)

    assert raised.value.actual == 1
