"""Accounts with given roles and their identity tokens, for tests and demo data.

Goes through the real handlers: the account is created, each role granted with its
``RoleGranted`` event, and the token signed with directory's current key.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from waymark_directory.adapters.keys import KeyRing
from waymark_directory.service_layer import staff
from waymark_directory.service_layer.signing_in import principal_for
from waymark_shared.auth.principal import Grant, Principal
from waymark_shared.auth.tokens import issue_token
from waymark_shared.service import ServiceRuntime

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - a fixture's password


def account_with_grants(
    runtime: ServiceRuntime, *grants: Grant, email: str | None = None, name: str = "Test Person"
) -> tuple[Principal, str]:
    now = datetime.now(UTC)
    with runtime.engine.begin() as conn:
        account_id = staff.create_account(
            runtime, conn, email or f"{uuid.uuid4().hex[:12]}@example.org", name, TEST_PASSWORD, now=now
        )
        for grant in grants:
            staff.grant_in(runtime, conn, account_id, grant.role, grant.scope_id, granted_by=None, now=now)
    principal = principal_for(runtime, account_id)
    assert principal is not None
    return principal, token_for(runtime, principal)


def token_for(runtime: ServiceRuntime, principal: Principal) -> str:
    ring = runtime.extras.setdefault("key_ring", KeyRing(runtime.engine))
    return issue_token(principal, ring.current())  # type: ignore[attr-defined]
