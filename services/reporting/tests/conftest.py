"""Fixtures for reporting's own tests: a migrated reporting on SQLite and on PostgreSQL,
its subscriptions' runners, and the producers' events as they are delivered.

Reporting never imports another service: the events come from ``tests/support``
(``directory_events``, ``audit_events``, ``planner_events``, ``destinations_events``),
checked against the contracts each producer publishes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Test helpers beside this file (reporting_world, ...) import as top-level modules.
sys.path.append(str(Path(__file__).parent))
from audit_events import audit_log  # noqa: F401  (the fixture)
from destinations_events import destinations_log  # noqa: F401
from directory_events import directory_log  # noqa: F401
from planner_events import planner_log  # noqa: F401

from waymark_reporting.readmodels.institutions import SUBSCRIPTION
from waymark_reporting.service import DEFINITION, SUBSCRIPTIONS
from waymark_shared.auth.tokens import JwksKeySource, SigningKey
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime
from waymark_shared.testing.event_logs import ProducerLog, migrated_runtime


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    """Reporting, migrated, on each backend in turn."""
    with migrated_runtime(DEFINITION, database_url, tmp_path / "var") as runtime:
        yield runtime


@pytest.fixture
def runner(runtime: ServiceRuntime) -> SubscriptionRunner:
    return SubscriptionRunner(SUBSCRIPTION, runtime.engine)


@pytest.fixture
def runners(runtime: ServiceRuntime) -> dict[str, SubscriptionRunner]:
    """Every reporting subscription's runner, by source service."""
    return {
        subscription.sources[0]: SubscriptionRunner(subscription, runtime.engine)
        for subscription in SUBSCRIPTIONS
    }


class Deliverer:
    """Delivers producers' logs to the reporting subscription that reads each."""

    def __init__(self, runners: dict[str, SubscriptionRunner]):
        self.runners = runners

    def __call__(self, *logs: ProducerLog) -> None:
        for log in logs:
            result = log.deliver(self.runners[log.source])
            assert result.parked == 0, self.runners[log.source].parked.list()[0].error

    def reset_all(self) -> None:
        for runner in self.runners.values():
            runner.reset()


@pytest.fixture
def deliver(runners: dict[str, SubscriptionRunner]) -> Deliverer:
    return Deliverer(runners)


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def app(runtime: ServiceRuntime, key: SigningKey):  # type: ignore[no-untyped-def]
    """Reporting's app, verifying ``key``'s tokens."""
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    return DEFINITION.create_app(runtime)
