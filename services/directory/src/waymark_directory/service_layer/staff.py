"""Staff accounts and roles: registering, requesting, approving, granting, revoking
(inviting is in ``invitations``).

Role changes are events on the account's stream (``account-<id>``), projected inline
into ``role_grants`` / ``role_requests``. The first careers leader of an institution
becomes its administrator; later staff wait for the administrator's approval.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from waymark_directory.adapters.email import compose, email_sender
from waymark_directory.adapters.identity_tables import (
    accounts,
    institution_administrators,
    role_grants,
    role_requests,
)
from waymark_directory.adapters.passwords import hash_password
from waymark_directory.adapters.tables import institutions
from waymark_directory.domain.accounts import (
    IdentityError,
    account_errors,
    approved_automatically,
    normalise_email,
    role_request_errors,
    scope_type_for,
)
from waymark_directory.domain.identity_events import (
    RoleGranted,
    RoleRequestDeclined,
    RoleRequested,
    RoleRevoked,
)
from waymark_directory.service_layer.recording import record
from waymark_shared.auth.principal import INSTITUTION, PLATFORM, ROLE_TITLES
from waymark_shared.service import ServiceRuntime


class NotFound(LookupError):
    pass


@dataclass(frozen=True)
class Registration:
    account_id: str
    granted: bool
    administrator: bool


def account_stream(account_id: str) -> str:
    return f"account-{account_id}"


def subject_for(scope_type: str, scope_id: str | None) -> str:
    """Kafka key of a role event: the institution, else the hub, trust or provider."""
    return scope_id if scope_type == INSTITUTION and scope_id else f"{scope_type}:{scope_id or ''}"


def create_account(
    runtime: ServiceRuntime, conn: Connection, email: str, name: str, password: str, *, now: datetime
) -> str:
    errors = account_errors(email, name, password)
    if errors:
        raise IdentityError(errors)
    account_id = str(uuid.uuid4())
    try:
        with conn.begin_nested():
            conn.execute(
                accounts.insert().values(
                    account_id=account_id,
                    email=normalise_email(email),
                    name=name.strip(),
                    password_hash=hash_password(password),
                    session_epoch=0,
                    created_at=now,
                )
            )
    except IntegrityError:
        raise IdentityError(
            {"email": ["An account with this email address already exists: sign in instead."]}
        ) from None
    return account_id


def register(
    runtime: ServiceRuntime,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    scope_id: str | None,
    now: datetime | None = None,
) -> Registration:
    """A new account asking for ``role`` over ``scope_id`` (an institution id, or a hub
    or trust name). Granted at once for an institution's first careers leader."""
    now = now or datetime.now(UTC)
    errors = {**account_errors(email, name, password), **role_request_errors(role, scope_id)}
    if errors:
        raise IdentityError(errors)
    with runtime.engine.begin() as conn:
        account_id = create_account(runtime, conn, email, name, password, now=now)
        registration = request_role(runtime, conn, account_id, role, (scope_id or "").strip(), now=now)
    if not registration.granted:
        _tell_approvers(runtime, role, (scope_id or "").strip())
    return registration


def request_role(
    runtime: ServiceRuntime, conn: Connection, account_id: str, role: str, scope_id: str, *, now: datetime
) -> Registration:
    scope_type = scope_type_for(role)
    if scope_type == INSTITUTION and not institution_exists(conn, scope_id):
        raise IdentityError({"scope_id": ["Choose an institution registered with Waymark."]})
    if approved_automatically(role, scope_type, _has_administrator(conn, scope_id)):
        try:
            with conn.begin_nested():
                conn.execute(
                    institution_administrators.insert().values(institution_id=scope_id, account_id=account_id)
                )
        except IntegrityError:
            pass  # another first careers leader won the race: this one waits for approval
        else:
            grant = RoleGranted(account_id, role, scope_type, scope_id, None, administrator=True)
            _grant(runtime, conn, grant, now)
            return Registration(account_id, granted=True, administrator=True)
    request_id = str(uuid.uuid4())
    event = RoleRequested(request_id, account_id, role, scope_type, scope_id)
    record(runtime, conn, account_stream(account_id), subject_for(scope_type, scope_id), [event])
    conn.execute(
        role_requests.insert().values(
            request_id=request_id,
            account_id=account_id,
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            requested_at=now,
            status="pending",
        )
    )
    return Registration(account_id, granted=False, administrator=False)


def pending_request(runtime: ServiceRuntime, request_id: str) -> dict | None:
    with runtime.engine.connect() as conn:
        row = conn.execute(
            select(role_requests).where(
                role_requests.c.request_id == request_id, role_requests.c.status == "pending"
            )
        ).first()
    return dict(row._mapping) if row else None


def decide(
    runtime: ServiceRuntime,
    request_id: str,
    *,
    approve: bool,
    decided_by: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> None:
    now = now or datetime.now(UTC)
    with runtime.engine.begin() as conn:
        row = conn.execute(
            select(role_requests).where(role_requests.c.request_id == request_id).with_for_update()
        ).first()
        if row is None or row.status != "pending":
            raise NotFound(request_id)
        scope_id = row.scope_id or None
        if approve:
            grant = RoleGranted(
                row.account_id, row.role, row.scope_type, scope_id, decided_by, request_id=request_id
            )
            _grant(runtime, conn, grant, now)
        else:
            event = RoleRequestDeclined(
                request_id, row.account_id, row.role, row.scope_type, scope_id, decided_by, reason
            )
            record(
                runtime, conn, account_stream(row.account_id), subject_for(row.scope_type, scope_id), [event]
            )
        conn.execute(
            update(role_requests)
            .where(role_requests.c.request_id == request_id)
            .values(
                status="granted" if approve else "declined",
                decided_by=decided_by,
                decided_at=now,
                reason=reason,
            )
        )


def grant_role(
    runtime: ServiceRuntime,
    account_id: str,
    role: str,
    scope_id: str | None,
    *,
    granted_by: str | None,
    now: datetime | None = None,
) -> None:
    """Give ``role`` directly (an admin's decision, an accepted invitation, demo data)."""
    with runtime.engine.begin() as conn:
        grant_in(
            runtime, conn, account_id, role, scope_id, granted_by=granted_by, now=now or datetime.now(UTC)
        )


def grant_in(
    runtime: ServiceRuntime,
    conn: Connection,
    account_id: str,
    role: str,
    scope_id: str | None,
    *,
    granted_by: str | None,
    now: datetime,
) -> None:
    scope_type = scope_type_for(role)
    if _holds(conn, account_id, role, scope_type, scope_id):
        return
    administrator = False
    if approved_automatically(role, scope_type, _has_administrator(conn, scope_id or "")):
        conn.execute(
            institution_administrators.insert().values(institution_id=scope_id, account_id=account_id)
        )
        administrator = True
    grant = RoleGranted(
        account_id, role, scope_type, scope_id if scope_type != PLATFORM else None, granted_by, administrator
    )
    _grant(runtime, conn, grant, now)


def revoke(
    runtime: ServiceRuntime, account_id: str, role: str, scope_id: str | None, *, revoked_by: str
) -> None:
    scope_type = scope_type_for(role)
    with runtime.engine.begin() as conn:
        if not _holds(conn, account_id, role, scope_type, scope_id):
            raise NotFound(account_id)
        event = RoleRevoked(account_id, role, scope_type, scope_id, revoked_by)
        record(runtime, conn, account_stream(account_id), subject_for(scope_type, scope_id), [event])
        conn.execute(delete(role_grants).where(_grant_key(account_id, role, scope_type, scope_id)))
        if scope_type == INSTITUTION:
            conn.execute(
                delete(institution_administrators).where(
                    institution_administrators.c.institution_id == scope_id,
                    institution_administrators.c.account_id == account_id,
                )
            )


def is_administrator(runtime: ServiceRuntime, account_id: str, institution_id: str) -> bool:
    with runtime.engine.connect() as conn:
        row = conn.execute(
            select(institution_administrators.c.account_id).where(
                institution_administrators.c.institution_id == institution_id
            )
        ).first()
    return row is not None and row.account_id == account_id


def _grant(runtime: ServiceRuntime, conn: Connection, grant: RoleGranted, now: datetime) -> None:
    record(
        runtime,
        conn,
        account_stream(grant.account_id),
        subject_for(grant.scope_type, grant.scope_id),
        [grant],
    )
    conn.execute(
        role_grants.insert().values(
            account_id=grant.account_id,
            role=grant.role,
            scope_type=grant.scope_type,
            scope_id=grant.scope_id or "",
            administrator=grant.administrator,
            granted_at=now,
            granted_by=grant.granted_by,
        )
    )


def _grant_key(account_id: str, role: str, scope_type: str, scope_id: str | None):  # type: ignore[no-untyped-def]
    table = role_grants
    return and_(
        table.c.account_id == account_id,
        table.c.role == role,
        table.c.scope_type == scope_type,
        table.c.scope_id == (scope_id or ""),
    )


def _holds(conn: Connection, account_id: str, role: str, scope_type: str, scope_id: str | None) -> bool:
    return (
        conn.execute(
            select(role_grants.c.role).where(_grant_key(account_id, role, scope_type, scope_id))
        ).first()
        is not None
    )


def institution_exists(conn: Connection, institution_id: str) -> bool:
    query = select(institutions.c.institution_id).where(institutions.c.institution_id == institution_id)
    return conn.execute(query).first() is not None


def _has_administrator(conn: Connection, institution_id: str) -> bool:
    query = select(institution_administrators.c.account_id).where(
        institution_administrators.c.institution_id == institution_id
    )
    return conn.execute(query).first() is not None


def scope_label(conn: Connection, scope_type: str, scope_id: str | None) -> str:
    if scope_type == INSTITUTION:
        row = conn.execute(
            select(institutions.c.name).where(institutions.c.institution_id == scope_id)
        ).first()
        return row.name if row else "your institution"
    if scope_type == PLATFORM:
        return "the whole platform"
    return f"{scope_id}"


def _tell_approvers(runtime: ServiceRuntime, role: str, scope_id: str) -> None:
    """Email whoever approves the request: the administrator, or the platform admins."""
    with runtime.engine.connect() as conn:
        if scope_type_for(role) == INSTITUTION:
            query = (
                select(accounts.c.email)
                .join(
                    institution_administrators,
                    institution_administrators.c.account_id == accounts.c.account_id,
                )
                .where(institution_administrators.c.institution_id == scope_id)
            )
        else:
            query = (
                select(accounts.c.email)
                .join(role_grants, role_grants.c.account_id == accounts.c.account_id)
                .where(role_grants.c.role == "admin")
            )
        recipients = [row.email for row in conn.execute(query)]
        where = scope_label(conn, scope_type_for(role), scope_id)
    link = f"{runtime.settings.public_url}/directory/staff"
    for address in recipients:
        body = (
            f"Someone has asked to join {where} on Waymark as {ROLE_TITLES[role].lower()}.\n\n"
            f"Approve or decline the request:\n{link}"
        )
        email_sender(runtime.settings).send(
            compose(runtime.settings, address, "A Waymark request waits for you", body)
        )
