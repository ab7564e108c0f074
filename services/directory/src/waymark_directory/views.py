"""Directory's read side: plain queries over its own tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import false, func, or_, select

from waymark_directory.adapters.tables import institutions
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

FILTERS = (
    "region",
    "local_authority",
    "local_authority_code",
    "careers_hub",
    "trust",
    "institution_type",
    "status",
)


@dataclass(frozen=True)
class Visible:
    """The institutions someone may see: by id, by Careers Hub and by trust."""

    institution_ids: frozenset[str] = field(default_factory=frozenset)
    careers_hubs: frozenset[str] = field(default_factory=frozenset)
    trusts: frozenset[str] = field(default_factory=frozenset)


def _where(filters: Mapping[str, Any], visible: Visible | None) -> list[Any]:
    clauses: list[Any] = [institutions.c[name] == value for name, value in filters.items() if name in FILTERS]
    if visible is not None:
        c = institutions.c
        scoped = [
            c.institution_id.in_(sorted(visible.institution_ids)) if visible.institution_ids else false(),
            c.careers_hub.in_(sorted(visible.careers_hubs)) if visible.careers_hubs else false(),
            c.trust.in_(sorted(visible.trusts)) if visible.trusts else false(),
        ]
        clauses.append(or_(*scoped))
    return clauses


def list_institutions(
    runtime: ServiceRuntime, filters: Mapping[str, Any] | None = None, visible: Visible | None = None
) -> list[dict]:
    """Every institution matching ``filters`` (and ``visible``: ``None`` for all), by name."""
    query = select(institutions).where(*_where(filters or {}, visible))
    with reading(runtime.engine) as conn:
        rows = conn.execute(query.order_by(institutions.c.name, institutions.c.institution_id))
        return [dict(row._mapping) for row in rows]


def institution_page(
    runtime: ServiceRuntime,
    filters: Mapping[str, Any],
    *,
    page: int = 1,
    per_page: int = 50,
    visible: Visible | None = None,
) -> tuple[list[dict], int]:
    """One page of institutions by name, and how many match in all."""
    where = _where(filters, visible)
    query = (
        select(institutions)
        .where(*where)
        .order_by(institutions.c.name, institutions.c.institution_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    with reading(runtime.engine) as conn:
        total = conn.execute(select(func.count()).select_from(institutions).where(*where)).scalar_one()
        return [dict(row._mapping) for row in conn.execute(query)], int(total)


def institution(runtime: ServiceRuntime, institution_id: str) -> dict | None:
    query = select(institutions).where(institutions.c.institution_id == institution_id)
    with reading(runtime.engine) as conn:
        found = conn.execute(query).first()
    return dict(found._mapping) if found else None


def filter_options(runtime: ServiceRuntime) -> dict[str, list[str]]:
    """The distinct local authorities, hubs and trusts, for filter lists."""
    options = {}
    with reading(runtime.engine) as conn:
        for name in ("local_authority", "careers_hub", "trust"):
            column = institutions.c[name]
            rows = conn.execute(select(column).where(column.is_not(None)).distinct().order_by(column))
            options[name] = [value for (value,) in rows]
    return options
