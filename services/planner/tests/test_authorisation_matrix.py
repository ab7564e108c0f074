"""Every planner route × every principal × own versus another institution.

The policy below is the specification: for each endpoint, who gets past authorisation
on the "own" institution (A). On the "other" institution (B) only a platform
administrator does, and only to read. A route missing from the policy fails the test,
so a new route cannot ship without a decision. Run on SQLite only: the policy does not
depend on the backend (each route's own tests cover both).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from audit_events import AuditLog
from authz_planner_probe import outcome, path_for, routes
from authz_planner_world import API_READER, API_WRITER, PRINCIPALS, PlannerWorld, build_world, sign_in
from directory_events import DirectoryLog
from planner_world import World as Events

from waymark_planner.service import DEFINITION, SUBSCRIPTIONS
from waymark_shared.auth import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    TRUST_LEAD,
)
from waymark_shared.auth.tokens import JwksKeySource, SigningKey
from waymark_shared.config import Settings
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.service import bootstrap

EDITORS = {CAREERS_LEADER, CAREERS_ADVISER}
LOGGERS = EDITORS | {API_WRITER}
# The plan with learner-level participation: the institution's own staff, admins, API readers.
READERS = EDITORS | {SENIOR_LEADER, GOVERNOR, ADMIN, API_READER}
# The plan with participation as counts: the above, and the institution's hub and trust leads.
PLAN_READERS = READERS | {HUB_LEAD, TRUST_LEAD}

# endpoint -> who is let in on the own institution.
POLICY: dict[str, set[str]] = {
    # The API.
    "planner.list_plans": PLAN_READERS,
    "planner.create_plan": EDITORS,
    "planner.show_plan": PLAN_READERS,
    "planner.change_objectives": EDITORS,
    "planner.accept_suggestion": EDITORS,
    "planner.dismiss_suggestion": EDITORS,
    "planner.plan_activity": EDITORS,
    "planner.plan_docx": PLAN_READERS,
    "planner.plan_xlsx": PLAN_READERS,
    "planner.log_docx": PLAN_READERS,
    "planner.log_xlsx": PLAN_READERS,
    "activities.show_activity": PLAN_READERS,
    "activities.update_activity": EDITORS,
    "activities.log_delivery": LOGGERS,
    "activities.correct_participation": LOGGERS,
    "activities.evaluate": EDITORS,
    "activities.cancel": EDITORS,
    # The pages.
    "planner_pages.institution": {"GET": PLAN_READERS, "POST": EDITORS},
    "planner_pages.plan": PLAN_READERS,
    "planner_pages.objectives": EDITORS,
    "planner_pages.download_file": PLAN_READERS,
    "planner_pages.suggestions": PLAN_READERS,
    "planner_pages.accept_with_changes": EDITORS,
    "planner_pages.accept_suggestion": EDITORS,
    "planner_pages.dismiss_suggestion": EDITORS,
    "planner_pages.new_activity": EDITORS,
    "planner_pages.activity": PLAN_READERS,
    "planner_pages.edit_activity": EDITORS,
    "planner_pages.cancel_activity": EDITORS,
    # The pages for logging are for people; API clients log through the API.
    "planner_pages.log_delivery": EDITORS,
    "planner_pages.correct_participation": EDITORS,
    "planner_pages.evaluate": EDITORS,
}


def allowed_on_own(endpoint: str, method: str) -> set[str]:
    allowed = POLICY[endpoint]
    return allowed[method] if isinstance(allowed, dict) else allowed  # type: ignore[index,return-value]


def expected(endpoint: str, method: str, principal: str, which: str) -> str:
    allowed = allowed_on_own(endpoint, method)
    if which == "other":
        allowed = allowed & {ADMIN}
    return "allowed" if principal in allowed else "refused"


def _runtime(folder: Path, key: SigningKey):  # type: ignore[no-untyped-def]
    env = {"WAYMARK_ENV": "test", "WAYMARK_PLANNER_DATABASE_URL": f"sqlite:///{folder / 'planner.sqlite3'}"}
    runtime = bootstrap(DEFINITION, Settings.from_env("planner", env, data_dir=folder))
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    return runtime


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> tuple[Path, PlannerWorld]:
    """The two-institution world, built once; each check starts from a copy of it."""
    folder = tmp_path_factory.mktemp("world")
    runtime = _runtime(folder, key)
    runtime.migrate()
    runners = {s.name: SubscriptionRunner(s, runtime.engine) for s in SUBSCRIPTIONS}
    world = build_world(Events(runtime, runners, DirectoryLog(), AuditLog()), runtime)
    runtime.dispose()
    return folder, world


class Copies:
    """A fresh copy of the world after anything that may have changed it."""

    def __init__(self, pristine: tuple[Path, PlannerWorld], scratch: Path, key: SigningKey):
        self.source, self.world = pristine
        self.scratch = scratch
        self.key = key
        self.runtime: Any = None
        self.app: Any = None
        self.dirty = True

    def current(self):  # type: ignore[no-untyped-def]
        if self.dirty:
            self.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
            shutil.copytree(self.source, self.scratch)
            self.runtime = _runtime(self.scratch, self.key)
            self.app = DEFINITION.create_app(self.runtime)
            self.dirty = False
        return self.app

    def close(self) -> None:
        if self.runtime is not None:
            self.runtime.dispose()


def test_every_route_has_a_policy(pristine, key) -> None:  # type: ignore[no-untyped-def]
    folder, _ = pristine
    runtime = _runtime(folder, key)
    try:
        app = DEFINITION.create_app(runtime)
        found = routes(app)
    finally:
        runtime.dispose()
    endpoints = {endpoint for endpoint, _, _ in found}
    assert endpoints - set(POLICY) == set(), "routes without a decision in POLICY"
    assert set(POLICY) - endpoints == set(), "POLICY names routes that do not exist"
    for endpoint, method, _ in found:
        assert allowed_on_own(endpoint, method) is not None, (endpoint, method)


@pytest.mark.slow
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_reaches_exactly_what_the_policy_allows(
    principal: str, pristine, key, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    copies = Copies(pristine, tmp_path / "copy", key)
    wrong = []
    try:
        for endpoint, method, rule in routes(copies.current()):
            for which in ("own", "other"):
                got = outcome(copies.current(), copies.world, key, principal, method, rule, which)
                want = expected(endpoint, method, principal, which)
                if got != want:
                    wrong.append(f"{method} {rule} ({which}): {got}, expected {want}")
                copies.dirty = copies.dirty or (method != "GET" and got == "allowed")
    finally:
        copies.close()
    assert wrong == []


def test_refusals_do_not_reveal_whether_another_institutions_plans_exist(
    pristine, key, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A careers leader of A asking for B's plan and activity gets the same answer as for
    ids that exist nowhere, on the API and on the pages."""
    copies = Copies(pristine, tmp_path / "copy", key)
    app, world = copies.current(), copies.world
    client = app.test_client()
    sign_in(client, world, CAREERS_LEADER, key)
    made_up = {
        "plan_id": str(uuid.uuid4()),
        "activity_id": str(uuid.uuid4()),
        "suggestion_id": str(uuid.uuid4()),
    }
    probes = [
        "/api/plans/<plan_id>",
        "/api/activities/<activity_id>",
        "/plans/<plan_id>",
        "/activities/<activity_id>",
    ]
    try:
        for rule in probes:
            real_path = path_for(rule, world, "other")
            fake_path = path_for(rule, world, "other")
            for name, value in made_up.items():
                fake_path = fake_path.replace(world.ids("other")[name], value)
            accept = {"Accept": "application/json" if rule.startswith("/api/") else "text/html"}
            real, fake = client.get(real_path, headers=accept), client.get(fake_path, headers=accept)
            assert real.status_code == fake.status_code == 404, rule
            body = real.get_data(as_text=True)
            assert world.other.institution_id not in body and "Academy 2" not in body, rule
            if rule.startswith("/api/"):
                assert real.json["title"] == fake.json["title"], rule
        # Writing is refused the same way.
        answer = client.post(
            f"/api/plans/{world.other.plan_id}/activities", json={"title": "x", "activity_type": "other"}
        )
        assert answer.status_code == 404
    finally:
        copies.close()
