"""The event store contract suite runs against every backend: SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from marshmallow import Schema, fields, validate
from sqlalchemy import Engine

from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore
from waymark_shared.testing.databases import (  # noqa: F401 (fixtures)
    postgres_server_url,
    postgres_url,
    temporary_postgres_database,
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


class ThingRegisteredV1(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1))
    size = fields.Int(required=True)


class ThingRenamedV1(Schema):
    name = fields.Str(required=True)


class ThingRenamedV2(Schema):
    name = fields.Str(required=True)
    reason = fields.Str(required=True)


def make_registry() -> EventRegistry:
    registry = EventRegistry("testsvc")
    registry.register("ThingRegistered", 1, ThingRegisteredV1)
    registry.register("ThingRenamed", 1, ThingRenamedV1)
    registry.register(
        "ThingRenamed", 2, ThingRenamedV2, upcast=lambda data: {**data, "reason": "unspecified"}
    )
    return registry


@pytest.fixture
def registry() -> EventRegistry:
    return make_registry()


def migrated_engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        upgrade(engine, None)
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated engine on each backend in turn."""
    if request.param == "sqlite":
        yield from migrated_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    else:
        yield from migrated_engine(request.getfixturevalue("postgres_url"))


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    yield from migrated_engine(postgres_url)


@pytest.fixture
def store(engine: Engine, registry: EventRegistry) -> EventStore:
    return EventStore(engine, registry)


@pytest.fixture
def pg_store(pg_engine: Engine, registry: EventRegistry) -> EventStore:
    return EventStore(pg_engine, registry)
