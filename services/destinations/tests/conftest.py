"""Fixtures for destinations' own tests: a migrated destinations on SQLite and on
PostgreSQL, standing on a chosen day, with directory's institution and learner events
delivered through its own subscriptions (destinations never imports directory)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from directory_events import directory_log  # noqa: F401  (the fixture)

from waymark_destinations.service import DEFINITION
from waymark_destinations.service_layer.clock import stand_on
from waymark_shared.auth.tokens import JwksKeySource, SigningKey
from waymark_shared.service import ServiceRuntime
from waymark_shared.testing.event_logs import migrated_runtime

TODAY = date(2026, 12, 1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'destinations.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    """Destinations, migrated, on each backend in turn, on 1 December 2026."""
    with migrated_runtime(DEFINITION, database_url, tmp_path / "var") as runtime:
        stand_on(runtime, TODAY)
        yield runtime


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def app(runtime: ServiceRuntime, key: SigningKey):  # type: ignore[no-untyped-def]
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    return DEFINITION.create_app(runtime)
