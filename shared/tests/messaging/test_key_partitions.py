"""The relay's partition for a key is the one kafka-python's default partitioner gives."""

from __future__ import annotations

from kafka.cluster import ClusterMetadata
from kafka.partitioner.default import DefaultPartitioner

from waymark_shared.messaging.kafka_clients import KeyPartitions


class TopicWithPartitions:
    """What KeyPartitions asks of a producer: the topic's partitions."""

    def __init__(self, count: int):
        self.count = count

    def partitions_for(self, topic: str) -> set[int]:
        return set(range(self.count))


def default_partition(key: bytes, count: int) -> int:
    cluster = ClusterMetadata()
    cluster.partitions_for_topic = lambda topic: set(range(count))  # type: ignore[method-assign]
    cluster.available_partitions_for_topic = lambda topic: set(range(count))  # type: ignore[method-assign]
    cluster.topics = lambda *args, **kwargs: {"t"}  # type: ignore[method-assign]
    return int(DefaultPartitioner().partition("t", key, key, b"", b"", cluster))


KEYS = [f"inst-{n:05d}".encode() for n in range(300)] + [b"", b"\xc3\xa9", b"a" * 37]


def test_every_key_goes_where_the_default_partitioner_sends_it() -> None:
    for count in (1, 3, 6, 12):
        partition_of = KeyPartitions("t")
        partition_of.refresh(TopicWithPartitions(count))  # type: ignore[arg-type]
        assert [partition_of(k) for k in KEYS] == [default_partition(k, count) for k in KEYS]
        assert [partition_of(k) for k in KEYS] == [default_partition(k, count) for k in KEYS]


def test_added_partitions_move_keys_as_the_default_partitioner_would() -> None:
    topic = TopicWithPartitions(3)
    partition_of = KeyPartitions("t")
    partition_of.refresh(topic)  # type: ignore[arg-type]
    before = [partition_of(k) for k in KEYS]

    topic.count = 8
    partition_of.refresh(topic)  # type: ignore[arg-type]

    assert before == [default_partition(k, 3) for k in KEYS]
    assert [partition_of(k) for k in KEYS] == [default_partition(k, 8) for k in KEYS]
    assert max(partition_of(k) for k in KEYS) > 2
