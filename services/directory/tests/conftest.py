"""Fixtures for directory's own tests: a migrated runtime on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_directory.service import DEFINITION
from waymark_shared.auth.tokens import TOKEN_COOKIE
from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime, bootstrap


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'directory.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """For tests whose behaviour cannot depend on the backend (pages, parsing)."""
    return f"sqlite:///{tmp_path / 'directory.sqlite3'}"


def _runtime(url: str, data_dir: Path) -> Iterator[ServiceRuntime]:
    env = {"WAYMARK_DIRECTORY_DATABASE_URL": url, "WAYMARK_ENV": "test"}
    runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=data_dir))
    runtime.migrate()
    yield runtime
    runtime.dispose()


@pytest.fixture
def runtime(database_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    """Directory, migrated, on each backend in turn."""
    yield from _runtime(database_url, tmp_path / "var")


@pytest.fixture
def sqlite_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    yield from _runtime(sqlite_url, tmp_path / "var")


@pytest.fixture
def app(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
    return DEFINITION.create_app(runtime)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def sign_in_as(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
    """``sign_in_as(client, *grants)``: a new account holding ``grants``, its identity
    token set as the client's cookie (as directory sets it at sign-in). Returns the
    principal."""
    from waymark_directory.testing import account_with_grants

    def sign_in(client, *grants):  # type: ignore[no-untyped-def]
        principal, token = account_with_grants(runtime, *grants)
        client.set_cookie(TOKEN_COOKIE, token)
        return principal

    return sign_in


@pytest.fixture
def bearer_for(runtime: ServiceRuntime):  # type: ignore[no-untyped-def]
    """``bearer_for(*grants)``: headers with a bearer token of a new account holding ``grants``."""
    from waymark_directory.testing import account_with_grants

    def headers(*grants):  # type: ignore[no-untyped-def]
        _, token = account_with_grants(runtime, *grants)
        return {"Authorization": f"Bearer {token}"}

    return headers
