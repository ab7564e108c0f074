"""Signing in: passwords with lockout, sessions that can be ended everywhere, and the
principal (with its grants) that directory signs into identity tokens."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import Counter
from sqlalchemy import delete, select, update

from waymark_directory.adapters.identity_tables import accounts, role_grants, sign_in_failures
from waymark_directory.adapters.passwords import hash_password, needs_rehash, verify_password
from waymark_directory.domain.accounts import (
    FAILURE_WINDOW,
    MAX_FAILURES_PER_ADDRESS,
    lockout,
    normalise_email,
)
from waymark_shared.auth.principal import PERSON, Grant, Principal
from waymark_shared.service import ServiceRuntime

logger = logging.getLogger("waymark.directory.sign_in")
SIGN_INS = Counter("waymark_directory_sign_ins_total", "Sign-in attempts by outcome", ["outcome"])


class SignInRefused(Exception):
    """Wrong email or password, or locked: ``locked_until`` says which."""

    def __init__(self, locked_until: datetime | None = None):
        super().__init__("locked" if locked_until else "wrong email or password")
        self.locked_until = locked_until


@dataclass(frozen=True)
class Session:
    account_id: str
    epoch: int


def authenticate(
    runtime: ServiceRuntime, email: str, password: str, client_address: str, now: datetime | None = None
) -> Session:
    now = now or datetime.now(UTC)
    address = normalise_email(email)
    with runtime.engine.begin() as conn:
        since = now - FAILURE_WINDOW
        by_email = [row.failed_at for row in conn.execute(
            select(sign_in_failures.c.failed_at).where(
                sign_in_failures.c.email == address, sign_in_failures.c.failed_at > since
            )
        )]  # fmt: skip
        by_address = [row.failed_at for row in conn.execute(
            select(sign_in_failures.c.failed_at).where(
                sign_in_failures.c.client_address == client_address, sign_in_failures.c.failed_at > since
            )
        )]  # fmt: skip
        locked = lockout(by_email, now)
        if not locked.locked:
            locked = lockout(by_address, now, MAX_FAILURES_PER_ADDRESS)
        if locked.locked:
            SIGN_INS.labels("locked").inc()
            raise SignInRefused(locked.until)
        row = conn.execute(select(accounts).where(accounts.c.email == address)).first()
        verified = verify_password(row.password_hash if row else None, password)
        if not verified:
            # Committed with the transaction, then refused: the failure must count.
            conn.execute(
                sign_in_failures.insert().values(email=address, client_address=client_address, failed_at=now)
            )
        else:
            conn.execute(delete(sign_in_failures).where(sign_in_failures.c.email == address))
            if needs_rehash(row.password_hash):
                conn.execute(
                    update(accounts)
                    .where(accounts.c.account_id == row.account_id)
                    .values(password_hash=hash_password(password))
                )
    if not verified:
        SIGN_INS.labels("failed").inc()
        raise SignInRefused()
    SIGN_INS.labels("succeeded").inc()
    logger.info("signed in", extra={"account_id": row.account_id})
    return Session(row.account_id, row.session_epoch)


def session_valid(runtime: ServiceRuntime, session: Session) -> bool:
    with runtime.engine.connect() as conn:
        row = conn.execute(
            select(accounts.c.session_epoch).where(accounts.c.account_id == session.account_id)
        ).first()
    return row is not None and row.session_epoch == session.epoch


def sign_out_everywhere(runtime: ServiceRuntime, account_id: str) -> None:
    """Void every session of the account; identity tokens already issued lapse
    within their lifetime (ten minutes), as other services verify them offline."""
    with runtime.engine.begin() as conn:
        conn.execute(
            update(accounts)
            .where(accounts.c.account_id == account_id)
            .values(session_epoch=accounts.c.session_epoch + 1)
        )
    logger.info("signed out everywhere", extra={"account_id": account_id})


def principal_for(
    runtime: ServiceRuntime, account_id: str, session_id: str | None = None
) -> Principal | None:
    with runtime.engine.connect() as conn:
        account = conn.execute(select(accounts).where(accounts.c.account_id == account_id)).first()
        if account is None:
            return None
        grants = conn.execute(select(role_grants).where(role_grants.c.account_id == account_id))
        held = tuple(sorted(Grant(row.role, row.scope_type, row.scope_id or None) for row in grants))
    return Principal(
        subject=account_id,
        kind=PERSON,
        name=account.name,
        email=account.email,
        grants=held,
        session_id=session_id,
    )
