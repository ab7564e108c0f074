"""The two event stores under test, behind one small interface.

Both get the same events (the same four data fields), write them to the same backend
with the same durability, and read them back decoded: Waymark's envelopes with data
as dicts, and eventsourcing's domain event objects through its mapper.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from marshmallow import Schema, fields
from sqlalchemy import Engine

from bench.databases import Database
from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import upgrade
from waymark_shared.events.envelope import NewEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore

READ_BATCH = 1000


class Subject(Protocol):
    name: str

    def append(self, count: int) -> None:
        """Start a new stream with ``count`` events in one commit."""

    def read_all(self) -> int:
        """Read and decode the whole log in order; return how many events."""

    def close(self) -> None: ...


def payload(i: int) -> dict[str, Any]:
    return {"name": f"Thing {i}", "kind": "mainstream", "urn": 100000 + i, "region": "north-east"}


class ThingRegisteredSchema(Schema):
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    urn = fields.Int(required=True)
    region = fields.Str(required=True)


def bench_registry() -> EventRegistry:
    registry = EventRegistry("bench")
    registry.register("ThingRegistered", 1, ThingRegisteredSchema)
    return registry


class WaymarkSubject:
    name = "waymark"

    def __init__(self, database: Database):
        self.engine: Engine = make_engine(database.url)
        upgrade(self.engine, None)
        self.store = EventStore(self.engine, bench_registry())
        self.counter = 0

    def append(self, count: int) -> None:
        self.counter += 1
        events = [NewEvent("ThingRegistered", "inst-1", payload(self.counter + n)) for n in range(count)]
        self.store.append(f"thing-{uuid.uuid4()}", 0, events)

    def read_all(self) -> int:
        return sum(1 for _ in self.store.iter_all(batch=READ_BATCH))

    def close(self) -> None:
        self.engine.dispose()


class ThingRegistered(DomainEvent):
    name: str
    kind: str
    urn: int
    region: str


class BenchApplication(Application[uuid.UUID]):
    name = "BenchApplication"


class EventsourcingSubject:
    """The library used as its docs say: an Application configured by environment."""

    def __init__(self, database: Database, *, db_functions: bool = False):
        env = database.eventsourcing_env()
        if db_functions:
            env["POSTGRES_ENABLE_DB_FUNCTIONS"] = "y"
        self.name = "eventsourcing (db functions)" if db_functions else "eventsourcing"
        self.app = BenchApplication(env=env)
        self.counter = 0

    def append(self, count: int) -> None:
        self.counter += 1
        stream = uuid.uuid4()
        events = [
            ThingRegistered(
                originator_id=stream,
                originator_version=n + 1,
                timestamp=ThingRegistered.create_timestamp(),
                **payload(self.counter + n),
            )
            for n in range(count)
        ]
        self.app.save(*events)

    def read_all(self) -> int:
        recorder, to_domain_event = self.app.recorder, self.app.mapper.to_domain_event
        start, count = 0, 0
        while notifications := recorder.select_notifications(start, READ_BATCH, inclusive_of_start=False):
            count += len([to_domain_event(n) for n in notifications])
            start = notifications[-1].id
        return count

    def close(self) -> None:
        self.app.close()
