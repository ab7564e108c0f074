"""Ofsted share links: read-only, one institution's Ofsted pack, expiring, revocable,
every use logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer import credentials
from waymark_directory.service_layer.handlers import register_institution
from waymark_shared.auth import CAREERS_LEADER, GOVERNOR, OFSTED_PACK_SCOPE, Grant
from waymark_shared.auth.tokens import TOKEN_COOKIE, JwksKeySource, TokenVerifier


@pytest.fixture
def institution_id(runtime) -> str:  # type: ignore[no-untyped-def]
    command = RegisterInstitution("Riverside Academy", "mainstream_secondary", urn="990104")
    return register_institution(command, runtime).institution_id


@pytest.fixture
def leader(bearer_for, institution_id):  # type: ignore[no-untyped-def]
    return bearer_for(Grant(CAREERS_LEADER, "institution", institution_id))


def create(client, institution_id, headers, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/institutions/{institution_id}/share-links", json=body, headers=headers)


def test_a_link_lasts_fourteen_days_and_opens_the_ofsted_pack_read_only(app, client, institution_id, leader):
    created = create(client, institution_id, leader, note="Inspection 3 March")
    assert created.status_code == 201
    expires = datetime.fromisoformat(created.json["expires_at"])
    assert timedelta(days=13, hours=23) < expires - datetime.now(UTC) <= timedelta(days=14)
    inspector = app.test_client()
    opened = inspector.get(
        created.json["url"].replace("http://localhost", ""), headers={"User-Agent": "InspectorBrowser/1.0"}
    )
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/reporting/institutions/{institution_id}/ofsted-pack"
    # What reporting will see: the identity cookie, verified against the published keys.
    keys = JwksKeySource(lambda: client.get("/.well-known/jwks.json").json)
    guest = TokenVerifier(keys).verify(inspector.get_cookie(TOKEN_COOKIE).value)
    assert guest.kind == "share_link" and guest.scopes == {OFSTED_PACK_SCOPE}
    assert guest.grants == (Grant("ofsted_viewer", "institution", institution_id),)
    # Read-only and only the pack: in directory the link's bearer is nobody.
    assert inspector.get("/api/me").status_code == 401
    assert inspector.get(f"/api/institutions/{institution_id}/staff").status_code == 401
    [link] = client.get(f"/api/institutions/{institution_id}/share-links", headers=leader).json["links"]
    [use] = link["uses"]
    assert use["user_agent"] == "InspectorBrowser/1.0"


def test_a_revoked_link_stops_working(client, institution_id, leader):
    created = create(client, institution_id, leader).json
    assert (
        client.post(
            f"/api/institutions/{institution_id}/share-links/{created['link_id']}/revoke", headers=leader
        ).status_code
        == 204
    )
    gone = client.get(created["url"].replace("http://localhost", ""), headers={"Accept": "text/html"})
    assert gone.status_code == 410
    assert "withdrawn" in gone.get_data(as_text=True)


def test_an_expired_link_stops_working(runtime, institution_id):
    _, token, _ = credentials.create_share_link(
        runtime, institution_id=institution_id, created_by="x", days=1
    )
    with pytest.raises(credentials.ShareLinkUnusable) as refused:
        credentials.use_share_link(
            runtime,
            token,
            client_address="1.2.3.4",
            user_agent="x",
            now=datetime.now(UTC) + timedelta(days=2),
        )
    assert refused.value.reason == "expired"


def test_lifetimes_outside_one_to_ninety_days_are_refused(client, institution_id, leader):
    response = create(client, institution_id, leader, days=365)
    assert response.status_code == 422 and "days" in response.json["errors"]


def test_a_governor_cannot_create_links_and_events_carry_no_token(
    client, runtime, institution_id, leader, bearer_for
):
    governor = bearer_for(Grant(GOVERNOR, "institution", institution_id))
    assert create(client, institution_id, governor).status_code == 403
    url = create(client, institution_id, leader).json["url"]
    token = url.rsplit("/", 1)[1]
    assert not any(token in str(event.data) for event in runtime.store.read_all())
