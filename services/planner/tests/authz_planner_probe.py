"""One request of the matrix: a route, as a principal, on the own or the other tenant."""

from __future__ import annotations

import re
from typing import Any

from authz_planner_world import PlannerWorld, csrf_for, sign_in

from waymark_shared.auth.tokens import SigningKey

# The platform's own routes, the same for every service (and every caller).
PLATFORM_ENDPOINTS = {
    "platform.index",
    "platform.status",
    "platform.healthz",
    "platform.readyz",
    "metrics",
    "openapi",
    "waymark_pages.asset",
    "waymark_home",
}
_PARAM = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
_CONSTANTS = {"kind": "plan", "extension": "docx"}
REFUSED = {401, 403, 404}


def routes(app: Any) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every planner route worth a policy."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PLATFORM_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def path_for(rule: str, world: PlannerWorld, which: str) -> str:
    ids = {**world.ids(which), **_CONSTANTS}
    if "/evaluation" in rule or "/participation" in rule:
        tenant = world.own if which == "own" else world.other
        ids["activity_id"] = tenant.delivered_id  # what a delivered activity's pages are for
    return _PARAM.sub(lambda match: ids[match.group(2)], rule)


def outcome(
    app: Any, world: PlannerWorld, key: SigningKey, principal: str, method: str, rule: str, which: str
) -> str:
    """``"allowed"`` when the request got past authorisation, else ``"refused"``.

    A validation error (400, 409, 415, 422) counts as allowed: the caller was let in and
    its (deliberately empty) input was judged. A refusal must come first."""
    client = app.test_client()
    sign_in(client, world, principal, key)
    path = path_for(rule, world, which)
    is_api = rule.startswith("/api/")
    if method == "GET":
        response = client.get(path, headers={"Accept": "application/json" if is_api else "text/html"})
    elif is_api:
        response = client.open(path, method=method, json={})
    else:
        token = csrf_for(app, client)
        response = client.open(
            path, method=method, data={"csrf_token": token}, headers={"Accept": "text/html"}
        )
    if response.status_code in REFUSED:
        return "refused"
    if response.status_code == 302 and "/sign-in" in response.headers.get("Location", ""):
        return "refused"
    assert response.status_code < 500, (
        principal,
        method,
        path,
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    assert response.status_code != 400 or is_api, (principal, method, path, "400: a CSRF refusal?")
    return "allowed"
