"""Applying deliveries: one transaction per batch with the position, duplicates
skipped, poison parked, database outages left for a retry."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from waymark_shared.events import START
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.subscriptions import EMBEDDED_PARTITION, Delivery, SubscriptionRunner


def _deliver(runner, producer, partition=EMBEDDED_PARTITION):  # type: ignore[no-untyped-def]
    return runner.apply(Delivery("producer", partition, producer.read_all(START)))


def test_a_batch_is_applied_with_its_position(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    producer.append("s-a", 0, [counted("inst-a", "one"), counted("inst-a", "two")])
    producer.append("s-b", 0, [counted("inst-b", "three")])
    runner = SubscriptionRunner(subscription, consumer_engine)

    result = _deliver(runner, producer)

    assert result.applied == 3
    assert tally_rows(consumer_engine) == {"inst-a": (2, "two"), "inst-b": (1, "three")}
    assert runner.position("producer").checkpoint == producer.read_all(START)[-1].checkpoint


def test_redelivery_changes_nothing(producer, consumer_engine, handlers, subscription, counted, tally_rows):
    producer.append("s-a", 0, [counted("inst-a", "one"), counted("inst-a", "two")])
    runner = SubscriptionRunner(subscription, consumer_engine)
    _deliver(runner, producer)

    again = _deliver(runner, producer)
    on_a_partition = _deliver(runner, producer, partition=3)

    assert (again.applied, again.duplicates) == (0, 2)
    assert (on_a_partition.applied, on_a_partition.duplicates) == (0, 2)
    assert tally_rows(consumer_engine) == {"inst-a": (2, "two")}


def test_a_crash_inside_a_batch_leaves_neither_effects_nor_position(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    producer.append("s-a", 0, [counted("inst-a", "one"), counted("inst-a", "two")])
    calls = []

    def crash_on_second(event, conn):  # type: ignore[no-untyped-def]
        calls.append(event.id)
        if len(calls) == 2:
            raise KeyboardInterrupt("the process is going down")
        handlers.on_counted(event, conn)

    crashing = SubscriptionRunner(
        type(subscription)(subscription.name, dict.fromkeys(subscription.handlers, crash_on_second)),
        consumer_engine,
    )
    with pytest.raises(KeyboardInterrupt):
        _deliver(crashing, producer)

    assert tally_rows(consumer_engine) == {}
    assert crashing.position("producer").checkpoint == START
    _deliver(SubscriptionRunner(subscription, consumer_engine), producer)
    assert tally_rows(consumer_engine) == {"inst-a": (2, "two")}


def test_a_poison_event_is_parked_and_later_events_still_apply(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    producer.append(
        "s-a",
        0,
        [counted("inst-a", "one"), counted("inst-a", "bad", poison=True), counted("inst-a", "three")],
    )
    runner = SubscriptionRunner(subscription, consumer_engine)

    result = _deliver(runner, producer)

    assert (result.applied, result.parked) == (2, 1)
    assert tally_rows(consumer_engine) == {"inst-a": (2, "three")}
    [parked] = runner.parked.list()
    assert parked.event.data["label"] == "bad"
    assert parked.attempts == 1
    assert "cannot count bad" in parked.error
    assert runner.position("producer").checkpoint == producer.read_all(START)[-1].checkpoint


def test_retrying_a_parked_event(producer, consumer_engine, handlers, subscription, counted, tally_rows):
    producer.append("s-a", 0, [counted("inst-a", "bad", poison=True)])
    runner = SubscriptionRunner(subscription, consumer_engine)
    _deliver(runner, producer)

    [still_failing] = runner.parked.retry()
    assert not still_failing.succeeded
    assert runner.parked.list()[0].attempts == 2

    handlers.refuse_poison = False
    [outcome] = runner.parked.retry(still_failing.event_id)
    assert outcome.succeeded
    assert runner.parked.list() == []
    assert tally_rows(consumer_engine) == {"inst-a": (1, "bad")}


def test_a_database_outage_is_not_the_events_fault(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    producer.append("s-a", 0, [counted("inst-a", "one")])

    def database_gone(event, conn):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    runner = SubscriptionRunner(
        type(subscription)(subscription.name, dict.fromkeys(subscription.handlers, database_gone)),
        consumer_engine,
    )
    with pytest.raises(OperationalError):
        _deliver(runner, producer)
    assert runner.parked.list() == []
    assert runner.position("producer").checkpoint == START


def test_replay_from_zero_rebuilds_the_same_read_model(
    producer, consumer_engine, handlers, subscription, counted, tally_rows
):
    for i in range(30):
        producer.append(f"s-{i}", 0, [counted(f"inst-{i % 4}", f"label-{i}")])
    runner = SubscriptionRunner(subscription, consumer_engine)
    transport = EmbeddedTransport(runner, {"producer": producer}, batch_size=7)
    transport.run_until_caught_up()
    before = tally_rows(consumer_engine)

    runner.reset()
    assert tally_rows(consumer_engine) == {}
    progress = []
    transport.run_until_caught_up(progress=progress.append)

    assert tally_rows(consumer_engine) == before
    assert sum(progress) == 30
    assert transport.lag() == {"producer": 0}


def test_batch_handlers_get_runs_of_events_and_poison_is_still_isolated(
    producer, consumer_engine, handlers, counted, tally_rows
):
    from waymark_shared.events.envelope import qualified_type
    from waymark_shared.service import Subscription

    runs = []

    def on_counted_batch(events, conn):  # type: ignore[no-untyped-def]
        runs.append(len(events))
        for event in events:
            handlers.on_counted(event, conn)

    batched = Subscription("tally", batch_handlers={qualified_type("producer", "Counted"): on_counted_batch})
    producer.append("s-a", 0, [counted("inst-a", f"n{i}") for i in range(5)])
    producer.append("s-b", 0, [counted("inst-b", "bad", poison=True), counted("inst-b", "after")])
    runner = SubscriptionRunner(batched, consumer_engine)

    result = _deliver(runner, producer)

    assert runs[0] == 7  # the whole delivery at once, then one at a time after the failure
    assert (result.applied, result.parked) == (6, 1)
    assert tally_rows(consumer_engine) == {"inst-a": (5, "n4"), "inst-b": (1, "after")}
    assert [p.event.data["label"] for p in runner.parked.list()] == ["bad"]


def test_events_no_handler_takes_do_not_break_a_batch_handlers_run(producer, consumer_engine, handlers, counted):
    from waymark_shared.events import NewEvent
    from waymark_shared.events.envelope import qualified_type
    from waymark_shared.service import Subscription

    runs = []

    def on_counted_batch(events, conn):  # type: ignore[no-untyped-def]
        runs.append([event.data["label"] for event in events])
        for event in events:
            handlers.on_counted(event, conn)

    batched = Subscription("tally", batch_handlers={qualified_type("producer", "Counted"): on_counted_batch})
    for number in range(3):  # like audit's log: AuditStarted, AuditCompleted, AuditStarted, ...
        noted = NewEvent("Noted", "inst-a", {"label": f"noted {number}"})
        producer.append(f"s-{number}", 0, [noted, counted("inst-a", f"n{number}")])

    result = _deliver(SubscriptionRunner(batched, consumer_engine), producer)

    assert runs == [["n0", "n1", "n2"]]
    assert (result.applied, result.parked) == (6, 0)


def test_the_consumers_log_lines_carry_the_events_correlation_id(
    producer, consumer_engine, subscription, counted
):
    import io
    import json
    import logging

    from waymark_shared.events.context import message_context
    from waymark_shared.observability.logging import configure_logging

    stream = io.StringIO()
    handler = configure_logging("tally", "DEBUG", stream=stream)
    try:
        with message_context(correlation_id="request-7"):
            producer.append("s-a", 0, [counted("inst-a", "ok"), counted("inst-a", "bad", poison=True)])
        _deliver(SubscriptionRunner(subscription, consumer_engine), producer)
    finally:
        logging.getLogger().removeHandler(handler)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    consumer_lines = [line for line in lines if line["logger"] == "waymark_shared.messaging.subscriptions"]
    messages = {line["message"] for line in consumer_lines}
    assert {"applying event", "event parked"} <= messages
    assert {
        line["correlation_id"]
        for line in consumer_lines
        if line["message"] != "batch failed, applying one by one"
    } == {"request-7"}
