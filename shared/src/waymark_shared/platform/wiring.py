"""Building runtimes, feeds and transports for the services installed in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from waymark_shared.config import EMBEDDED, Settings, topic_for
from waymark_shared.db.engine import make_engine
from waymark_shared.eventstore.store import EventStore
from waymark_shared.messaging.embedded import BATCH_SIZE, REPLAY_BATCH_SIZE, EmbeddedTransport
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceDefinition, ServiceRuntime, Subscription, bootstrap, discover


class Transport(Protocol):
    """What the embedded and the Kafka transport both offer."""

    runner: SubscriptionRunner

    def run_until_caught_up(self, *, progress: Callable[[int], None] | None = None) -> int: ...

    def run(self, stop: threading.Event) -> None: ...

    def backlog(self) -> int: ...

    def lag(self) -> dict[str, int]: ...

    def close(self) -> None: ...


@dataclass
class Platform:
    """Every installed service's definition, and the runtimes this process opened."""

    definitions: dict[str, ServiceDefinition]
    data_dir: Path | None = None
    env: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        self.runtimes: dict[str, ServiceRuntime] = {}
        self._feeds: dict[str, EventStore] = {}

    @classmethod
    def discover(cls, data_dir: Path | None = None, env: Mapping[str, str] | None = None) -> Platform:
        return cls(discover(), data_dir, env)

    def definition(self, name: str) -> ServiceDefinition:
        try:
            return self.definitions[name]
        except KeyError:
            known = ", ".join(self.definitions) or "none installed"
            raise LookupError(f"no service called {name!r} (known: {known})") from None

    def settings(self, name: str) -> Settings:
        return Settings.from_env(name, self.env, data_dir=self.data_dir)

    def runtime(self, name: str) -> ServiceRuntime:
        if name not in self.runtimes:
            self.runtimes[name] = bootstrap(self.definition(name), self.settings(name))
        return self.runtimes[name]

    def feed(self, source: str) -> EventStore:
        """A source service's event log, opened for reading by a subscriber."""
        if source in self.runtimes:
            return self.runtimes[source].store
        if source not in self._feeds:
            engine = make_engine(self.settings(source).database_url)
            self._feeds[source] = EventStore(engine, self.definition(source).registry)
        return self._feeds[source]

    def transport(
        self, runtime: ServiceRuntime, subscription: Subscription, *, replaying: bool = False
    ) -> Transport:
        runner = SubscriptionRunner(subscription, runtime.engine)
        if runtime.settings.transport == EMBEDDED:
            feeds = {source: self.feed(source) for source in subscription.sources}
            batch_size = REPLAY_BATCH_SIZE if replaying else BATCH_SIZE
            return EmbeddedTransport(runner, feeds, batch_size=batch_size)
        from waymark_shared.messaging.kafka_clients import make_consumer
        from waymark_shared.messaging.kafka_transport import KafkaTransport

        settings = runtime.settings
        topics = {s: topic_for(settings.topic_prefix, s) for s in subscription.sources}
        return KafkaTransport(
            runner,
            lambda: make_consumer(settings, f"{settings.consumer_group_prefix}.{subscription.name}"),
            topics,
        )

    def transports(self, name: str) -> list[Transport]:
        runtime = self.runtime(name)
        return [self.transport(runtime, s) for s in runtime.definition.subscriptions]

    def subscriptions_named(self, name: str) -> list[tuple[ServiceRuntime, Subscription]]:
        """Subscriptions by their own name, or all of a service's by the service's name."""
        found = [
            (definition.name, subscription)
            for definition in self.definitions.values()
            for subscription in definition.subscriptions
            if name in (subscription.name, definition.name)
        ]
        if not found:
            raise LookupError(f"no read model or subscription called {name!r}")
        return [(self.runtime(service), subscription) for service, subscription in found]

    def close(self) -> None:
        for runtime in self.runtimes.values():
            runtime.dispose()
        for store in self._feeds.values():
            store.close()
            store.engine.dispose()
        self.runtimes.clear()
        self._feeds.clear()
