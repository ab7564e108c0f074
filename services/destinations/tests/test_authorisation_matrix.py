"""Every destinations route × every principal × own versus another institution.

POLICY is the specification: for each endpoint, who gets past authorisation at the
"own" institution (A). At the "other" one (B) nobody writes, and only a platform
administrator reads. A route missing from POLICY fails the test, so a new route
cannot ship without a decision. Each request carries empty input, so an allowed
caller gets a validation answer (4xx other than 401/403/404) and nothing is written.
Run on SQLite only: the policy does not depend on the backend.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from destinations_world import World
from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from waymark_destinations.adapters.tables import destinations
from waymark_destinations.service import DEFINITION
from waymark_destinations.service_layer.clock import stand_on
from waymark_shared.auth import (
    ADMIN,
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    TRUST_LEAD,
    Grant,
    Principal,
)
from waymark_shared.auth.principal import CLIENT
from waymark_shared.auth.tokens import TOKEN_COOKIE, JwksKeySource, SigningKey, issue_token
from waymark_shared.testing.event_logs import migrated_runtime

API_READ, API_WRITE = "api_client_read", "api_client_write"
PRINCIPALS = ("anonymous", CAREERS_LEADER, CAREERS_ADVISER, SENIOR_LEADER, GOVERNOR, HUB_LEAD, TRUST_LEAD,
              ADMIN, API_READ, API_WRITE)  # fmt: skip
EVERYONE = set(PRINCIPALS)
SIGNED_IN = EVERYONE - {"anonymous"}
WRITERS = {CAREERS_LEADER, CAREERS_ADVISER, API_WRITE}
PAGE_WRITERS = {CAREERS_LEADER, CAREERS_ADVISER}
LEARNER_READERS = {CAREERS_LEADER, CAREERS_ADVISER, ADMIN, API_READ, API_WRITE}
AGGREGATE_READERS = LEARNER_READERS | {SENIOR_LEADER, GOVERNOR}

POLICY: dict[str, set[str]] = {
    "destinations.categories": SIGNED_IN,
    # Aggregates: senior leaders and governors too.
    "destinations.cohorts": AGGREGATE_READERS,
    "destinations_pages.cohorts": AGGREGATE_READERS - {API_READ, API_WRITE},
    # Learner-level rows: careers staff, administrators and API clients.
    "destinations.show_worklist": LEARNER_READERS,
    "destinations.export": LEARNER_READERS,
    "destinations.show_learner": LEARNER_READERS,
    "destinations_pages.show_worklist": LEARNER_READERS - {API_READ, API_WRITE},
    "destinations_pages.learners": LEARNER_READERS - {API_READ, API_WRITE},
    "destinations_pages.learner": LEARNER_READERS - {API_READ, API_WRITE},
    # Recording.
    "destinations.record": WRITERS,
    "destinations.intend": WRITERS,
    "destinations.judge": WRITERS,
    "destinations.consent": WRITERS,
    "destinations.create_import": WRITERS,
    "destinations_pages.record": PAGE_WRITERS,
    "destinations_pages.intend": PAGE_WRITERS,
    "destinations_pages.judge": PAGE_WRITERS,
    "destinations_pages.consent": PAGE_WRITERS,
    "destinations_pages.import_file": PAGE_WRITERS,
}
TENANT_FREE = {"destinations.categories"}
READS = {e for e, allowed in POLICY.items() if ADMIN in allowed}
PLATFORM = {"platform.index", "platform.status", "platform.healthz", "platform.readyz", "metrics", "openapi",
            "waymark_pages.asset", "waymark_home"}  # fmt: skip
REFUSED = {401, 403, 404}
_PARAM = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
HUB, TRUST = "Aire Valley Careers Hub", "White Rose Trust"


def expected(endpoint: str, principal: str, which: str) -> str:
    allowed = POLICY[endpoint]
    if which == "other" and endpoint not in TENANT_FREE:
        allowed = allowed & {ADMIN} if endpoint in READS else set()
    return "allowed" if principal in allowed else "refused"


def routes(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PLATFORM:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def token(key: SigningKey, principal: str, institution_id: str) -> str | None:
    grants: tuple[Grant, ...]
    if principal == "anonymous":
        return None
    if principal in (API_READ, API_WRITE):
        scope = "destinations:read" if principal == API_READ else "destinations:write"
        who = Principal("client-1", kind=CLIENT, grants=(Grant("api_client", "institution", institution_id),),
                        scopes=frozenset({scope}))  # fmt: skip
        return issue_token(who, key)
    if principal == ADMIN:
        grants = (Grant(ADMIN, "platform", None),)
    elif principal == HUB_LEAD:
        grants = (Grant(HUB_LEAD, "hub", HUB),)
    elif principal == TRUST_LEAD:
        grants = (Grant(TRUST_LEAD, "trust", TRUST),)
    else:
        grants = (Grant(principal, "institution", institution_id),)
    return issue_token(Principal(f"person-{principal}", grants=grants), key)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from directory_events import DirectoryLog

    folder = tmp_path_factory.mktemp("matrix")
    key = SigningKey.generate()
    with migrated_runtime(DEFINITION, f"sqlite:///{folder / 'd.sqlite3'}", folder / "var") as runtime:
        log = DirectoryLog()
        world = World(runtime, log)
        own = world.school("A", sixth_form=True, careers_hub=HUB, trust=TRUST)
        other = world.school("B", sixth_form=True, careers_hub=HUB, trust=TRUST)
        ids = {"own": {"institution_id": own, "learner_id": world.leaver(own)},
               "other": {"institution_id": other, "learner_id": world.leaver(other)}}  # fmt: skip
        world.deliver()
        stand_on(runtime, date(2026, 12, 1))
        runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
        yield DEFINITION.create_app(runtime), runtime, key, ids


def outcome(app, key, ids, principal: str, method: str, rule: str, which: str) -> str:  # type: ignore[no-untyped-def]
    values = {**ids[which], "leaving_point": "ks4"}
    path = _PARAM.sub(lambda match: values[match.group(1)], rule)
    client = app.test_client()
    signed = token(key, principal, ids["own"]["institution_id"])
    is_api = rule.startswith("/api/")
    headers = {"Accept": "application/json" if is_api else "text/html"}
    if signed and is_api:
        headers["Authorization"] = f"Bearer {signed}"
    elif signed:
        client.set_cookie(TOKEN_COOKIE, signed)
    if method == "GET":
        response = client.get(path, headers=headers)
    elif is_api:
        response = client.open(path, method=method, json={}, headers=headers)
    else:
        response = client.open(path, method=method, data={"csrf_token": csrf_token(app, client)}, headers=headers)
    if response.status_code in REFUSED:
        return "refused"
    if response.status_code in (302, 303) and "next=" in response.headers.get("Location", ""):
        return "refused"
    assert response.status_code < 500, (principal, method, path, response.get_data(as_text=True)[:300])
    return "allowed"


def csrf_token(app, client) -> str:  # type: ignore[no-untyped-def]
    """A valid form token for ``client``'s session, as a page's form would carry."""
    with app.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as kept:
        kept["csrf_token"] = raw
    return token


def test_every_route_has_a_policy(site) -> None:  # type: ignore[no-untyped-def]
    app = site[0]
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert endpoints - set(POLICY) == set(), "routes without a decision in POLICY"
    assert set(POLICY) - endpoints == set(), "POLICY names routes that do not exist"


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_reaches_exactly_what_the_policy_allows(site, principal: str) -> None:  # type: ignore[no-untyped-def]
    app, runtime, key, ids = site
    wrong = []
    for endpoint, method, rule in routes(app):
        for which in ("own", "other"):
            got = outcome(app, key, ids, principal, method, rule, which)
            if got != expected(endpoint, principal, which):
                wrong.append(f"{method} {rule} ({which}): {got}, expected {expected(endpoint, principal, which)}")
    assert wrong == []
    with runtime.engine.connect() as conn:  # every probe's input was empty: nothing written
        assert conn.execute(select(func.count()).select_from(destinations)).scalar() == 0
    assert runtime.store.count_after() == 0


def test_another_institutions_learner_looks_like_nobody(site) -> None:  # type: ignore[no-untyped-def]
    app, _, key, ids = site
    headers = {"Authorization": f"Bearer {token(key, CAREERS_LEADER, ids['own']['institution_id'])}"}
    client = app.test_client()
    theirs = client.get(f"/api/learners/{ids['other']['learner_id']}/destinations", headers=headers)
    nobody = client.get(f"/api/learners/{uuid.uuid4()}/destinations", headers=headers)
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.get_json()["title"] == nobody.get_json()["title"]

