"""The engines the event store runs on: durability settings and stale connections."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from waymark_shared.db import engine as engine_module
from waymark_shared.db.engine import make_engine


def test_sqlite_runs_in_wal_mode_with_full_fsync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


@pytest.mark.postgres
def test_an_idle_connection_the_server_dropped_is_replaced_on_checkout(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with create_engine(engine.url, poolclass=NullPool).connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})

    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != first_pid
    engine.dispose()


def _engine_on(backend: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'x.sqlite3'}"
    return make_engine(url)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_read_neither_waits_for_a_writer_nor_sees_its_uncommitted_rows(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    engine = _engine_on(backend, tmp_path, request)
    table = f"readings_{tmp_path.name[-8:].replace('-', '_')}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {table} (n integer)")
        conn.exec_driver_sql(f"INSERT INTO {table} VALUES (1)")
    with engine.connect() as writer:
        writer.exec_driver_sql(f"INSERT INTO {table} VALUES (2)")  # holds SQLite's write lock
        started = time.monotonic()
        with engine_module.reading(engine) as conn:
            seen = conn.exec_driver_sql(f"SELECT n FROM {table}").scalars().all()
        waited = time.monotonic() - started
        writer.rollback()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {table}")
    engine.dispose()
    assert seen == [1]
    assert waited < 5  # SQLite's busy handler would have waited its 30 s for the lock
