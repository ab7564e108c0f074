"""Throwaway PostgreSQL databases for tests and benchmarks, plus the pytest fixtures.

The server is the one named by ``WAYMARK_TEST_POSTGRES_URL`` (default: the local
development server). Where it cannot be reached and Docker can, a testcontainers
PostgreSQL is started once per process instead. Where neither works, PostgreSQL
tests are skipped with the reason, except under CI (``CI`` set), where they fail:
a CI run that silently tested nothing would be worse than a red one.

Use in a ``conftest.py``::

    from waymark_shared.testing.databases import postgres_server_url, postgres_url  # noqa: F401
"""

from __future__ import annotations

import atexit
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

SERVER_URL_ENV = "WAYMARK_TEST_POSTGRES_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CONTAINER_IMAGE = "postgres:15-alpine"
CONNECT_TIMEOUT_S = 3


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server is reachable and none could be started."""


def configured_server_url() -> str:
    return os.environ.get(SERVER_URL_ENV) or DEFAULT_SERVER_URL


def libpq_url(url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql://…`` (what libpq accepts)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def server_reachable(url: str) -> bool:
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_S):
            return True
    except psycopg.Error:
        return False


def docker_available() -> bool:
    try:
        import docker
        import testcontainers.community.postgres  # noqa: F401
    except ImportError:
        return False
    try:
        docker.from_env(timeout=CONNECT_TIMEOUT_S).ping()
    except Exception:  # docker raises many unrelated types when the engine is absent
        return False
    return True


def postgres_available() -> bool:
    """Whether PostgreSQL tests can run: the server is reachable, or Docker can start one."""
    return _resolved.url is not None or server_reachable(configured_server_url()) or docker_available()


class _Resolved:
    """The server chosen for this process, found once (it may be a container)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.url: str | None = None
        self.failure: str | None = None


_resolved = _Resolved()


def postgres_server() -> str:
    """The admin URL of a usable server; raises :class:`PostgresUnavailable`."""
    with _resolved.lock:
        if _resolved.url is None and _resolved.failure is None:
            _resolve()
        if _resolved.url is None:
            raise PostgresUnavailable(_resolved.failure)
        return _resolved.url


def _resolve() -> None:
    configured = configured_server_url()
    if server_reachable(configured):
        _resolved.url = configured
    elif docker_available():
        _resolved.url = _start_container()
    else:
        shown = make_url(configured).render_as_string(hide_password=True)
        _resolved.failure = (
            f"PostgreSQL is not reachable at {shown} (set {SERVER_URL_ENV}) "
            "and Docker is not available for testcontainers"
        )


def _start_container() -> str:
    from testcontainers.community.postgres import PostgresContainer

    container = PostgresContainer(CONTAINER_IMAGE, driver=None)
    container.start()
    atexit.register(container.stop)
    return str(container.get_connection_url())


@contextmanager
def temporary_postgres_database(server_url: str | None = None) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, then drop it (and end its sessions)."""
    admin_url = libpq_url(server_url or postgres_server())
    name = f"waymark_test_{uuid.uuid4().hex[:16]}"
    with _admin(admin_url) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin(admin_url) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def _admin(url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as connection:
        yield connection


def require_postgres() -> str:
    """The server URL, or skip the test (fail it under CI) with the reason."""
    try:
        return postgres_server()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"{error}; CI is set, so PostgreSQL tests must run", pytrace=False)
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """Admin URL of the PostgreSQL server the tests use (skips when there is none)."""
    return require_postgres()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty database, dropped after the test."""
    with temporary_postgres_database(postgres_server_url) as url:
        yield url
