"""Identity tokens: JWKS published and rotated, verified offline by other services,
API clients by OAuth client credentials."""

from __future__ import annotations

import pytest

from waymark_directory.adapters.keys import KeyRing
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.testing import account_with_grants, token_for
from waymark_shared.auth import ADMIN, CAREERS_LEADER, Grant
from waymark_shared.auth.tokens import InvalidToken, JwksKeySource, TokenVerifier


@pytest.fixture
def institution_id(runtime) -> str:  # type: ignore[no-untyped-def]
    command = RegisterInstitution(
        "Hillcrest School", "mainstream_secondary", urn="990102", postcode="M14 5QT"
    )
    return register_institution(command, runtime).institution_id


def verifier_over_http(client) -> TokenVerifier:  # type: ignore[no-untyped-def]
    """What another service holds: keys fetched from directory's JWKS URL."""
    return TokenVerifier(JwksKeySource(lambda: client.get("/.well-known/jwks.json").json, min_refresh_s=0))


def test_another_service_verifies_a_token_from_the_published_keys(client, runtime):
    principal, token = account_with_grants(runtime, Grant(ADMIN, "platform"))
    verified = verifier_over_http(client).verify(token)
    assert verified.subject == principal.subject and verified.is_admin
    response = client.get("/.well-known/jwks.json")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert all("d" not in key for key in response.json["keys"])  # never the private half


def test_after_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key(client, runtime):
    verifier = verifier_over_http(client)
    principal, old_token = account_with_grants(runtime, Grant(ADMIN, "platform"))
    verifier.verify(old_token)
    ring: KeyRing = runtime.extras["key_ring"]
    old_kid = ring.current().kid
    assert (
        client.post("/api/signing-keys/rotate", headers={"Authorization": f"Bearer {old_token}"}).status_code
        == 204
    )
    new_token = token_for(runtime, principal)
    assert ring.current().kid != old_kid
    assert verifier.verify(new_token).subject == principal.subject  # fetched the new key on sight
    assert verifier.verify(old_token).subject == principal.subject
    assert len(client.get("/.well-known/jwks.json").json["keys"]) == 2


def test_a_tampered_token_is_refused(client, runtime):
    _, token = account_with_grants(runtime, Grant(CAREERS_LEADER, "institution", "x"))
    header, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        verifier_over_http(client).verify(f"{header}.{payload[:-4]}AAAA.{signature}")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {header}.{payload}.AAAA"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def register_client(client, bearer_for, institution_id, scopes=("roster:read",)):  # type: ignore[no-untyped-def]
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", institution_id))
    return client.post(
        f"/api/institutions/{institution_id}/api-clients",
        json={"name": "SIMS sync", "scopes": list(scopes)},
        headers=leader,
    )


def test_an_api_client_exchanges_its_credentials_for_a_scoped_token(client, institution_id, bearer_for):
    created = register_client(client, bearer_for, institution_id, scopes=("roster:read", "institutions:read"))
    assert created.status_code == 201
    credentials = created.json
    granted = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "roster:read"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert granted.status_code == 200
    assert granted.json["token_type"] == "Bearer" and granted.json["scope"] == "roster:read"
    assert granted.headers["Cache-Control"] == "no-store"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {granted.json['access_token']}"}).json
    assert me["kind"] == "client" and me["scopes"] == ["roster:read"]
    assert me["grants"] == [{"role": "api_client", "scope_type": "institution", "scope_id": institution_id}]


def test_the_token_endpoint_refuses_bad_requests_the_oauth_way(client, institution_id, bearer_for):
    credentials = register_client(client, bearer_for, institution_id).json
    wrong_secret = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": "nope",
        },
    )
    assert wrong_secret.status_code == 401 and wrong_secret.json["error"] == "invalid_client"
    wrong_grant = client.post(
        "/oauth/token",
        data={"grant_type": "password"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert wrong_grant.status_code == 400 and wrong_grant.json["error"] == "unsupported_grant_type"
    too_much = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "roster:write"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert too_much.status_code == 400 and too_much.json["error"] == "invalid_scope"
    as_json = client.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert as_json.status_code == 415


def test_a_revoked_client_gets_no_more_tokens(client, institution_id, bearer_for):
    credentials = register_client(client, bearer_for, institution_id).json
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", institution_id))
    revoked = client.post(
        f"/api/institutions/{institution_id}/api-clients/{credentials['client_id']}/revoke", headers=leader
    )
    assert revoked.status_code == 204
    refused = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert refused.status_code == 401
    listed = client.get(f"/api/institutions/{institution_id}/api-clients", headers=leader).json["clients"]
    assert listed[0]["revoked_at"] is not None and "secret_hash" not in listed[0]


def test_a_careers_leader_of_another_institution_cannot_register_clients_here(
    client, runtime, institution_id, bearer_for
):
    other = register_institution(
        RegisterInstitution("Oakfield", "special_school", urn="990103"), runtime
    ).institution_id
    stranger = bearer_for(Grant(CAREERS_LEADER, "institution", other))
    response = client.post(
        f"/api/institutions/{institution_id}/api-clients",
        json={"name": "x", "scopes": ["roster:read"]},
        headers=stranger,
    )
    assert response.status_code == 403
    assert client.get(f"/api/institutions/{institution_id}/api-clients", headers=stranger).status_code == 403


def test_directory_itself_stops_trusting_a_key_once_it_leaves_the_jwks(client, runtime):
    """Rotating is the remedy for a leaked key: whoever holds the old private half can
    mint fresh tokens, so once the old key is no longer published, directory (which
    verifies from its own table) must refuse them as every other service does."""
    from datetime import UTC, datetime, timedelta

    from waymark_directory.adapters.keys import PUBLISH_RETIRED_FOR
    from waymark_shared.auth.tokens import issue_token

    principal, token = account_with_grants(runtime, Grant(ADMIN, "platform"))
    ring: KeyRing = runtime.extras["key_ring"]
    leaked = ring.current()
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    ring.rotate(now=datetime.now(UTC) - PUBLISH_RETIRED_FOR - timedelta(minutes=1))
    assert leaked.kid not in {key["kid"] for key in client.get("/.well-known/jwks.json").json["keys"]}
    import waymark_directory.adapters.keys as keys_module

    forged = issue_token(principal, leaked)
    original = keys_module.CACHE_S
    keys_module.CACHE_S = 0.0  # as after the cache's minute has passed
    try:
        response = client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
    finally:
        keys_module.CACHE_S = original
    assert response.status_code == 401
    fresh = issue_token(principal, ring.current())
    assert client.get("/api/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_a_recently_retired_key_still_verifies_in_directory(client, runtime):
    from waymark_shared.auth.tokens import issue_token

    principal, _ = account_with_grants(runtime, Grant(ADMIN, "platform"))
    ring: KeyRing = runtime.extras["key_ring"]
    old = ring.current()
    ring.rotate()
    token = issue_token(principal, old)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_processes_that_find_the_key_too_old_at_once_rotate_it_only_once(runtime):
    """Each worker caches the current key; when it is past ROTATE_AFTER, all of them
    notice together and must agree on one successor, not each sign with its own."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select, update

    from waymark_directory.adapters.identity_tables import signing_keys
    from waymark_directory.adapters.keys import ROTATE_AFTER

    first, second = KeyRing(runtime.engine), KeyRing(runtime.engine)
    old = first.current()
    with runtime.engine.begin() as conn:
        conn.execute(update(signing_keys).values(created_at=datetime.now(UTC) - ROTATE_AFTER * 2))
    stale_first, stale_second = KeyRing(runtime.engine), KeyRing(runtime.engine)
    # Both read the stale key before either rotates.
    seen_first = stale_first._newest_unretired()
    seen_second = stale_second._newest_unretired()
    assert seen_first.kid == seen_second.kid == old.kid
    one = stale_first._rotate_if_current(seen_first)
    two = stale_second._rotate_if_current(seen_second)
    assert one.kid == two.kid != old.kid
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(signing_keys)).scalar_one() == 2
    assert second.current().kid == one.kid
