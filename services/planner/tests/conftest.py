"""Fixtures for planner's tests: a migrated planner on SQLite and on PostgreSQL, its
subscriptions' runners, and directory's and audit's events as they are delivered.

Planner never imports directory or audit: their events come from
``tests/support/directory_events.py`` and ``tests/support/audit_events.py``, checked
against the contracts those services publish. ``world`` builds the institutions,
rosters, providers and completed evaluations a test needs and delivers them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_events import AuditLog, audit_log  # noqa: F401  (the fixture)
from directory_events import DirectoryLog, directory_log  # noqa: F401  (the fixture)
from planner_world import World

from waymark_planner.service import DEFINITION, SUBSCRIPTIONS
from waymark_shared.auth.tokens import JwksKeySource, SigningKey
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime
from waymark_shared.testing.event_logs import migrated_runtime


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'planner.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    """Planner, migrated, on each backend in turn."""
    with migrated_runtime(DEFINITION, database_url, tmp_path / "var") as runtime:
        yield runtime


@pytest.fixture
def runners(runtime: ServiceRuntime) -> dict[str, SubscriptionRunner]:
    """Every planner subscription's runner, by subscription name."""
    return {
        subscription.name: SubscriptionRunner(subscription, runtime.engine) for subscription in SUBSCRIPTIONS
    }


@pytest.fixture
def world(
    runtime: ServiceRuntime,
    runners: dict[str, SubscriptionRunner],
    directory_log: DirectoryLog,  # noqa: F811
    audit_log: AuditLog,  # noqa: F811
) -> World:
    """Institutions, learners, providers and completed evaluations, delivered to planner."""
    return World(runtime, runners, directory_log, audit_log)


@pytest.fixture
def key() -> SigningKey:
    """The key the tests sign identity tokens with, published to planner as its JWKS."""
    return SigningKey.generate()


@pytest.fixture
def app(runtime: ServiceRuntime, key: SigningKey):  # type: ignore[no-untyped-def]
    """Planner's app, verifying ``key``'s tokens."""
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    return DEFINITION.create_app(runtime)
