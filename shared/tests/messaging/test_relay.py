"""The relay against a real broker: what it publishes, crashes, outages, leadership."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.partitioner.default import murmur2
from kafka_world import (
    WORKER,
    WORKER_MODULE,
    Producing,
    World,
    append,
    effect_ids,
    make_subscription,
    metric,
    published_through,
    read_topic,
    running,
    wait_until,
)

from waymark_shared.messaging.kafka_clients import decode_event
from waymark_shared.messaging.subscriptions import SubscriptionRunner

pytestmark = pytest.mark.kafka


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_relay_publishes_every_event_keyed_by_institution_as_cloudevents(
    world: World, backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    audit = world.producing("audit", url)
    last = append(audit.store, institutions=6, per_institution=10, chunk=4)
    topic = audit.settings.topic
    published_before = metric("waymark_events_published_total", service="audit", topic=topic)
    relay = audit.relay(batch_size=16)

    wait_until(lambda: relay.run_until_drained() >= 0 and relay.checkpoint() == last.checkpoint, 15, "all")

    stored = audit.store.read_all()
    records = read_topic(world.cluster, topic, 60)
    assert topic == f"{world.prefix}.audit.events" and len(records) == 60
    decoded = [decode_event(record) for record in records]
    assert sorted(decoded, key=lambda e: e.checkpoint) == stored
    pairs = list(zip(records, decoded, strict=True))
    for record, event in pairs:
        assert record.key == event.subject.encode()
        headers = dict(record.headers)
        assert headers["content-type"] == b"application/cloudevents+json"
        assert (headers["ce_id"], headers["ce_type"]) == (event.id.encode(), event.type.encode())
        assert json.loads(record.value)["specversion"] == "1.0"
    partitions_of = {e.subject: {r.partition for r, x in pairs if x.subject == e.subject} for e in decoded}
    assert all(len(found) == 1 for found in partitions_of.values())
    assert len({r.partition for r in records}) > 1
    # Where any Kafka client's default partitioner would put each key (murmur2).
    probe = KafkaConsumer(**world.cluster.client_config())
    count = len(probe.partitions_for_topic(topic) or ())
    probe.close()
    for subject, (partition,) in partitions_of.items():
        assert partition == (murmur2(subject.encode()) & 0x7FFFFFFF) % count
    for partition in {r.partition for r in records}:
        in_partition = [e.checkpoint for r, e in pairs if r.partition == partition]
        assert in_partition == sorted(in_partition)
    assert relay.checkpoint() == stored[-1].checkpoint and relay.backlog() == 0
    assert metric("waymark_events_published_total", service="audit", topic=topic) - published_before == 60
    assert metric("waymark_relay_backlog_events", service="audit", topic=topic) == 0


def test_relay_killed_mid_batch_resends_it_and_a_standby_takes_over(world: World) -> None:
    audit = world.producing("audit")
    append(audit.store, institutions=20, per_institution=1000)
    topic, total = audit.settings.topic, 20 * 1000
    env = {**os.environ, **world.env(audit.settings.database_url)}
    leader = subprocess.Popen(
        [sys.executable, "-c", WORKER, WORKER_MODULE, audit.settings.database_url], env=env
    )
    made: list[float] = []

    def counted_producer() -> KafkaProducer:
        made.append(time.monotonic())
        return audit.producer()

    standby = audit.relay(counted_producer)
    probe = KafkaConsumer(**world.cluster.client_config())
    tps = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
    try:
        wait_until(lambda: standby.checkpoint().position > 0, 30, "the leader to publish")
        with running(standby.run):
            # Kill it while the broker holds part of a batch whose checkpoint is unwritten,
            # looking while it is frozen so that what we see is what it dies with.
            def frozen_mid_batch() -> bool:
                leader.send_signal(signal.SIGSTOP)
                recorded = standby.checkpoint().position
                if recorded >= 2000 and sum(probe.end_offsets(tps).values()) > recorded:
                    return True
                leader.send_signal(signal.SIGCONT)
                return False

            wait_until(frozen_mid_batch, 30, "the leader to be mid-batch")
            leader.send_signal(signal.SIGKILL)
            assert leader.wait(10) == -signal.SIGKILL
            killed_at = standby.checkpoint().position
            assert made == [] and 0 < killed_at < total
            wait_until(lambda: standby.backlog() == 0, 40, "the standby to drain the backlog")
    finally:
        leader.kill()
        probe.close()
    assert made, "the standby never published"

    records = read_topic(world.cluster, topic, total)
    ids = [decode_event(r).id for r in records]
    assert set(ids) == {e.id for e in audit.store.iter_all()}
    assert len(ids) > total, "nothing was sent twice: the leader was not killed mid-batch"

    engine = world.consuming()
    transport = world.transport(SubscriptionRunner(make_subscription("tally"), engine))
    try:
        transport.run_until_caught_up(40)
    finally:
        transport.close()
    applied = effect_ids(engine)
    assert len(applied) == len(set(applied)) == total


def test_relay_holds_the_backlog_through_a_broker_outage_and_drains_it_after(world: World) -> None:
    if not world.cluster.supports_outage:
        pytest.skip(f"cannot take the {world.cluster.kind} Kafka down")
    audit = world.producing("audit")
    relay = audit.relay(max_backoff_s=1.0)
    labels = {"service": "audit", "topic": audit.settings.topic}
    append(audit.store, institutions=2, per_institution=10)

    with running(relay.run) as background:
        wait_until(lambda: relay.backlog() == 0, 15, "the first events to be published")
        failures = metric("waymark_relay_publish_failures_total", **labels)
        checkpoint = relay.checkpoint()
        with world.cluster.outage():
            append(audit.store, institutions=3, per_institution=50, first=10)
            wait_until(
                lambda: metric("waymark_relay_publish_failures_total", **labels) >= failures + 2,
                30,
                "the relay to fail and retry",
            )
            assert background.thread.is_alive()
            assert relay.checkpoint() == checkpoint
            assert relay.backlog() == 150
            assert metric("waymark_relay_backlog_events", **labels) == 150
        wait_until(lambda: relay.backlog() == 0, 30, "the backlog to drain")
        wait_until(lambda: metric("waymark_relay_backlog_events", **labels) == 0, 5, "the gauge to follow")

    records = read_topic(world.cluster, audit.settings.topic, 170)
    assert {decode_event(r).id for r in records} == {e.id for e in audit.store.iter_all()}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_only_one_relay_publishes_and_a_standby_takes_over(
    world: World, backend: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    first = world.producing("audit", url)
    second = world.producing("audit", first.settings.database_url)  # another instance, same database
    made: dict[str, int] = {"first": 0, "second": 0}

    def producer(name: str, service: Producing) -> Callable[[], KafkaProducer]:
        def make() -> KafkaProducer:
            made[name] += 1
            return service.producer()

        return make

    probe = first.relay()
    last = append(first.store, institutions=3, per_institution=20)
    with running(first.relay(producer("first", first)).run) as leader:
        published_through(probe, last)
        with running(second.relay(producer("second", second)).run):
            published_through(probe, append(first.store, institutions=3, per_institution=20, first=3))
            assert made == {"first": 1, "second": 0}
            leader.stop()
            published_through(probe, append(first.store, institutions=3, per_institution=20, first=6))
            assert made == {"first": 1, "second": 1}

    records = read_topic(world.cluster, first.settings.topic, 180)
    assert {decode_event(r).id for r in records} == {e.id for e in first.store.iter_all()}


# -- the Kafka transport -------------------------------------------------------------
