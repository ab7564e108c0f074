"""How current reporting's read models are: per subscription and source, the last
event applied (what and when the producer recorded it), when reporting applied it
(the subscription's position, saved with the read model in one transaction) and the
lag between the two.

``lag_seconds`` is how long after the producer recorded its last event reporting
applied it; ``age_seconds`` how long ago that was. Events the producer has recorded
since, not yet delivered, are known only to the transport (the
``waymark_consumer_lag_events`` metric), not to the read model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from waymark_reporting.adapters.tables import source_freshness
from waymark_reporting.domain.vocabulary import SOURCES
from waymark_shared.db.tables import subscription_positions

SUBSCRIPTION_SOURCES = (
    ("reporting", "directory"),
    ("reporting-audit", "audit"),
    ("reporting-planner", "planner"),
    ("reporting-destinations", "destinations"),
)


# Built once (building a statement costs more than running it on SQLite).
_LAST = select(source_freshness)
_p = subscription_positions.c
_APPLIED = (
    select(_p.subscription, _p.source, func.max(_p.updated_at).label("updated_at"))
    .where(_p.subscription.in_([name for name, _ in SUBSCRIPTION_SOURCES]))
    .group_by(_p.subscription, _p.source)
)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def freshness(conn: Connection, now: datetime | None = None) -> dict[str, Any]:
    """``{"checked_at", "sources": [{subscription, source, label, last_event_type,
    last_event_time, applied_at, lag_seconds, age_seconds}]}``; a source nothing has
    been applied from has None for the times."""
    now = now or datetime.now(UTC)
    last = {(r.subscription, r.source): r for r in conn.execute(_LAST)}
    applied = {(r.subscription, r.source): r.updated_at for r in conn.execute(_APPLIED)}
    sources = []
    for subscription, source in SUBSCRIPTION_SOURCES:
        row = last.get((subscription, source))
        event_time = _moment(row.last_event_time) if row else None
        applied_at = _moment(applied.get((subscription, source)))
        sources.append(
            {
                "subscription": subscription,
                "source": source,
                "label": SOURCES[source],
                "last_event_type": row.last_event_type.rsplit(".", 1)[-1] if row else None,
                "last_event_time": event_time.isoformat() if event_time else None,
                "applied_at": applied_at.isoformat() if applied_at else None,
                "lag_seconds": (
                    max(0.0, round((applied_at - event_time).total_seconds(), 1))
                    if event_time and applied_at
                    else None
                ),
                "age_seconds": round((now - applied_at).total_seconds(), 1) if applied_at else None,
            }
        )
    return {"checked_at": now.isoformat(), "sources": sources}
