"""Finding activity providers: the read side over ``provider_search`` (published only).

A search is one SQL statement for the page and one to fetch its rows: the local
candidates come from the grid index (the 10 km easting columns the searched box spans,
each read over the box's northing range; then the exact circle, then the provider's
own radius), the national ones from their index, both through the same filters; the
union is ordered (local nearest first, then national by name), counted with a window
and cut to the page, and only the page's rows are read in full. National providers always match; a national provider is not given a
distance in the order, though its base postcode's distance is shown when it has one.

Filters within one kind are "any of" (benchmark 5 or 6), kinds combine with "and".
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, false, func, literal, or_, select, true, union_all

from waymark_directory.adapters import postcodes
from waymark_directory.adapters.provider_tables import provider_search, providers
from waymark_directory.domain.providers import (
    BENCHMARKS,
    DELIVERY_BITS,
    KEY_STAGES,
    SUBJECTS,
    bitmask,
)
from waymark_directory.service_layer.provider_handlers import GRID_COLUMN_M
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

DEFAULT_DISTANCE_MILES = 10.0
MAX_DISTANCE_MILES = 300.0
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_WORDS = 6


@dataclass(frozen=True)
class ProviderQuery:
    postcode: str
    distance_miles: float = DEFAULT_DISTANCE_MILES
    benchmarks: tuple[int, ...] = ()
    key_stages: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    provider_types: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    deliveries: tuple[str, ...] = ()
    send_suitable: bool | None = None
    text: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class ProviderHit:
    provider_id: str
    name: str
    summary: str
    provider_type: str
    cost: str
    price_band: str | None
    national: bool
    postcode: str | None
    distance_miles: float | None


@dataclass(frozen=True)
class ProviderResults:
    location: postcodes.Location
    query: ProviderQuery
    total: int
    results: list[ProviderHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.page_size))


def search_providers(runtime: ServiceRuntime, query: ProviderQuery) -> ProviderResults:
    """Raises :class:`~waymark_directory.adapters.postcodes.InvalidPostcode` or
    :class:`~waymark_directory.adapters.postcodes.UnknownPostcode` for a postcode it
    cannot place: the caller says so rather than showing an empty list."""
    location = postcodes.locate(query.postcode)
    shape, params = _parameters(location, query)
    page, count = _statements(shape)
    # Autocommit: a read needs no transaction (and on SQLite must not take the write lock).
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        matched = conn.execute(page, params).all()
        if matched:
            total = matched[0].total
            ids = [row.provider_id for row in matched]
            found = {row.provider_id: row for row in conn.execute(_ROWS, {"ids": ids})}
            rows = [found[i] for i in ids if i in found]
        else:
            total = conn.execute(count, params).scalar_one() if query.page > 1 else 0
            rows = []
    hits = [
        ProviderHit(
            provider_id=row.provider_id,
            name=row.name,
            summary=row.summary,
            provider_type=row.provider_type,
            cost=row.cost,
            price_band=row.price_band,
            national=bool(row.national),
            postcode=row.postcode,
            distance_miles=None
            if row.easting is None
            else round(
                postcodes.distance_miles(row.easting, row.northing, location.easting, location.northing), 1
            ),
        )
        for row in rows
    ]
    return ProviderResults(location=location, query=query, total=total, results=hits)


_ROWS = select(
    *(
        provider_search.c[name]
        for name in (
            "provider_id",
            "name",
            "summary",
            "provider_type",
            "cost",
            "price_band",
            "national",
            "postcode",
            "easting",
            "northing",
        )
    )
).where(provider_search.c.provider_id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class _Shape:
    """Which filters a search uses: one cached statement per shape, values bound."""

    benchmarks: bool
    key_stages: bool
    subjects: bool
    deliveries: bool
    provider_types: bool
    costs: bool
    send: bool
    words: int


def _parameters(location: postcodes.Location, query: ProviderQuery) -> tuple[_Shape, dict[str, object]]:
    e, n = float(location.easting), float(location.northing)
    reach = postcodes.miles_to_metres(query.distance_miles)
    words = query.text.lower().split()[:MAX_WORDS]
    deliveries = 0
    for delivery in query.deliveries:
        deliveries |= DELIVERY_BITS[delivery]
    params: dict[str, object] = {
        "e": e,
        "n": n,
        "e_low": e - reach,
        "e_high": e + reach,
        "n_low": n - reach,
        "n_high": n + reach,
        "reach2": reach * reach,
        "columns": list(range(int((e - reach) // GRID_COLUMN_M), int((e + reach) // GRID_COLUMN_M) + 1)),
        "benchmarks": bitmask(query.benchmarks, BENCHMARKS),
        "key_stages": bitmask(query.key_stages, KEY_STAGES),
        "subjects": bitmask(query.subjects, SUBJECTS),
        "deliveries": deliveries,
        "provider_types": list(query.provider_types),
        "costs": list(query.costs),
        "send": bool(query.send_suitable),
        "limit": query.page_size,
        "offset": (query.page - 1) * query.page_size,
    }
    for index, word in enumerate(words):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params[f"word_{index}"] = f"%{escaped}%"
    shape = _Shape(
        benchmarks=bool(query.benchmarks),
        key_stages=bool(query.key_stages),
        subjects=bool(query.subjects),
        deliveries=bool(query.deliveries),
        provider_types=bool(query.provider_types),
        costs=bool(query.costs),
        send=query.send_suitable is not None,
        words=len(words),
    )
    return shape, params


@functools.lru_cache(maxsize=512)
def _statements(shape: _Shape):  # type: ignore[no-untyped-def]
    """The page of matches (ids, order, total by window) and a count for past the end."""
    t = provider_search
    e, n = bindparam("e"), bindparam("n")
    dx = t.c.easting - e
    dy = t.c.northing - n
    d2 = dx * dx + dy * dy
    filters = _filters(shape)
    local = select(t.c.provider_id, t.c.name, d2.label("sort"), literal(0).label("rank")).where(
        t.c.grid_x.in_(bindparam("columns", expanding=True)),
        t.c.northing.between(bindparam("n_low"), bindparam("n_high")),
        t.c.easting.between(bindparam("e_low"), bindparam("e_high")),
        t.c.national == false(),
        d2 <= bindparam("reach2"),
        d2 <= t.c.radius_m * t.c.radius_m,
        *filters,
    )
    national = select(t.c.provider_id, t.c.name, literal(0.0).label("sort"), literal(1).label("rank")).where(
        t.c.national == true(), *filters
    )
    matches = union_all(local, national).subquery("matches")
    page = (
        select(matches.c.provider_id, func.count().over().label("total"))
        .order_by(matches.c.rank, matches.c.sort, matches.c.name, matches.c.provider_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    count = select(func.count()).select_from(matches)
    return page, count


def _filters(shape: _Shape) -> list:  # type: ignore[type-arg]
    t = provider_search
    filters = []
    for on, column, name in (
        (shape.benchmarks, t.c.benchmarks, "benchmarks"),
        (shape.key_stages, t.c.key_stages, "key_stages"),
        (shape.subjects, t.c.subjects, "subjects"),
        (shape.deliveries, t.c.delivery, "deliveries"),
    ):
        if on:
            filters.append(column.bitwise_and(bindparam(name)) != 0)
    if shape.provider_types:
        filters.append(t.c.provider_type.in_(bindparam("provider_types", expanding=True)))
    if shape.costs:
        filters.append(t.c.cost.in_(bindparam("costs", expanding=True)))
    if shape.send:
        filters.append(t.c.send_suitable == bindparam("send"))
    for index in range(shape.words):
        filters.append(t.c.search_text.like(bindparam(f"word_{index}"), escape="\\"))
    return filters


def moderation_queue(runtime: ServiceRuntime) -> list[dict]:
    """Providers waiting for an admin: submitted (new or updated after a rejection)."""
    t = providers
    with reading(runtime.engine) as conn:
        rows = conn.execute(select(t).where(t.c.status == "submitted").order_by(t.c.name, t.c.provider_id))
        return [dict(row._mapping) for row in rows]


def providers_submitted_by(runtime: ServiceRuntime, account_id: str) -> list[dict]:
    t = providers
    with reading(runtime.engine) as conn:
        rows = conn.execute(select(t).where(t.c.submitted_by == account_id).order_by(t.c.name))
        return [dict(row._mapping) for row in rows]


def providers_with_status(runtime: ServiceRuntime, *statuses: str) -> list[dict]:
    t = providers
    condition = or_(*(t.c.status == s for s in statuses)) if statuses else and_(true())
    with reading(runtime.engine) as conn:
        return [dict(r._mapping) for r in conn.execute(select(t).where(condition).order_by(t.c.name))]
