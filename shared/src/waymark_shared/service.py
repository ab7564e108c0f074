"""How a service plugs into the platform, and the one bootstrap every process calls.

Each service package declares a :class:`ServiceDefinition` and names it in its
``pyproject.toml`` under the ``waymark.services`` entry-point group. The command line
and the embedded runner find services that way, so neither ``shared`` nor any service
imports another service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData

from waymark_shared.config import Settings
from waymark_shared.db.engine import make_engine
from waymark_shared.db.migrations import pending_heads, upgrade
from waymark_shared.events.envelope import RecordedEvent
from waymark_shared.events.registry import EventRegistry
from waymark_shared.eventstore.store import EventStore
from waymark_shared.maintenance import MaintenanceJob

if TYPE_CHECKING:
    from flask import Flask

ENTRY_POINT_GROUP = "waymark.services"

EventHandler = Callable[[RecordedEvent, Connection], None]
BatchHandler = Callable[[Sequence[RecordedEvent], Connection], None]


@dataclass(frozen=True)
class Subscription:
    """A consumer: handlers keyed by qualified event type, applied in one transaction
    with the subscription's position. ``reset`` empties its read models for a replay.

    A ``batch_handlers`` function receives each run of consecutive events it handles
    at once (in log order, of any of the types it is registered for), so a projection
    can write them with one ``executemany``.
    """

    name: str
    handlers: Mapping[str, EventHandler] = field(default_factory=dict)
    reset: Callable[[Connection], None] | None = None
    description: str = ""
    batch_handlers: Mapping[str, BatchHandler] = field(default_factory=dict)

    @property
    def event_types(self) -> set[str]:
        return set(self.handlers) | set(self.batch_handlers)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({event_type.split(".")[2] for event_type in self.event_types}))


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    title: str
    registry: EventRegistry
    create_app: Callable[[ServiceRuntime], Flask]
    metadata: MetaData | None = None
    migrations: Path | None = None
    subscriptions: tuple[Subscription, ...] = ()
    seed_demo: Callable[[ServiceRuntime], None] | None = None
    # Lines ``waymark up`` prints about the service's demo data (sign-in details, say).
    demo_notes: Callable[[ServiceRuntime], Sequence[str]] | None = None
    # Demo data that spans services (written into other services' stores as their own
    # events): given every runtime by name and the platform's environment, called once
    # on a first start after every ``seed_demo`` has run and been caught up, before the
    # consumers catch up again.
    seed_platform_demo: Callable[[Mapping[str, ServiceRuntime], Mapping[str, str]], None] | None = None
    # Work the service's consumer process does besides applying events (see
    # :mod:`waymark_shared.maintenance`).
    maintenance: tuple[MaintenanceJob, ...] = ()
    description: str = ""
    # Lower starts (and seeds its demo data) first: producers before their consumers.
    start_order: int = 50


@dataclass
class ServiceRuntime:
    """What one process holds for one service: settings, engine, event store."""

    definition: ServiceDefinition
    settings: Settings
    engine: Engine
    store: EventStore
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.definition.name

    def migrate(self) -> None:
        upgrade(self.engine, self.definition.migrations, self.definition.metadata)

    def pending_migrations(self) -> set[str]:
        return pending_heads(self.engine, self.definition.migrations)

    def dispose(self) -> None:
        self.store.close()
        self.engine.dispose()


def bootstrap(definition: ServiceDefinition, settings: Settings | None = None) -> ServiceRuntime:
    settings = settings or Settings.from_env(definition.name)
    engine = make_engine(settings.database_url)
    return ServiceRuntime(definition, settings, engine, EventStore(engine, definition.registry))


def definition_of(name: str) -> ServiceDefinition:
    """One installed service, loading no other (a consumer's tests need only the
    producer's contracts)."""
    for entry in entry_points(group=ENTRY_POINT_GROUP, name=name):
        return entry.load()  # type: ignore[no-any-return]
    raise LookupError(f"no service called {name!r} is installed")


def discover() -> dict[str, ServiceDefinition]:
    """Every installed service, by name, in a stable order."""
    found = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        definition = entry.load()
        found[definition.name] = definition
    return dict(sorted(found.items(), key=lambda item: (item[1].start_order, item[0])))
