"""Fixtures for audit's own tests: a migrated audit on SQLite and on PostgreSQL,
its subscription's runner, and directory's institution events as they are delivered.

Audit never imports directory: the events come from ``tests/support/directory_events.py``,
checked against the contracts directory publishes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from directory_events import directory_log  # noqa: F401  (the fixture)

from waymark_audit.adapters.institutions import SUBSCRIPTION
from waymark_audit.domain.frameworks import Framework
from waymark_audit.service import DEFINITION
from waymark_audit.service_layer.evaluations import Frameworks
from waymark_shared.auth.tokens import JwksKeySource, SigningKey
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import ServiceRuntime
from waymark_shared.testing.event_logs import migrated_runtime


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    """Audit, migrated, on each backend in turn."""
    with migrated_runtime(DEFINITION, database_url, tmp_path / "var") as runtime:
        yield runtime


@pytest.fixture
def runner(runtime: ServiceRuntime) -> SubscriptionRunner:
    return SubscriptionRunner(SUBSCRIPTION, runtime.engine)


@pytest.fixture
def key() -> SigningKey:
    """The key the tests sign identity tokens with, published to audit as its JWKS."""
    return SigningKey.generate()


@pytest.fixture
def app(runtime: ServiceRuntime, key: SigningKey, framework: Framework):  # type: ignore[no-untyped-def]
    """Audit's app, verifying ``key``'s tokens and serving ``framework`` (each test
    module says which) on every date."""
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    runtime.extras["frameworks"] = Frameworks({framework.id: framework}.__getitem__, lambda day: framework)
    return DEFINITION.create_app(runtime)
