"""The Kafka transport against a real broker: exactly-once effects, parking, replay."""

from __future__ import annotations

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2
from kafka_world import (
    Producing,
    World,
    all_events,
    append,
    effect_ids,
    make_subscription,
    metric,
    snapshot,
    wait_until,
)
from sqlalchemy import Engine

from waymark_shared.config import Settings
from waymark_shared.events.envelope import NewEvent
from waymark_shared.messaging.embedded import EmbeddedTransport
from waymark_shared.messaging.kafka_clients import make_consumer
from waymark_shared.messaging.subscriptions import Delivery, SubscriptionRunner

pytestmark = pytest.mark.kafka


class Crash(Exception):
    """The consumer process dies here."""


def published(world: World, *plan: tuple[str, int, int]) -> list[Producing]:
    """Producing services with (service, institutions, events each) appended and relayed."""
    services = []
    for service, institutions, each in plan:
        producing = world.producing(service)
        append(producing.store, institutions, each, chunk=7)
        producing.relay().run_until_drained()
        services.append(producing)
    return services


def test_a_consumer_killed_between_its_commit_and_the_offset_commit_applies_nothing_twice(
    world: World,
) -> None:
    services = published(world, ("audit", 6, 40), ("directory", 4, 30))
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally"), engine)
    deliveries: list[Delivery] = []

    def crash_on_the_third(delivery: Delivery) -> None:
        deliveries.append(delivery)
        if len(deliveries) == 3:
            raise Crash

    crashing = world.transport(runner, after_apply=crash_on_the_third)
    with pytest.raises(Crash):
        crashing.run_until_caught_up(20)
    crashing.close()
    last = deliveries[-1]
    tp = TopicPartition(f"{world.prefix}.{last.source}.events", last.partition)
    onlooker = KafkaConsumer(**world.cluster.client_config(), group_id="waymark.tally")
    assert (onlooker.committed(tp) or 0) <= last.kafka_offset, "Kafka already had the crashed batch"
    onlooker.close()
    assert {e.id for e in last.events} <= set(effect_ids(engine)), "the database commit was lost"

    restarted = world.transport(runner)
    try:
        restarted.run_until_caught_up(30)
        applied = effect_ids(engine)
        assert len(applied) == len(set(applied)) == 6 * 40 + 4 * 30
        assert set(applied) == {e.id for e in all_events(*(s.store for s in services))}
        consumer = restarted.consumer
        tps = sorted(consumer.assignment())
        end = consumer.end_offsets(tps)
        assert len(tps) == 12 and sum(end.values()) == 6 * 40 + 4 * 30
        wait_until(
            lambda: restarted.run_once(100) == 0 and {tp: consumer.committed(tp) or 0 for tp in tps} == end,
            10,
            "Kafka to have every offset committed",
        )
        assert restarted.lag() == {"audit": 0, "directory": 0}
    finally:
        restarted.close()


def test_a_poison_event_is_parked_while_later_events_in_its_partition_apply(world: World) -> None:
    (audit,) = published(world, ("audit", 1, 10))  # one institution: one partition, in order
    events = audit.store.read_all()
    poison = {events[4].id}
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally", poison), engine)
    transport = world.transport(runner)
    try:
        transport.run_until_caught_up(20)
    finally:
        transport.close()

    assert sorted(effect_ids(engine)) == sorted(e.id for e in events if e.id not in poison)
    (parked,) = runner.parked.list()
    assert parked.event == events[4]
    assert parked.attempts == 1 and "this event is poison" in parked.error

    poison.clear()
    assert [outcome.succeeded for outcome in runner.parked.retry()] == [True]
    assert sorted(effect_ids(engine)) == sorted(e.id for e in events)
    assert runner.parked.count() == 0


def _five_more(producing: Producing, institution: str, *, after: int) -> None:
    """Five more events of ``institution``'s stream (at version ``after``), relayed."""
    events = [NewEvent("Counted", institution, {"n": n}) for n in range(after + 1, after + 6)]
    producing.store.append(institution, after, events)
    producing.relay().run_until_drained()


def _caught_up_tally(world: World) -> tuple[Engine, int]:
    """A fresh tally read model, caught up over Kafka from the start; how many it applied."""
    engine = world.consuming()
    transport = world.transport(SubscriptionRunner(make_subscription("tally"), engine))
    try:
        return engine, transport.run_until_caught_up(20)
    finally:
        transport.close()


def test_a_message_that_is_no_cloudevent_is_skipped_without_stalling_its_partition(world: World) -> None:
    (audit,) = published(world, ("audit", 1, 5))
    producer = audit.producer()
    for value in (b"not json", b'{"specversion": "1.0"}', b"[1, 2]"):
        producer.send(audit.settings.topic, value=value, key=b"inst-000")  # the institution's partition
    producer.flush()
    producer.close()
    _five_more(audit, "inst-000", after=5)
    labels = {"subscription": "tally", "topic": audit.settings.topic}
    rejected = metric("waymark_kafka_messages_rejected_total", **labels)
    engine, applied = _caught_up_tally(world)
    assert applied == 10
    assert sorted(effect_ids(engine)) == sorted(e.id for e in audit.store.iter_all())
    assert metric("waymark_kafka_messages_rejected_total", **labels) - rejected == 3


def _lose_the_oldest_records(world: World, producing: Producing, key: bytes) -> None:
    """Have the broker delete every record so far of ``key``'s partition, as a retention
    shorter than the platform needs would: DeleteRecords on a real broker; on librdkafka's
    mock, which lacks it, more than its 5 MB a partition, so that it drops the oldest."""
    topic = producing.settings.topic
    if world.cluster.kind == "librdkafka-mock":
        producer = producing.producer()
        for _ in range(7):
            producer.send(topic, value=b"-" * 900_000, key=key)
        producer.flush()
        producer.close()
        return
    probe = KafkaConsumer(**world.cluster.client_config())
    count = len(probe.partitions_for_topic(topic) or ())
    tp = TopicPartition(topic, (murmur2(key) & 0x7FFFFFFF) % count)
    end = probe.end_offsets([tp])[tp]
    probe.close()
    admin = KafkaAdminClient(**world.cluster.client_config())
    try:
        admin.delete_records({tp: end})
    finally:
        admin.close()


def test_records_deleted_before_they_were_applied_are_reported_and_the_rest_applies(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    (audit,) = published(world, ("audit", 1, 20))
    _lose_the_oldest_records(world, audit, b"inst-000")
    _five_more(audit, "inst-000", after=20)
    labels = {"subscription": "tally", "topic": audit.settings.topic}
    lost_before = metric("waymark_kafka_records_lost_total", **labels)
    engine, applied = _caught_up_tally(world)

    assert applied == 5
    assert sorted(effect_ids(engine)) == sorted(e.id for e in audit.store.read_all()[20:])
    assert metric("waymark_kafka_records_lost_total", **labels) - lost_before >= 20
    assert "records deleted before they were applied" in caplog.text


def test_embedded_and_kafka_transports_build_identical_read_models(world: World) -> None:
    audit, directory = published(world, ("audit", 7, 30), ("directory", 5, 25))
    embedded_db, kafka_db = world.consuming("embedded"), world.consuming("kafka")
    feeds = {"audit": audit.store, "directory": directory.store}
    EmbeddedTransport(
        SubscriptionRunner(make_subscription("tally"), embedded_db), feeds
    ).run_until_caught_up()

    transport = world.transport(SubscriptionRunner(make_subscription("tally"), kafka_db))
    try:
        assert transport.run_until_caught_up(20) == 7 * 30 + 5 * 25
    finally:
        transport.close()

    assert snapshot(kafka_db) == snapshot(embedded_db)
    assert len(snapshot(kafka_db)[0]) == 7 * 30 + 5 * 25


def test_replay_over_kafka_after_a_reset_rebuilds_the_same_read_model(world: World) -> None:
    published(world, ("audit", 5, 20), ("directory", 3, 20))
    engine = world.consuming()
    runner = SubscriptionRunner(make_subscription("tally"), engine)
    transport = world.transport(runner)
    try:
        transport.run_until_caught_up(20)
        built = snapshot(engine)
        assert transport.end_offsets_total() == len(built[0]) == 160

        runner.reset()  # while the consumer holds its partitions, at their ends
        assert snapshot(engine) == ([], [])
        assert transport.run_until_caught_up(20) == 160
        assert snapshot(engine) == built
    finally:
        transport.close()

    runner.reset()  # the group's committed offsets are at the ends; the database says start
    fresh = world.transport(runner)
    try:
        assert fresh.run_until_caught_up(30) == 160
    finally:
        fresh.close()
    assert snapshot(engine) == built


def test_consumers_take_the_session_timeout_from_settings_with_three_heartbeats_a_session(
    world: World,
) -> None:
    settings = Settings.from_env("tally", {**world.cluster.env(), "KAFKA_SESSION_TIMEOUT_MS": "6000"})
    consumer = make_consumer(settings, "waymark.session-settings")
    try:
        assert consumer.config["session_timeout_ms"] == 6000
        assert consumer.config["heartbeat_interval_ms"] == 2000
    finally:
        consumer.close()
