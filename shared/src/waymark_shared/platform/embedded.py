"""The embedded platform: every service in one process on SQLite, events flowing
between them through the embedded transport (or through Kafka when it is configured).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from waymark_shared.config import KAFKA
from waymark_shared.maintenance import MaintenanceJob, as_worker, run_to_the_end
from waymark_shared.platform.landing import landing_app
from waymark_shared.platform.wiring import Platform, Transport
from waymark_shared.service import ServiceRuntime

if TYPE_CHECKING:
    from waymark_shared.messaging.relay import Relay

log = logging.getLogger(__name__)


class EmbeddedPlatform:
    """All services in this process. ``catch_up`` applies everything available now
    (seeding, tests); ``start_background`` follows the logs on threads."""

    def __init__(self, platform: Platform):
        self.platform = platform
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self._transports: list[Transport] | None = None
        self._relays: list[Relay] | None = None

    def migrate(self) -> None:
        for name in self.platform.definitions:
            self.platform.runtime(name).migrate()

    def seed_demo(self) -> list[str]:
        """Seed every service whose store is still empty; then, if any was, the demo
        data that spans services (``seed_platform_demo``); returns the seeded names."""
        seeded = []
        for name, definition in self.platform.definitions.items():
            runtime = self.platform.runtime(name)
            if definition.seed_demo and runtime.store.count_after() == 0:
                definition.seed_demo(runtime)
                seeded.append(name)
                self.catch_up()
        if not seeded:
            return seeded
        runtimes = {name: self.platform.runtime(name) for name in self.platform.definitions}
        env = os.environ if self.platform.env is None else self.platform.env
        hooks = [d.seed_platform_demo for d in self.platform.definitions.values() if d.seed_platform_demo]
        for hook in hooks:
            hook(runtimes, env)
        if hooks:
            self.catch_up()
        return seeded

    def demo_notes(self) -> list[str]:
        """What each service says about its demo data, for the start-up banner."""
        notes: list[str] = []
        for name, definition in self.platform.definitions.items():
            if definition.demo_notes:
                notes += definition.demo_notes(self.platform.runtime(name))
        return notes

    def uses_kafka(self) -> bool:
        return any(self.platform.settings(name).transport == KAFKA for name in self.platform.definitions)

    def transports(self) -> list[Transport]:
        if self._transports is None:
            self._transports = [
                t for name in self.platform.definitions for t in self.platform.transports(name)
            ]
        return self._transports

    def relays(self) -> list[Relay]:
        if self._relays is None:
            names = self.platform.definitions if self.uses_kafka() else ()
            self._relays = [relay_for(self.platform.runtime(name)) for name in names]
        return self._relays

    def catch_up(self) -> int:
        """Publish and apply everything stored so far, in every subscription, then run
        every maintenance job until it has nothing left to do."""
        for relay in self.relays():
            relay.run_until_drained()
        applied = sum(transport.run_until_caught_up() for transport in self.transports())
        for runtime, job in self.maintenance_jobs():
            run_to_the_end(job, runtime)
        return applied

    def maintenance_jobs(self) -> list[tuple[ServiceRuntime, MaintenanceJob]]:
        return [
            (self.platform.runtime(name), job)
            for name, definition in self.platform.definitions.items()
            for job in definition.maintenance
        ]

    def wsgi_app(self) -> Callable:
        apps = {
            f"/{name}": self.platform.runtime(name).definition.create_app(self.platform.runtime(name))
            for name in self.platform.definitions
        }
        return DispatcherMiddleware(landing_app(self.platform), apps)

    def start_background(self) -> None:
        """Run every relay (with Kafka), every subscription and every maintenance job on
        its own thread."""
        for relay in self.relays():
            self._start(f"relay-{relay.topic}", relay.run)
        for transport in self.transports():
            self._start(f"consume-{transport.runner.name}", transport.run)
        for runtime, job in self.maintenance_jobs():
            self._start(f"maintain-{runtime.name}-{job.name}", as_worker(job, runtime))

    def _start(self, name: str, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=self._guarded, args=(name, target), name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _guarded(self, name: str, target: Callable[[threading.Event], None]) -> None:
        try:
            target(self.stop)
        except Exception:
            log.exception("background worker stopped", extra={"worker": name})

    def release_workers(self) -> None:
        """Close relays and Kafka consumers, leaving their consumer groups to others."""
        for worker in [*(self._relays or ()), *(self._transports or ())]:
            worker.close()
        self._relays = self._transports = None

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        self.release_workers()
        self.platform.close()


def relay_for(runtime: ServiceRuntime) -> Relay:
    from waymark_shared.messaging.kafka_clients import make_producer
    from waymark_shared.messaging.relay import Relay

    settings = runtime.settings
    return Relay(runtime.store, runtime.engine, lambda: make_producer(settings), settings.topic)
