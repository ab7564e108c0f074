"""A fresh, empty database per measured run, on either backend."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from waymark_shared.testing.databases import libpq_url, temporary_postgres_database


@dataclass(frozen=True)
class Database:
    """Where one run writes: a SQLAlchemy URL for Waymark, an env for eventsourcing."""

    backend: str
    url: str

    def eventsourcing_env(self) -> dict[str, str]:
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(make_url(self.url).database),
            }
        url = make_url(self.url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": str(url.database),
            "POSTGRES_HOST": url.host or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
        }


@contextmanager
def fresh_database(backend: str) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
            yield Database(backend, f"sqlite:///{Path(folder) / 'events.sqlite3'}")
    else:
        with temporary_postgres_database() as url:
            _checkpoint(url)
            yield Database(backend, url)


def _checkpoint(url: str) -> None:
    """Start every run just after a checkpoint, so none pays for the last one's writes."""
    try:
        with psycopg.connect(libpq_url(url), autocommit=True) as connection:
            connection.execute("CHECKPOINT")
    except psycopg.errors.InsufficientPrivilege:
        pass
