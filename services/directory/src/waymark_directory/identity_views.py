"""Directory's read side for identity: staff of an institution, requests waiting."""

from __future__ import annotations

from sqlalchemy import select

from waymark_directory.adapters.identity_tables import accounts, role_grants, role_requests
from waymark_directory.adapters.tables import institutions
from waymark_shared.auth.principal import INSTITUTION, PLATFORM, Principal
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime


def staff_of(runtime: ServiceRuntime, institution_id: str) -> list[dict]:
    """Everyone holding a role at the institution, with their roles."""
    query = (
        select(accounts.c.account_id, accounts.c.name, accounts.c.email, role_grants.c.role, role_grants.c.administrator, role_grants.c.granted_at)
        .join(role_grants, role_grants.c.account_id == accounts.c.account_id)
        .where(role_grants.c.scope_type == INSTITUTION, role_grants.c.scope_id == institution_id)
        .order_by(accounts.c.name, role_grants.c.role)
    )  # fmt: skip
    people: dict[str, dict] = {}
    with reading(runtime.engine) as conn:
        for row in conn.execute(query):
            person = people.setdefault(
                row.account_id,
                {
                    "account_id": row.account_id,
                    "name": row.name,
                    "email": row.email,
                    "roles": [],
                    "administrator": False,
                },
            )
            person["roles"].append(row.role)
            person["administrator"] = person["administrator"] or bool(row.administrator)
    return list(people.values())


def pending_requests(
    runtime: ServiceRuntime, *, institution_id: str | None = None, platform: bool = False
) -> list[dict]:
    """Requests waiting at one institution, or (``platform``) those an admin decides."""
    table = role_requests
    query = (
        select(table, accounts.c.name, accounts.c.email)
        .join(accounts, accounts.c.account_id == table.c.account_id)
        .where(table.c.status == "pending")
        .order_by(table.c.requested_at)
    )
    if platform:
        query = query.where(table.c.scope_type != INSTITUTION)
    else:
        query = query.where(table.c.scope_type == INSTITUTION, table.c.scope_id == institution_id)
    with reading(runtime.engine) as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def institution_summary(runtime: ServiceRuntime, institution_id: str) -> dict | None:
    with reading(runtime.engine) as conn:
        row = conn.execute(
            select(institutions).where(institutions.c.institution_id == institution_id)
        ).first()
    return dict(row._mapping) if row else None


def institution_choices(runtime: ServiceRuntime) -> list[dict]:
    query = select(
        institutions.c.institution_id, institutions.c.name, institutions.c.urn, institutions.c.ukprn
    )
    with reading(runtime.engine) as conn:
        return [dict(row._mapping) for row in conn.execute(query.order_by(institutions.c.name))]


def institutions_of(runtime: ServiceRuntime, principal: Principal) -> list[dict]:
    """The institutions where the principal holds a staff role (for its home page)."""
    ids = principal.scope_ids(INSTITUTION)
    if not ids:
        return []
    with reading(runtime.engine) as conn:
        rows = conn.execute(
            select(institutions).where(institutions.c.institution_id.in_(ids)).order_by(institutions.c.name)
        )
        return [dict(row._mapping) for row in rows]


def is_platform_scope(scope_type: str) -> bool:
    return scope_type == PLATFORM


def requests_of(runtime: ServiceRuntime, account_id: str) -> list[dict]:
    with reading(runtime.engine) as conn:
        rows = conn.execute(
            select(role_requests)
            .where(role_requests.c.account_id == account_id)
            .order_by(role_requests.c.requested_at)
        )
        return [dict(row._mapping) for row in rows]
