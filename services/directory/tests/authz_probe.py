"""Every route of directory × every principal × own or other tenant: what happens."""

from __future__ import annotations

import re
from typing import Any

from authz_world import World, sign_in
from directory_forms import csrf_token

# Routes every caller may use (the platform's own, signing in, public search).
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
_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
REFUSED = {401, 403, 404}


def routes(app: Any) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every directory route worth a policy."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PLATFORM_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def path_for(rule: str, world: World, which: str) -> str:
    ids = world.ids(which, rule)
    return _PARAM.sub(lambda match: ids[match.group(1)], rule)


def outcome(app: Any, world: World, principal: str, endpoint: str, method: str, rule: str, which: str) -> str:
    """``"allowed"`` when the request got past authorisation, else ``"refused"``.

    A validation error (400, 409, 410, 415, 422) counts as allowed: the caller was let
    in and its (deliberately empty) input was judged. A refusal must come first."""
    client = app.test_client()
    sign_in(client, world, principal)
    path = path_for(rule, world, which)
    is_api = rule.startswith(("/api/", "/oauth/", "/.well-known/"))
    if method == "GET":
        response = client.get(path, headers={"Accept": "application/json" if is_api else "text/html"})
    elif is_api:
        response = client.open(path, method=method, json={})
    else:
        token = csrf_token(client, "/sign-in")
        response = client.open(
            path, method=method, data={"csrf_token": token}, headers={"Accept": "text/html"}
        )
    if response.status_code in REFUSED:
        return "refused"
    if response.status_code == 302 and "/sign-in?next=" in response.headers.get("Location", ""):
        return "refused"
    assert response.status_code < 500, (
        principal,
        method,
        path,
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    return "allowed"
