"""A portable upsert for read-model handlers (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, and_, update


def upsert(conn: Connection, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Update the row with ``key`` or insert it; a replay writes the same row again."""
    where = and_(*(table.c[name] == value for name, value in key.items()))
    if values and conn.execute(update(table).where(where).values(**values)).rowcount:
        return
    if not values and conn.execute(table.select().where(where)).first():
        return
    conn.execute(table.insert().values(**key, **values))
