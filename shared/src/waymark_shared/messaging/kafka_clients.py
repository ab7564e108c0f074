"""How Waymark talks to Kafka: kafka-python clients built from settings, and the
message format (CloudEvents structured mode, keyed by institution id).

Clients are made on demand, never at import: a producer or consumer made before
gunicorn forks would be shared by its workers. ``overrides`` go to kafka-python as they
are (tests use them for short timeouts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaTimeoutError
from kafka.partitioner.default import murmur2

from waymark_shared.config import Settings
from waymark_shared.events.envelope import SPEC_VERSION, OutgoingEvent, RecordedEvent, cloudevent_json

CLOUDEVENTS_CONTENT_TYPE = b"application/cloudevents+json"

# The relay gives up on a batch before the producer would expire it: an idempotent
# producer that expires a batch resets its producer id, and the records queued behind
# it could then land in a partition after a gap.
PRODUCER_DELIVERY_TIMEOUT_MS = 120_000
PRODUCER_DEFAULTS: dict[str, Any] = {
    "acks": "all",
    "enable_idempotence": True,  # ordered, duplicate-free retries per partition
    "linger_ms": 5,
    "batch_size": 256 * 1024,
    "request_timeout_ms": 30_000,
    "delivery_timeout_ms": PRODUCER_DELIVERY_TIMEOUT_MS,
    "max_block_ms": 30_000,
}
CONSUMER_DEFAULTS: dict[str, Any] = {
    "enable_auto_commit": False,  # offsets are committed after the database commits
    "auto_offset_reset": "earliest",
    "max_poll_records": 500,
}


def _common(settings: Settings, role: str) -> dict[str, Any]:
    if not settings.kafka_bootstrap_servers:
        raise ValueError(f"{settings.service}: KAFKA_BOOTSTRAP_SERVERS is not set")
    config: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers.split(","),
        "client_id": f"waymark-{settings.service}-{role}",
    }
    if settings.kafka_api_version:
        config["api_version"] = settings.kafka_api_version
    return config


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """The relay's producer: acks from all replicas, idempotent, batched."""
    return KafkaProducer(**{**_common(settings, "relay"), **PRODUCER_DEFAULTS, **overrides})


def make_consumer(settings: Settings, group_id: str, **overrides: Any) -> KafkaConsumer:
    """A consumer in ``group_id`` that never commits on its own; the transport
    subscribes it and commits after each database transaction."""
    config = {**_common(settings, "consumer"), **CONSUMER_DEFAULTS}
    if settings.kafka_session_timeout_ms:
        session = settings.kafka_session_timeout_ms
        # Three heartbeats a session, as Kafka advises.
        config |= {"session_timeout_ms": session, "heartbeat_interval_ms": min(3000, session // 3)}
    return KafkaConsumer(group_id=group_id, **{**config, **overrides})


def partition_offsets(
    consumer: KafkaConsumer, topics: Iterable[str]
) -> dict[TopicPartition, tuple[int, int]]:
    """The first and the next offset of every partition of ``topics`` the cluster knows."""
    tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
    if not tps:
        return {}
    first, end = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
    return {tp: (first[tp], end[tp]) for tp in tps}


def abandon(producer: KafkaProducer) -> None:
    """Close at once, dropping what is still queued (the relay re-sends it)."""
    try:
        producer.close(timeout=0)
    except KafkaTimeoutError:
        # kafka-python 3.0 flushes before it force-closes, and raises while records
        # are pending, leaving its sender thread retrying them behind our back.
        producer._sender.force_close()
        producer._sender.join(5)
        producer.close(timeout=0)


class KeyPartitions:
    """The partition kafka-python's default partitioner gives each key (the Java
    client's murmur2 of the key, modulo the topic's partitions), remembered per key.

    The relay's keys are institution ids, a few thousand of them, and the default
    partitioner hashes each record's key in pure Python, about a tenth of a send.
    :meth:`refresh` follows the topic's partition count, which can only grow."""

    MAX_KEYS = 100_000  # well above the number of institutions; beyond it, start again

    def __init__(self, topic: str):
        self.topic = topic
        self._partitions: list[int] = []
        self._chosen: dict[bytes, int] = {}

    def refresh(self, producer: KafkaProducer) -> None:
        """Read the topic's partitions from ``producer``'s metadata (waiting for them
        as ``send`` would); forget every choice if their number changed."""
        partitions = sorted(producer.partitions_for(self.topic))
        if partitions != self._partitions:
            self._partitions, self._chosen = partitions, {}

    def __call__(self, key: bytes) -> int:
        chosen = self._chosen.get(key)
        if chosen is None:
            if len(self._chosen) >= self.MAX_KEYS:
                self._chosen = {}
            partitions = self._partitions
            chosen = self._chosen[key] = partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]
        return chosen


def encode_event(event: RecordedEvent) -> bytes:
    """The message value: the whole CloudEvents envelope as JSON."""
    return cloudevent_json(event)


def event_headers(event: RecordedEvent | OutgoingEvent) -> list[tuple[str, bytes]]:
    """The content type, plus a few attributes to route on without parsing the value."""
    return [
        ("content-type", CLOUDEVENTS_CONTENT_TYPE),
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", event.id.encode()),
        ("ce_type", event.type.encode()),
        ("ce_source", event.source.encode()),
        ("ce_subject", event.subject.encode()),
    ]


def decode_event(record: ConsumerRecord) -> RecordedEvent:
    """The event a message carries; raises ``ValueError`` for anything else."""
    try:
        body = json.loads(record.value)
    except (TypeError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not JSON: {type(error).__name__}") from error
    if not isinstance(body, dict):
        raise ValueError("not a CloudEvent: the value is not a JSON object")
    try:
        return RecordedEvent.from_cloudevent(body)
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a Waymark CloudEvent: {type(error).__name__}") from error
