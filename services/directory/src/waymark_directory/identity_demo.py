"""Demo staff: someone in every role, with credentials printed at start-up.

Every demo account shares one password, printed by ``waymark up`` beside the emails;
demo data is for trying Waymark on one's own machine, never for a shared server.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from waymark_directory.adapters.identity_tables import accounts, role_grants
from waymark_directory.adapters.tables import institutions
from waymark_directory.service_layer import staff
from waymark_shared.auth.principal import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    PROVIDER_EDITOR,
    ROLE_TITLES,
    SENIOR_LEADER,
    TRUST_LEAD,
)
from waymark_shared.service import ServiceRuntime

DEMO_PASSWORD = "waymark-demo-password"  # noqa: S105 - printed for demo sign-in, by design
DEMO_DOMAIN = "demo.waymark.test"
INSTITUTION_STAFF = (
    (CAREERS_LEADER, "Careers Leader"),
    (SENIOR_LEADER, "Senior Leader"),
    (GOVERNOR, "Governor"),
    (CAREERS_ADVISER, "Careers Adviser"),
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30]


def seed_demo_staff(
    runtime: ServiceRuntime, institution_ids: list[str], provider_id: str | None = None
) -> None:
    """Every institution role at each of ``institution_ids``, a hub and a trust lead
    over the first one's hub and trust, a provider editor and a platform admin."""
    now = datetime.now(UTC)
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            select(institutions).where(institutions.c.institution_id.in_(institution_ids))
        ).fetchall()
    by_id = {row.institution_id: row for row in rows}
    chosen = [by_id[i] for i in institution_ids if i in by_id]
    for row in chosen:
        for role, title in INSTITUTION_STAFF:
            email = f"{role.replace('_', '.')}@{_slug(row.name)}.{DEMO_DOMAIN}"
            _person(runtime, email, f"{title}, {row.name}", role, row.institution_id, now=now)
    first = chosen[0] if chosen else None
    if first is not None and first.careers_hub:
        _person(
            runtime,
            f"hub.lead@{DEMO_DOMAIN}",
            f"Hub Lead, {first.careers_hub}",
            HUB_LEAD,
            first.careers_hub,
            now=now,
        )
    if first is not None and first.trust:
        _person(
            runtime,
            f"trust.lead@{DEMO_DOMAIN}",
            f"Trust Lead, {first.trust}",
            TRUST_LEAD,
            first.trust,
            now=now,
        )
    if provider_id:
        _person(
            runtime,
            f"provider.editor@{DEMO_DOMAIN}",
            "Provider Editor",
            PROVIDER_EDITOR,
            provider_id,
            now=now,
        )
    _person(runtime, f"admin@{DEMO_DOMAIN}", "Platform Administrator", ADMIN, None, now=now)


def _person(
    runtime: ServiceRuntime, email: str, name: str, role: str, scope_id: str | None, *, now: datetime
) -> None:
    with runtime.engine.begin() as conn:
        account_id = staff.create_account(runtime, conn, email, name, DEMO_PASSWORD, now=now)
        staff.grant_in(runtime, conn, account_id, role, scope_id, granted_by=None, now=now)


def demo_credentials(runtime: ServiceRuntime) -> list[str]:
    """Lines for the start-up banner: each demo account's role and email."""
    query = (
        select(accounts.c.email, role_grants.c.role)
        .join(role_grants, role_grants.c.account_id == accounts.c.account_id)
        .where(accounts.c.email.like(f"%{DEMO_DOMAIN}"))
        .order_by(accounts.c.email)
    )
    with runtime.engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    if not rows:
        return []
    order = list(ROLE_TITLES)
    rows = sorted(
        rows,
        key=lambda row: (row.email.split("@")[1].count("."), row.email.split("@")[1], order.index(row.role)),
    )
    lines = [f"demo sign-in (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {ROLE_TITLES[row.role]:<44} {row.email}" for row in rows]
    return lines
