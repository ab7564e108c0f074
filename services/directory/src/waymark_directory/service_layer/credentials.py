"""Machine and guest credentials: API clients for partner systems, and Ofsted share
links (read-only access to one institution's Ofsted pack, expiring, revocable, every
use logged)."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from waymark_directory.adapters.identity_tables import api_clients, share_link_uses, share_links
from waymark_directory.adapters.passwords import new_token, token_digest
from waymark_directory.domain.accounts import IdentityError, share_link_expiry
from waymark_directory.domain.identity_events import (
    ApiClientRegistered,
    ApiClientRevoked,
    OfstedShareLinkCreated,
    OfstedShareLinkRevoked,
    OfstedShareLinkUsed,
)
from waymark_directory.service_layer.recording import record
from waymark_directory.service_layer.staff import NotFound
from waymark_shared.auth.principal import (
    API_CLIENT,
    API_SCOPES,
    CLIENT,
    INSTITUTION,
    OFSTED_PACK_SCOPE,
    OFSTED_VIEWER,
    SHARE_LINK,
    Grant,
    Principal,
)
from waymark_shared.service import ServiceRuntime

logger = logging.getLogger("waymark.directory.credentials")
# A share-link session lasts an hour at most (and never beyond the link's expiry).
SHARE_SESSION = timedelta(hours=1)


class ShareLinkUnusable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "unknown", "expired" or "revoked"


@dataclass(frozen=True)
class NewClient:
    client_id: str
    secret: str


def register_client(
    runtime: ServiceRuntime, *, institution_id: str, name: str, scopes: list[str], registered_by: str
) -> NewClient:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter a name that says which system this is."]
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        errors["scopes"] = [f"Choose at least one of: {', '.join(API_SCOPES)}."]
    if errors:
        raise IdentityError(errors)
    client_id = f"wm_{secrets.token_hex(12)}"
    secret = new_token()
    chosen = tuple(sorted(set(scopes)))
    with runtime.engine.begin() as conn:
        conn.execute(
            api_clients.insert().values(
                client_id=client_id,
                name=name.strip(),
                secret_hash=token_digest(secret),
                scopes=" ".join(chosen),
                institution_id=institution_id,
                created_by=registered_by,
                created_at=datetime.now(UTC),
            )
        )
        event = ApiClientRegistered(client_id, name.strip(), institution_id, chosen, registered_by)
        record(runtime, conn, f"api-client-{client_id}", institution_id, [event])
    return NewClient(client_id, secret)


def revoke_client(runtime: ServiceRuntime, client_id: str, *, revoked_by: str) -> None:
    with runtime.engine.begin() as conn:
        row = conn.execute(select(api_clients).where(api_clients.c.client_id == client_id)).first()
        if row is None or row.revoked_at is not None:
            raise NotFound(client_id)
        conn.execute(
            update(api_clients)
            .where(api_clients.c.client_id == client_id)
            .values(revoked_at=datetime.now(UTC))
        )
        record(
            runtime,
            conn,
            f"api-client-{client_id}",
            row.institution_id,
            [ApiClientRevoked(client_id, row.institution_id, revoked_by)],
        )


def client_principal(
    runtime: ServiceRuntime, client_id: str, secret: str, requested: set[str] | None
) -> Principal | None:
    """The client, if ``secret`` is right and it is not revoked, narrowed to the
    ``requested`` scopes (which must be a subset of what it holds)."""
    with runtime.engine.connect() as conn:
        row = conn.execute(select(api_clients).where(api_clients.c.client_id == client_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not secrets.compare_digest(row.secret_hash, token_digest(secret)):
        return None
    held = set(row.scopes.split())
    scopes = requested or held
    if not scopes <= held:
        raise IdentityError({"scope": [f"This client may ask only for: {' '.join(sorted(held))}."]})
    return Principal(
        subject=client_id,
        kind=CLIENT,
        name=row.name,
        grants=(Grant(API_CLIENT, INSTITUTION, row.institution_id),),
        scopes=frozenset(scopes),
    )


def clients_of(runtime: ServiceRuntime, institution_id: str) -> list[dict]:
    query = (
        select(api_clients)
        .where(api_clients.c.institution_id == institution_id)
        .order_by(api_clients.c.created_at)
    )
    with runtime.engine.connect() as conn:
        return [{k: v for k, v in row._mapping.items() if k != "secret_hash"} for row in conn.execute(query)]


def create_share_link(
    runtime: ServiceRuntime,
    *,
    institution_id: str,
    created_by: str,
    days: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[str, str, datetime]:
    """A new link; returns ``(link_id, token, expires_at)``. Only the token's hash is kept."""
    now = now or datetime.now(UTC)
    expires_at = share_link_expiry(now, days)
    link_id = str(uuid.uuid4())
    token = new_token()
    with runtime.engine.begin() as conn:
        conn.execute(
            share_links.insert().values(
                link_id=link_id,
                token_hash=token_digest(token),
                institution_id=institution_id,
                created_by=created_by,
                created_at=now,
                expires_at=expires_at,
                note=(note or "").strip()[:200] or None,
            )
        )
        event = OfstedShareLinkCreated(link_id, institution_id, expires_at.isoformat(), created_by)
        record(runtime, conn, f"share-link-{link_id}", institution_id, [event])
    return link_id, token, expires_at


def revoke_share_link(runtime: ServiceRuntime, link_id: str, *, institution_id: str, revoked_by: str) -> None:
    with runtime.engine.begin() as conn:
        row = conn.execute(select(share_links).where(share_links.c.link_id == link_id)).first()
        if row is None or row.institution_id != institution_id or row.revoked_at is not None:
            raise NotFound(link_id)
        conn.execute(
            update(share_links)
            .where(share_links.c.link_id == link_id)
            .values(revoked_at=datetime.now(UTC), revoked_by=revoked_by)
        )
        record(
            runtime,
            conn,
            f"share-link-{link_id}",
            institution_id,
            [OfstedShareLinkRevoked(link_id, institution_id, revoked_by)],
        )


def use_share_link(
    runtime: ServiceRuntime, token: str, *, client_address: str, user_agent: str, now: datetime | None = None
) -> tuple[Principal, datetime]:
    """Log the use and return the read-only principal and when its session ends."""
    now = now or datetime.now(UTC)
    with runtime.engine.begin() as conn:
        row = conn.execute(select(share_links).where(share_links.c.token_hash == token_digest(token))).first()
        if row is None:
            raise ShareLinkUnusable("unknown")
        if row.revoked_at is not None:
            raise ShareLinkUnusable("revoked")
        if row.expires_at <= now:
            raise ShareLinkUnusable("expired")
        conn.execute(
            share_link_uses.insert().values(
                link_id=row.link_id,
                used_at=now,
                client_address=client_address[:64],
                user_agent=user_agent[:300],
            )
        )
        record(
            runtime,
            conn,
            f"share-link-{row.link_id}",
            row.institution_id,
            [OfstedShareLinkUsed(row.link_id, row.institution_id, now.isoformat())],
        )
    logger.info(
        "Ofsted share link used", extra={"link_id": row.link_id, "institution_id": row.institution_id}
    )
    principal = Principal(
        subject=f"share-link:{row.link_id}",
        kind=SHARE_LINK,
        name="Ofsted inspector",
        grants=(Grant(OFSTED_VIEWER, INSTITUTION, row.institution_id),),
        scopes=frozenset({OFSTED_PACK_SCOPE}),
    )
    return principal, min(row.expires_at, now + SHARE_SESSION)


def share_links_of(runtime: ServiceRuntime, institution_id: str) -> list[dict]:
    with runtime.engine.connect() as conn:
        links = [dict(row._mapping) for row in conn.execute(
            select(share_links).where(share_links.c.institution_id == institution_id).order_by(share_links.c.created_at.desc())
        )]  # fmt: skip
        for link in links:
            link.pop("token_hash")
            link["uses"] = [dict(row._mapping) for row in conn.execute(
                select(share_link_uses.c.used_at, share_link_uses.c.client_address, share_link_uses.c.user_agent)
                .where(share_link_uses.c.link_id == link["link_id"])
                .order_by(share_link_uses.c.used_at.desc())
            )]  # fmt: skip
    return links
