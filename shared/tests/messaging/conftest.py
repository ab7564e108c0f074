"""The Kafka tests' world: producing services and a subscription on a real broker."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka_world import World

from waymark_shared.testing.kafka import KafkaCluster


@pytest.fixture
def world(kafka: KafkaCluster, tmp_path: Path) -> Iterator[World]:  # noqa: F811
    world = World(kafka, f"t{uuid.uuid4().hex[:10]}", tmp_path)
    yield world
    for engine in world.engines:
        engine.dispose()
