"""Every reporting route × every principal × own versus another institution.

The policy below is the specification: for each endpoint, who gets past authorisation
for Riverside Academy ("own": the principal's grants are over it, its hub or its
trust). For Hillcrest School ("other": another hub and trust) only a platform
administrator does. A route
missing from the policy fails the test, so a new route cannot ship without a decision.
Run on SQLite only: the policy does not depend on the backend.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reporting_world import NOW, build, principal

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
from waymark_shared.auth.tokens import TOKEN_COOKIE, issue_token

PRINCIPALS = (
    "anonymous",
    CAREERS_LEADER,
    CAREERS_ADVISER,
    SENIOR_LEADER,
    GOVERNOR,
    HUB_LEAD,
    TRUST_LEAD,
    PROVIDER_EDITOR,
    ADMIN,
    "api_client",
    "api_client_without_scope",
    "share_link",
)
EVERYONE = set(PRINCIPALS)
SIGNED_IN = EVERYONE - {"anonymous"}
PUPIL_LEVEL = {CAREERS_LEADER, CAREERS_ADVISER, SENIOR_LEADER, ADMIN, "api_client"}
DASHBOARD = PUPIL_LEVEL | {GOVERNOR, HUB_LEAD, TRUST_LEAD}

# endpoint -> who is let in for their own institution.
POLICY: dict[str, set[str]] = {
    # Institution names, types and places (public register data, no pupil data).
    "reporting.institutions": EVERYONE,
    "reporting.regions": EVERYONE,
    "reporting_dashboard.freshness": SIGNED_IN,
    "reporting_dashboard.dashboard": DASHBOARD,
    "reporting_pages.dashboard": DASHBOARD,
    "reporting_dashboard.worklist": PUPIL_LEVEL,
    "reporting_pages.worklist": PUPIL_LEVEL,
    "reporting_dashboard.provider_access_learners": PUPIL_LEVEL,
    "reporting_pages.provider_access": PUPIL_LEVEL,
    # Reports: the Ofsted pack also to its institution's share link; each *_file route
    # is the .docx, .xlsx and .pdf of the page.
    **{
        f"reporting_reports.{report}{suffix}": DASHBOARD | {"share_link"}
        for report in ("ofsted_pack",)
        for suffix in ("", "_file")
    },
    **{
        f"reporting_reports.{report}{suffix}": DASHBOARD
        for report in ("governors_report", "evaluation_report", "destinations")
        for suffix in ("", "_file")
    },
    # Roll-ups (aggregates of a scope): the paths here name no real hub or trust, so only
    # administrators get past authorisation; test_rollups.py has the hub and trust matrix.
    **{
        f"{blueprint}.{view}{suffix}": {ADMIN}
        for blueprint, suffix in (("reporting_rollups_api", ""), ("reporting_rollups", "_page"))
        for view in ("nation", "region", "local_authority", "hub", "trust")
    },
}
TENANT_FREE = {"reporting.institutions", "reporting.regions", "reporting_dashboard.freshness"}
PLATFORM_ENDPOINTS = {
    "platform.index", "platform.status", "platform.healthz", "platform.readyz", "metrics", "openapi",
    "waymark_pages.asset", "waymark_home",
}  # fmt: skip
REFUSED = {401, 403}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'reporting.sqlite3'}"


def _routes(app) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PLATFORM_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def expected(endpoint: str, who: str, which: str) -> str:
    allowed = POLICY[endpoint]
    if which == "other" and endpoint not in TENANT_FREE:
        allowed = allowed & {ADMIN}
    return "allowed" if who in allowed else "refused"


def test_every_route_has_a_policy(app):  # type: ignore[no-untyped-def]
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    assert endpoints - set(POLICY) == set(), "routes without a decision in POLICY"
    assert set(POLICY) - endpoints == set(), "POLICY names routes that do not exist"


def test_each_principal_reaches_exactly_what_the_policy_allows(  # type: ignore[no-untyped-def]
    app, runtime, key, deliver, directory_log, audit_log, planner_log
):
    runtime.extras["clock"] = lambda: NOW
    world = build(deliver, directory_log, audit_log, planner_log)
    wrong = []
    for who in PRINCIPALS:
        client = app.test_client()
        found = principal(who, world)  # grants over Riverside, its hub or its trust
        if found is not None:
            client.set_cookie(TOKEN_COOKIE, issue_token(found, key))
        for which in ("own", "other"):
            institution = world.other if which == "other" else world.school
            for endpoint, method, rule in _routes(app):
                path = re.sub(r"<(?:[a-z]+:)?institution_id>", institution, rule)
                is_api = rule.startswith("/api/")
                response = client.open(
                    path, method=method, headers={"Accept": "application/json" if is_api else "text/html"}
                )
                assert response.status_code < 500, (who, path, response.status_code)
                refused = response.status_code in REFUSED or (
                    response.status_code == 302 and "sign-in" in response.headers.get("Location", "")
                )
                got = "refused" if refused else "allowed"
                if got != expected(endpoint, who, which):
                    wrong.append(
                        f"{who} {method} {rule} ({which}): {got}, expected {expected(endpoint, who, which)}"
                    )
    assert wrong == []


def test_a_hub_lead_of_another_hub_and_a_share_link_of_another_institution_see_nothing(  # type: ignore[no-untyped-def]
    app, runtime, key, deliver, directory_log, audit_log, planner_log
):
    """The "other" principals hold grants over Hillcrest, its hub and its trust: asked
    about Riverside they are refused, with the same answer as for an unknown id."""
    runtime.extras["clock"] = lambda: NOW
    world = build(deliver, directory_log, audit_log, planner_log)
    for who in (HUB_LEAD, TRUST_LEAD, "share_link", CAREERS_LEADER):
        client = app.test_client()
        client.set_cookie(TOKEN_COOKIE, issue_token(principal(who, world, other=True), key))
        known = client.get(f"/api/institutions/{world.school}/dashboard")
        unknown = client.get("/api/institutions/6b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10/dashboard")
        assert (known.status_code, unknown.status_code) == (403, 403), who
        assert known.json["detail"] == unknown.json["detail"]
