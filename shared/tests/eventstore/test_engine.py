"""The engines the event store runs on: durability settings and stale connections."""

from __future__ import annotations

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
