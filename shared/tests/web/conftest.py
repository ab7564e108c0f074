"""Fixtures for the web skeleton's tests: a throwaway service on a SQLite file."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

# The throwaway service lives beside these tests so that gunicorn can import it too.
sys.path.insert(0, str(Path(__file__).parent))

import waymark_webtest_service as webtest  # noqa: E402

from waymark_shared.config import Settings  # noqa: E402
from waymark_shared.service import ServiceRuntime, bootstrap  # noqa: E402
from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: E402, F401


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "MAX_BODY_BYTES": str(webtest.MAX_BODY_BYTES),
    }
    return Settings.from_env(webtest.NAME, env=env)


@pytest.fixture
def unmigrated_runtime(settings: Settings) -> Iterator[ServiceRuntime]:
    runtime = bootstrap(webtest.DEFINITION, settings)
    yield runtime
    runtime.dispose()


@pytest.fixture
def runtime(unmigrated_runtime: ServiceRuntime) -> ServiceRuntime:
    unmigrated_runtime.migrate()
    return unmigrated_runtime


@pytest.fixture
def app(runtime: ServiceRuntime) -> Flask:
    return webtest.create_app(runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    """create_service_app configures the root logger; put it back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
