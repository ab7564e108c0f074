"""The embedded platform: every service in one process on SQLite, events flowing
between them through the embedded transport (or through Kafka when it is configured).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from waymark_shared.config import KAFKA
from waymark_shared.platform.landing import landing_app
from waymark_shared.platform.wiring import Platform

log = logging.getLogger(__name__)


class EmbeddedPlatform:
    def __init__(self, platform: Platform):
        self.platform = platform
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def migrate(self) -> None:
        for name in self.platform.definitions:
            self.platform.runtime(name).migrate()

    def seed_demo(self) -> list[str]:
        """Seed every service whose store is still empty; returns the seeded names."""
        seeded = []
        for name, definition in self.platform.definitions.items():
            runtime = self.platform.runtime(name)
            if definition.seed_demo and runtime.store.count_after() == 0:
                definition.seed_demo(runtime)
                seeded.append(name)
            self.catch_up()
        return seeded

    def catch_up(self) -> int:
        """Apply everything available to every subscription (used between demo seeds)."""
        return sum(
            transport.run_until_caught_up()
            for name in self.platform.definitions
            for transport in self.platform.transports(name)
            if self.platform.runtime(name).settings.transport != KAFKA
        )

    def wsgi_app(self) -> Callable:
        apps = {
            f"/{name}": self.platform.runtime(name).definition.create_app(self.platform.runtime(name))
            for name in self.platform.definitions
        }
        return DispatcherMiddleware(landing_app(self.platform), apps)

    def start_background(self) -> None:
        """Start every subscription (and, with Kafka, every relay) on its own thread."""
        for name in self.platform.definitions:
            runtime = self.platform.runtime(name)
            if runtime.settings.transport == KAFKA:
                self._start(f"relay-{name}", relay_for(runtime).run)
            for transport in self.platform.transports(name):
                self._start(f"consume-{transport.runner.name}", transport.run)

    def _start(self, name: str, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=self._guarded, args=(name, target), name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _guarded(self, name: str, target: Callable[[threading.Event], None]) -> None:
        try:
            target(self.stop)
        except Exception:
            log.exception("background worker stopped", extra={"worker": name})

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        self.platform.close()


def relay_for(runtime):  # type: ignore[no-untyped-def]
    from waymark_shared.messaging.kafka_clients import make_producer
    from waymark_shared.messaging.relay import Relay

    settings = runtime.settings
    return Relay(runtime.store, runtime.engine, lambda: make_producer(settings), settings.topic)
