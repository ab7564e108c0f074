"""Directory's read side: plain queries over its own tables."""

from __future__ import annotations

from sqlalchemy import select

from waymark_directory.adapters.tables import institutions
from waymark_shared.service import ServiceRuntime


def list_institutions(runtime: ServiceRuntime) -> list[dict]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(institutions).order_by(institutions.c.name))
        return [dict(row._mapping) for row in rows]
