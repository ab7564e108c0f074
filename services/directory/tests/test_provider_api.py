"""The provider JSON API: search, self-service and moderation, with bad input and permissions."""

from __future__ import annotations

import pytest

from waymark_directory.demo_providers import sample_listing
from waymark_directory.service_layer.signing_in import principal_for
from waymark_directory.testing import account_with_grants, token_for
from waymark_shared.auth import ADMIN, CAREERS_LEADER, PROVIDER_EDITOR, Grant
from waymark_shared.service import ServiceRuntime


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Tokens:
    """Real accounts, by name, and bearer tokens signed with directory's own key.

    Each call gives a freshly issued token, as an API caller fetches one: it carries the
    account's grants as they are now (a listing's submitter is its editor only in tokens
    issued after the submission)."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.accounts: dict[str, str] = {}

    def person(self, name: str = "submitter", *grants: Grant) -> dict[str, str]:
        """The account called ``name`` (created holding ``grants`` on first use)."""
        if name not in self.accounts:
            principal, token = account_with_grants(self.runtime, *grants, name=name)
            self.accounts[name] = principal.subject
            return _bearer(token)
        principal = principal_for(self.runtime, self.accounts[name])
        assert principal is not None
        return _bearer(token_for(self.runtime, principal))

    def admin(self) -> dict[str, str]:
        return self.person("admin", Grant(ADMIN, "platform", None))

    def editor(self, provider_id: str) -> dict[str, str]:
        return self.person(f"editor of {provider_id}", Grant(PROVIDER_EDITOR, "provider", provider_id))


@pytest.fixture
def tokens(runtime) -> Tokens:  # type: ignore[no-untyped-def]
    return Tokens(runtime)


def _submit(client, tokens, **values):  # type: ignore[no-untyped-def]
    response = client.post("/api/providers", json=sample_listing(**values), headers=tokens.person())
    assert response.status_code == 201, response.json
    return response.json["provider_id"]


def _listed(client, tokens, **values):  # type: ignore[no-untyped-def]
    provider_id = _submit(client, tokens, **values)
    response = client.post(f"/api/providers/{provider_id}/approve", headers=tokens.admin())
    assert response.status_code == 200, response.json
    return provider_id


def test_submit_approve_search_show(client, tokens) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/providers", json=sample_listing(postcode="ls9 8ab"), headers=tokens.person())
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "submitted" and body["postcode"] == "LS9 8AB"
    assert response.headers["Location"].endswith(body["provider_id"])
    assert "easting" not in body
    provider_id = body["provider_id"]
    # Not public before moderation, and not in search.
    assert client.get(f"/api/providers/{provider_id}").status_code == 404
    assert client.get("/api/providers/search?postcode=LS9+8AB").json["total"] == 0
    queue = client.get("/api/providers/moderation", headers=tokens.admin()).json["providers"]
    assert [p["provider_id"] for p in queue] == [provider_id]
    assert (
        client.post(f"/api/providers/{provider_id}/approve", headers=tokens.admin()).json["status"]
        == "listed"
    )
    assert client.get(f"/api/providers/{provider_id}").json["name"] == "Aire Valley Engineering"
    found = client.get("/api/providers/search?postcode=ls9%208ab&distance=5&benchmark=5&key_stage=ks4").json
    assert found["total"] == 1 and found["results"][0]["distance_miles"] == 0.0
    assert found["location"] == {"postcode": "LS9 8AB", "precision": "postcode", "la_code": "E08000035"}
    assert "ONS Postcode Directory" in found["attribution"]
    assert found["page"] == 1 and found["pages"] == 1 and found["page_size"] == 20


def test_search_filters_and_pages_through_the_api(client, tokens) -> None:  # type: ignore[no-untyped-def]
    _listed(client, tokens, name="Near", postcode="LS1 4DY", benchmarks=[4], subjects=["computing"])
    _listed(client, tokens, name="Further", postcode="BD1 1HY", benchmarks=[5], subjects=["history"])
    _listed(
        client, tokens, name="Everywhere", national=True, postcode=None, radius_miles=None, benchmarks=[8]
    )
    found = client.get("/api/providers/search?postcode=LS1+4DY&distance=30&page_size=2").json
    assert [r["name"] for r in found["results"]] == ["Near", "Further"] and found["total"] == 3
    assert found["pages"] == 2
    page2 = client.get("/api/providers/search?postcode=LS1+4DY&distance=30&page_size=2&page=2").json
    assert [r["name"] for r in page2["results"]] == ["Everywhere"]
    assert page2["results"][0]["national"] is True and page2["results"][0]["distance_miles"] is None
    both = client.get("/api/providers/search?postcode=LS1+4DY&distance=30&benchmark=4&benchmark=8").json
    assert [r["name"] for r in both["results"]] == ["Near", "Everywhere"]
    commas = client.get(
        "/api/providers/search?postcode=LS1+4DY&distance=30&benchmark=4,5&subject=history"
    ).json
    assert [r["name"] for r in commas["results"]] == ["Further"]
    text = client.get("/api/providers/search?postcode=LS1+4DY&distance=30&q=further").json
    assert [r["name"] for r in text["results"]] == ["Further"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("postcode=LEEDS", "postcode"),
        ("postcode=YY99+9ZZ", "postcode"),
        ("distance=5", "postcode"),
        ("postcode=LS1+4DY&distance=far", "distance"),
        ("postcode=LS1+4DY&distance=0", "distance"),
        ("postcode=LS1+4DY&distance=1000", "distance"),
        ("postcode=LS1+4DY&distance=nan", "distance"),
        ("postcode=LS1+4DY&benchmark=9", "benchmark"),
        ("postcode=LS1+4DY&key_stage=ks5", "key_stage"),
        ("postcode=LS1+4DY&subject=alchemy", "subject"),
        ("postcode=LS1+4DY&cost=cheap", "cost"),
        ("postcode=LS1+4DY&delivery=post", "delivery"),
        ("postcode=LS1+4DY&provider_type=pub", "provider_type"),
        ("postcode=LS1+4DY&page=0", "page"),
        ("postcode=LS1+4DY&page_size=1000", "page_size"),
        ("postcode=LS1+4DY&send=perhaps", "send"),
        ("postcode=LS1+4DY&colour=blue", "colour"),
        ("postcode=LS1+4DY&postcode=M1+1AE", "postcode"),
    ],
)
def test_bad_search_queries_name_the_field(client, query, field) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/providers/search?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert any(key.split(".")[0] == field for key in response.json["errors"]), response.json


def test_unknown_postcode_message_is_clear(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/providers/search?postcode=YY99+9ZZ").json
    assert body["errors"]["postcode"] == ["We cannot find YY99 9ZZ: check it, or try a postcode nearby."]
    body = client.get("/api/providers/search?postcode=12345").json
    assert "is not a UK postcode" in body["errors"]["postcode"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**sample_listing(), "colour": "blue"}, "colour"),
        ({**sample_listing(), "benchmarks": "5"}, "benchmarks"),
        ({**sample_listing(), "benchmarks": [9]}, "benchmarks"),
        ({**sample_listing(), "benchmarks": ["5"]}, "benchmarks"),
        ({**sample_listing(), "name": 7}, "name"),
        ({**sample_listing(), "radius_miles": -1}, "radius_miles"),
        ({**sample_listing(), "postcode": "nowhere"}, "postcode"),
        ({**sample_listing(), "postcode": "YY99 9ZZ"}, "postcode"),
        ({**sample_listing(), "cost": "paid"}, "price_band"),
        ({**sample_listing(), "contact_email": None, "website": None}, "contact_email"),
        ({k: v for k, v in sample_listing().items() if k != "name"}, "name"),
    ],
)
def test_bad_submissions_are_422_with_field_errors_and_write_nothing(
    client, tokens, runtime, body, field
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/providers", json=body, headers=tokens.person())
    assert response.status_code == 422, response.json
    assert any(key.split(".")[0] == field for key in response.json["errors"]), response.json
    assert runtime.store.count_after() == 0


def test_malformed_bodies(client, tokens, runtime) -> None:  # type: ignore[no-untyped-def]
    headers = {**tokens.person(), "Content-Type": "application/json"}
    assert client.post("/api/providers", data="{not json", headers=headers).status_code == 400
    assert client.post("/api/providers", data="[1]", headers=headers).status_code == 400
    assert client.post("/api/providers", data="name=x", headers=tokens.person()).status_code == 415
    assert runtime.store.count_after() == 0


def test_update_reject_withdraw(client, tokens) -> None:  # type: ignore[no-untyped-def]
    provider_id = _submit(client, tokens)
    rejected = client.post(
        f"/api/providers/{provider_id}/reject", json={"reason": "Add a phone"}, headers=tokens.admin()
    )
    assert rejected.json["status"] == "rejected" and rejected.json["rejection_reason"] == "Add a phone"
    assert (
        client.post(f"/api/providers/{provider_id}/reject", json={}, headers=tokens.admin()).status_code
        == 422
    )
    patched = client.patch(
        f"/api/providers/{provider_id}", json={"contact_phone": "0113 496 0000"}, headers=tokens.person()
    )
    assert patched.status_code == 200 and patched.json["status"] == "submitted"
    assert (
        client.patch(
            f"/api/providers/{provider_id}", json={"cost": "paid"}, headers=tokens.person()
        ).status_code
        == 422
    )
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"colour": 1}, headers=tokens.person()).status_code
        == 422
    )
    assert client.post(f"/api/providers/{provider_id}/approve", headers=tokens.admin()).json["version"] == 4
    withdrawn = client.post(f"/api/providers/{provider_id}/withdraw", headers=tokens.person())
    assert withdrawn.json["status"] == "withdrawn"
    again = client.post(
        f"/api/providers/{provider_id}/withdraw", json={"reason": "x"}, headers=tokens.person()
    )
    assert again.status_code == 409
    assert client.get(f"/api/providers/{provider_id}").status_code == 404


def test_permissions(client, tokens) -> None:  # type: ignore[no-untyped-def]
    provider_id = _submit(client, tokens)
    stranger = tokens.person("stranger")
    school = tokens.person("leader", Grant(CAREERS_LEADER, "institution", "inst-1"))
    # Anonymous: 401 on every write and on the queue.
    assert client.post("/api/providers", json=sample_listing()).status_code == 401
    assert client.patch(f"/api/providers/{provider_id}", json={"name": "x"}).status_code == 401
    assert client.post(f"/api/providers/{provider_id}/approve").status_code == 401
    assert client.post(f"/api/providers/{provider_id}/withdraw").status_code == 401
    assert client.get("/api/providers/moderation").status_code == 401
    # Someone else: the unpublished listing does not exist for them.
    assert client.get(f"/api/providers/{provider_id}", headers=stranger).status_code == 404
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"name": "x"}, headers=stranger).status_code == 404
    )
    # Only admins moderate.
    assert client.post(f"/api/providers/{provider_id}/approve", headers=school).status_code == 403
    assert client.post(f"/api/providers/{provider_id}/approve", headers=tokens.person()).status_code == 403
    assert client.get("/api/providers/moderation", headers=school).status_code == 403
    assert client.post(f"/api/providers/{provider_id}/approve", headers=tokens.admin()).status_code == 200
    # Published: anyone may read it, only its editors change it.
    assert client.get(f"/api/providers/{provider_id}", headers=stranger).status_code == 200
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"name": "x"}, headers=stranger).status_code == 403
    )
    assert client.post(f"/api/providers/{provider_id}/withdraw", headers=school).status_code == 403
    editor = tokens.editor(provider_id)
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"name": "Renamed"}, headers=editor).status_code
        == 200
    )
    assert client.get("/api/providers/search?postcode=LS9+8AB").json["results"][0]["name"] == "Renamed"


def test_unknown_provider_is_404(client, tokens) -> None:  # type: ignore[no-untyped-def]
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/api/providers/{missing}").status_code == 404
    assert client.post(f"/api/providers/{missing}/approve", headers=tokens.admin()).status_code == 404
    assert client.get("/api/providers/not-a-uuid").status_code == 404


def test_openapi_documents_the_routes(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/openapi.json").json["paths"]
    assert {"/api/providers/search", "/api/providers", "/api/providers/{provider_id}/approve"} <= set(paths)


def test_the_submitter_becomes_its_editor_in_tokens_issued_after(client, runtime, tokens) -> None:  # type: ignore[no-untyped-def]
    principal, token = account_with_grants(runtime)
    before = _bearer(token)  # issued before the submission: no grant over the listing
    response = client.post("/api/providers", json=sample_listing(), headers=before)
    assert response.status_code == 201, response.json
    provider_id = response.json["provider_id"]
    # Directory's record: a provider_editor grant, with its event on the account's stream.
    now = principal_for(runtime, principal.subject)
    assert now is not None and now.grants == (Grant(PROVIDER_EDITOR, "provider", provider_id),)
    [granted] = runtime.store.read_stream(f"account-{principal.subject}")
    assert granted.name == "RoleGranted"
    assert (granted.data["role"], granted.data["scope_id"], granted.data["granted_by"]) == (
        PROVIDER_EDITOR,
        provider_id,
        None,
    )
    # Having submitted it is not a permission: the old token cannot see or change it.
    assert client.get(f"/api/providers/{provider_id}", headers=before).status_code == 404
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"name": "x"}, headers=before).status_code == 404
    )
    # A token fetched afterwards carries the grant.
    fresh = _bearer(token_for(runtime, now))
    assert client.get(f"/api/providers/{provider_id}", headers=fresh).json["status"] == "submitted"
    changed = client.patch(f"/api/providers/{provider_id}", json={"name": "Renamed"}, headers=fresh)
    assert changed.status_code == 200 and changed.json["name"] == "Renamed"
    assert client.post(f"/api/providers/{provider_id}/approve", headers=tokens.admin()).status_code == 200
    assert (
        client.patch(f"/api/providers/{provider_id}", json={"name": "x"}, headers=before).status_code == 403
    )
    assert client.post(f"/api/providers/{provider_id}/withdraw", headers=fresh).json["status"] == "withdrawn"


def test_a_refused_submission_grants_nothing(client, runtime) -> None:  # type: ignore[no-untyped-def]
    principal, token = account_with_grants(runtime)
    response = client.post(
        "/api/providers", json={**sample_listing(), "postcode": "YY99 9ZZ"}, headers=_bearer(token)
    )
    assert response.status_code == 422
    after = principal_for(runtime, principal.subject)
    assert after is not None and after.grants == ()
    assert runtime.store.count_after() == 0
