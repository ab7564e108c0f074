"""A producer store and a consumer database with a deliberately non-idempotent read
model (a running tally per institution), so any double application shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from marshmallow import Schema, fields
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, delete, select, update

from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events import EventRegistry, NewEvent, RecordedEvent
from waymark_shared.events.envelope import qualified_type
from waymark_shared.eventstore import EventStore
from waymark_shared.service import Subscription
from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: F401

read_models = MetaData()
tally = Table(
    "tally",
    read_models,
    Column("institution_id", String(36), primary_key=True),
    Column("events", Integer, nullable=False),
    Column("last_label", String(100)),
)


class CountedV1(Schema):
    label = fields.String(required=True)
    poison = fields.Boolean(load_default=False)


def producer_registry() -> EventRegistry:
    registry = EventRegistry("producer")
    registry.register("Counted", 1, CountedV1)
    registry.register("Noted", 1, CountedV1)  # no subscriber here handles it
    return registry


class Handlers:
    """The read model's handler; ``refuse_poison`` makes it fail on poison events."""

    def __init__(self) -> None:
        self.refuse_poison = True

    def on_counted(self, event: RecordedEvent, conn: Connection) -> None:
        if self.refuse_poison and event.data["poison"]:
            raise ValueError(f"cannot count {event.data['label']}")
        key = tally.c.institution_id == event.subject
        bumped = conn.execute(
            update(tally).where(key).values(events=tally.c.events + 1, last_label=event.data["label"])
        )
        if not bumped.rowcount:
            conn.execute(
                tally.insert().values(institution_id=event.subject, events=1, last_label=event.data["label"])
            )


def make_subscription(handlers: Handlers) -> Subscription:
    return Subscription(
        name="tally",
        handlers={qualified_type("producer", "Counted"): handlers.on_counted},
        reset=lambda conn: conn.execute(delete(tally)),
    )


def counted(institution: str, label: str, poison: bool = False) -> NewEvent:
    return NewEvent("Counted", institution, {"label": label, "poison": poison})


def tally_rows(engine: Engine) -> dict[str, tuple[int, str]]:
    with engine.connect() as conn:
        return {r.institution_id: (r.events, r.last_label) for r in conn.execute(select(tally))}


def _migrated(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine, None)
    read_models.create_all(engine)
    return engine


@pytest.fixture
def producer(tmp_path: Path) -> Iterator[EventStore]:
    engine = _migrated(f"sqlite:///{tmp_path / 'producer.sqlite3'}")
    yield EventStore(engine, producer_registry())
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def consumer_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'consumer.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = _migrated(url)
    yield engine
    engine.dispose()


@pytest.fixture
def handlers() -> Handlers:
    return Handlers()


@pytest.fixture
def subscription(handlers: Handlers) -> Subscription:
    return make_subscription(handlers)


@pytest.fixture(name="counted")
def counted_fixture():  # type: ignore[no-untyped-def]
    """Builds a ``Counted`` event: ``counted(institution, label, poison=False)``."""
    return counted


@pytest.fixture(name="tally_rows")
def tally_rows_fixture():  # type: ignore[no-untyped-def]
    """Reads the tally read model: ``{institution: (events, last label)}``."""
    return tally_rows
