"""Every directory route × every role × own versus another tenant.

The policy below is the specification: for each endpoint, who gets past
authorisation on the "own" tenant (institution A, provider P). On the "other" tenant
(institution B, provider Q) only a platform administrator does, and not even they
for pupil-level data. A route missing from the policy fails the test, so a new route
cannot ship without a decision. Run on SQLite only: the policy does not depend on the
backend (each route's own tests cover both).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from authz_probe import outcome, routes
from authz_world import ADMINISTRATOR, PRINCIPALS, build_world

from waymark_directory.service import DEFINITION
from waymark_shared.auth import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    PROVIDER_EDITOR,
    SENIOR_LEADER,
    TRUST_LEAD,
)
from waymark_shared.config import Settings
from waymark_shared.service import bootstrap

EVERYONE = set(PRINCIPALS)
PEOPLE = {
    ADMINISTRATOR,
    CAREERS_LEADER,
    SENIOR_LEADER,
    GOVERNOR,
    CAREERS_ADVISER,
    HUB_LEAD,
    TRUST_LEAD,
    PROVIDER_EDITOR,
    ADMIN,
}
SIGNED_IN = PEOPLE | {"api_client"}
STAFF_MANAGERS = {ADMINISTRATOR, ADMIN}
LEADERS = {ADMINISTRATOR, CAREERS_LEADER, ADMIN}
SHARERS = LEADERS | {SENIOR_LEADER}
STAFF_VIEWERS = SHARERS
INSTITUTION_VIEWERS = {
    ADMINISTRATOR,
    CAREERS_LEADER,
    SENIOR_LEADER,
    GOVERNOR,
    CAREERS_ADVISER,
    HUB_LEAD,
    TRUST_LEAD,
    ADMIN,
    "api_client",
}
ROSTER_VIEWERS = {ADMINISTRATOR, CAREERS_LEADER, SENIOR_LEADER, CAREERS_ADVISER, "api_client"}
ROSTER_MANAGERS = {ADMINISTRATOR, CAREERS_LEADER}
PROVIDER_EDITORS = {PROVIDER_EDITOR, ADMIN}
ADMINS = {ADMIN}

# endpoint -> who is let in on the own tenant.
POLICY: dict[str, set[str]] = {
    # Public: signing in, joining, the published keys, searching providers.
    "identity.jwks": EVERYONE,
    "identity.token": EVERYONE,
    "identity.register": EVERYONE,
    "identity_pages.sign_in": EVERYONE,
    "identity_pages.sign_out": EVERYONE,
    "identity_pages.create_account": EVERYONE,
    "identity_pages.accept_invitation": EVERYONE,
    "identity_pages.use_share_link": EVERYONE,
    "provider_pages.search": EVERYONE,
    "provider_pages.show": EVERYONE,
    "providers.search": EVERYONE,
    "providers.show": EVERYONE,
    "roster.template": EVERYONE,
    # Anyone signed in, about themselves.
    "identity.me": SIGNED_IN,
    "identity.role_requests": SIGNED_IN,
    "identity_pages.account": PEOPLE,
    "identity_pages.sign_out_everywhere": PEOPLE,
    # Staff and roles.
    "identity.institution_staff": STAFF_VIEWERS,
    "identity_pages.institution_staff": STAFF_VIEWERS,
    "identity.invite": STAFF_MANAGERS,
    "identity_pages.invite": STAFF_MANAGERS,
    "identity.revoke_role": STAFF_MANAGERS,
    "identity_pages.remove_role": STAFF_MANAGERS,
    "identity.approve": STAFF_MANAGERS,
    "identity.decline": STAFF_MANAGERS,
    "identity_pages.decide": STAFF_MANAGERS,
    "identity_pages.platform_requests": ADMINS,
    "identity.rotate_keys": ADMINS,
    # API clients and Ofsted share links.
    "identity.api_clients": LEADERS,
    "identity.register_api_client": LEADERS,
    "identity.revoke_api_client": LEADERS,
    "identity_pages.api_clients": LEADERS,
    "identity_pages.revoke_api_client": LEADERS,
    "identity.share_links": SHARERS,
    "identity.create_share_link": SHARERS,
    "identity.revoke_share_link": SHARERS,
    "identity_pages.share_links": SHARERS,
    "identity_pages.revoke_share_link": SHARERS,
    # Institutions: each sees its own (lists are filtered, so any caller may ask).
    "institutions.index": SIGNED_IN,
    "institution_pages.index": SIGNED_IN,
    "institutions.show": INSTITUTION_VIEWERS,
    "institution_pages.show": INSTITUTION_VIEWERS,
    "institutions.update": LEADERS,
    "institution_pages.edit": LEADERS,
    "institutions.register": ADMINS,
    "institutions.close": ADMINS,
    "institution_pages.close": ADMINS,
    "institutions.import_establishments": ADMINS,
    "institutions.show_import": ADMINS,
    "institution_pages.import_establishments": ADMINS,
    "institution_pages.import_report": ADMINS,
    # The roster: pupil-level data, for the institution's careers staff only.
    "roster.list_learners": ROSTER_VIEWERS,
    "roster.show_learner": ROSTER_VIEWERS,
    "roster_pages.learners": ROSTER_VIEWERS,
    "roster_pages.learner": ROSTER_VIEWERS,
    "roster.create_import": ROSTER_MANAGERS,
    "roster.list_imports": ROSTER_MANAGERS,
    "roster.show_import": ROSTER_MANAGERS,
    "roster.erase_learner": ROSTER_MANAGERS,
    "roster_pages.import_roster": ROSTER_MANAGERS,
    "roster_pages.import_history": ROSTER_MANAGERS,
    "roster_pages.import_record": ROSTER_MANAGERS,
    "roster_pages.erase": ROSTER_MANAGERS,
    # Providers: anyone may list one; its editors change it; admins moderate.
    "providers.submit": PEOPLE,
    "provider_pages.new": PEOPLE,
    "providers.update": PROVIDER_EDITORS,
    "providers.withdraw": PROVIDER_EDITORS,
    "provider_pages.edit": PROVIDER_EDITORS,
    "provider_pages.withdraw": PROVIDER_EDITORS,
    "providers.approve": ADMINS,
    "providers.reject": ADMINS,
    "providers.moderation_queue": ADMINS,
    "provider_pages.approve": ADMINS,
    "provider_pages.reject": ADMINS,
    "provider_pages.moderation": ADMINS,
}
# Not about a tenant: the same answer whichever ids the path holds.
TENANT_FREE = {
    endpoint
    for endpoint, allowed in POLICY.items()
    if allowed in (EVERYONE, SIGNED_IN, PEOPLE) or endpoint in {
        "identity_pages.platform_requests", "identity.rotate_keys", "institutions.register",
        "institutions.import_establishments", "institutions.show_import", "institution_pages.import_establishments",
        "institution_pages.import_report", "providers.approve", "providers.reject", "providers.moderation_queue",
        "provider_pages.approve", "provider_pages.reject", "provider_pages.moderation",
    }
}  # fmt: skip
PUPIL_DATA = {endpoint for endpoint in POLICY if endpoint.startswith("roster")} - {"roster.template"}


def expected(endpoint: str, principal: str, which: str) -> str:
    allowed = POLICY[endpoint]
    if which == "other" and endpoint not in TENANT_FREE:
        allowed = set() if endpoint in PUPIL_DATA else allowed & ADMINS
    return "allowed" if principal in allowed else "refused"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The two-tenant world, built once; each check starts from a copy of it."""
    folder = tmp_path_factory.mktemp("world")
    runtime = _runtime(folder)
    runtime.migrate()
    world = build_world(runtime)
    runtime.dispose()
    return folder, world


def _runtime(folder: Path):  # type: ignore[no-untyped-def]
    env = {
        "WAYMARK_ENV": "test",
        "WAYMARK_DIRECTORY_DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite3'}",
    }
    return bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=folder))


class Copies:
    """A fresh copy of the world after anything that may have changed it."""

    def __init__(self, pristine: tuple[Path, object], scratch: Path):
        self.source, self.world = pristine
        self.scratch = scratch
        self.runtime = None
        self.app = None
        self.dirty = True

    def current(self):  # type: ignore[no-untyped-def]
        if self.dirty:
            self.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
            shutil.copytree(self.source, self.scratch)
            self.runtime = _runtime(self.scratch)
            self.app = DEFINITION.create_app(self.runtime)
            self.dirty = False
        return self.app

    def close(self) -> None:
        if self.runtime is not None:
            self.runtime.dispose()


def test_every_route_has_a_policy(pristine) -> None:  # type: ignore[no-untyped-def]
    folder, _ = pristine
    app = DEFINITION.create_app(_runtime(folder))
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert endpoints - set(POLICY) == set(), "routes without a decision in POLICY"
    assert set(POLICY) - endpoints == set(), "POLICY names routes that do not exist"


@pytest.mark.slow
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_role_reaches_exactly_what_the_policy_allows(principal: str, pristine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copies = Copies(pristine, tmp_path / "copy")
    wrong = []
    try:
        for endpoint, method, rule in routes(copies.current()):
            for which in ("own", "other"):
                got = outcome(copies.current(), copies.world, principal, endpoint, method, rule, which)
                if got != expected(endpoint, principal, which):
                    wrong.append(
                        f"{method} {rule} ({which}): {got}, expected {expected(endpoint, principal, which)}"
                    )
                copies.dirty = copies.dirty or (method != "GET" and got == "allowed")
    finally:
        copies.close()
    assert wrong == []


def test_refusals_do_not_reveal_whether_another_tenants_records_exist(pristine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A careers leader of A probing B's learners, imports, links and clients gets the
    same answer as for ids that exist nowhere."""
    import uuid

    from authz_world import sign_in

    copies = Copies(pristine, tmp_path / "copy")
    app = copies.current()
    world = copies.world
    client = app.test_client()
    sign_in(client, world, CAREERS_LEADER)
    other = world.ids("other")
    probes = [
        "/api/institutions/{institution_id}/learners/{learner_id}",
        "/api/institutions/{institution_id}/roster/imports/{import_id}",
    ]
    try:
        for template in probes:
            real = client.get(template.format(**other))
            made_up = client.get(
                template.format(**{**other, "learner_id": str(uuid.uuid4()), "import_id": str(uuid.uuid4())})
            )
            assert real.status_code == made_up.status_code, template
            assert real.json["title"] == made_up.json["title"], template
            answer = {
                key: value for key, value in real.json.items() if key not in {"instance", "correlation_id"}
            }
            assert other["learner_id"] not in str(answer)
    finally:
        copies.close()
