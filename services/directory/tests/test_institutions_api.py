"""The institutions API: permissions, updates with versions, closing, the list, the
GIAS import route, and bad input (problem+json with field errors, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from waymark_directory.service_layer import credentials
from waymark_shared.auth import ADMIN, CAREERS_LEADER, GOVERNOR, HUB_LEAD, Grant

SAMPLE = Path(__file__).parent / "fixtures" / "gias_sample.csv"
SCHOOL = {
    "name": "Riverside Academy",
    "institution_type": "mainstream_secondary",
    "urn": "990001",
    "local_authority": "Leeds",
    "region": "Yorkshire and the Humber",
    "postcode": "ls9 8ab",
    "careers_hub": "West Yorkshire Careers Hub",
    "trust": "Aire Valley Learning Trust",
    "low_age": 11,
    "high_age": 18,
    "website": "www.riverside.sch.uk",
}


def _client_headers(runtime, client, institution_id: str, scopes: set[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A registered API client of ``institution_id``, its token from the OAuth token endpoint."""
    new = credentials.register_client(
        runtime, institution_id=institution_id, name="MIS sync", scopes=sorted(scopes), registered_by="test"
    )
    granted = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(new.client_id, new.secret)
    )
    assert granted.status_code == 200, granted.json
    return {"Authorization": f"Bearer {granted.json['access_token']}"}


@pytest.fixture
def admin(bearer_for):  # type: ignore[no-untyped-def]
    return bearer_for(Grant(ADMIN, "platform"))


@pytest.fixture
def school(client, admin):  # type: ignore[no-untyped-def]
    created = client.post("/api/institutions", json=SCHOOL, headers=admin)
    assert created.status_code == 201, created.json
    return created.json


# Streams written when the tests' accounts and API clients are set up (their role grants).
IDENTITY_STREAMS = ("account-", "api-client-")


def _count(runtime) -> int:  # type: ignore[no-untyped-def]
    """Events the institution routes wrote (the test's own sign-ins are not counted)."""
    return sum(1 for event in runtime.store.iter_all() if not event.stream_id.startswith(IDENTITY_STREAMS))


def test_an_admin_registers_an_institution_with_every_field(client, admin, school):
    assert school["postcode"] == "LS9 8AB"
    assert school["local_authority_code"] == "E08000035"
    assert school["website"] == "https://www.riverside.sch.uk"
    assert (school["status"], school["version"]) == ("open", 1)
    shown = client.get(f"/api/institutions/{school['institution_id']}", headers=admin)
    assert shown.headers["ETag"] == '"1"'


def test_registering_needs_an_admin(client, runtime, bearer_for):
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", "x"))
    assert client.post("/api/institutions", json=SCHOOL).status_code == 401
    assert client.post("/api/institutions", json=SCHOOL, headers=leader).status_code == 403
    assert _count(runtime) == 0


def test_a_careers_leader_updates_their_own_institution_with_if_match(client, school, runtime, bearer_for):
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    url = f"/api/institutions/{school['institution_id']}"

    changed = client.patch(url, json={"trust": None, "high_age": 16}, headers={**leader, "If-Match": '"1"'})

    assert changed.status_code == 200, changed.json
    assert (changed.json["trust"], changed.json["high_age"], changed.json["version"]) == (None, 16, 2)
    assert changed.headers["ETag"] == '"2"'
    events = runtime.store.read_all()
    assert events[-1].data["changes"] == {"trust": None, "high_age": 16}


def test_a_stale_version_gets_409_and_writes_nothing(client, admin, school, runtime):
    url = f"/api/institutions/{school['institution_id']}"
    assert client.patch(url, json={"name": "Riverside", "version": 1}, headers=admin).status_code == 200

    stale = client.patch(url, json={"name": "Other", "version": 1}, headers=admin)
    stale_header = client.patch(url, json={"name": "Other"}, headers={**admin, "If-Match": 'W/"1"'})

    assert stale.status_code == 409
    assert stale.mimetype == "application/problem+json"
    assert (stale.json["expected_version"], stale.json["actual_version"]) == (1, 2)
    assert stale_header.status_code == 409
    assert _count(runtime) == 2


def test_an_update_that_changes_nothing_appends_nothing(client, admin, school, runtime):
    unchanged = client.patch(
        f"/api/institutions/{school['institution_id']}", json={"name": "Riverside Academy"}, headers=admin
    )
    assert (unchanged.status_code, unchanged.json["version"]) == (200, 1)
    assert _count(runtime) == 1


def test_staff_of_another_institution_and_governors_cannot_change_it(client, school, runtime, bearer_for):
    url = f"/api/institutions/{school['institution_id']}"
    other = bearer_for(Grant(CAREERS_LEADER, "institution", "00000000-0000-4000-8000-000000000000"))
    governor = bearer_for(Grant(GOVERNOR, "institution", school["institution_id"]))

    assert client.patch(url, json={"name": "Mine now"}).status_code == 401
    assert client.patch(url, json={"name": "Mine now"}, headers=other).status_code == 404
    assert client.get(url, headers=other).status_code == 404
    assert client.patch(url, json={"name": "Mine now"}, headers=governor).status_code == 403
    assert client.get(url, headers=governor).status_code == 200
    assert _count(runtime) == 1


def test_only_admins_close_and_a_closed_institution_refuses_updates(
    client, admin, school, runtime, bearer_for
):
    url = f"/api/institutions/{school['institution_id']}"
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", school["institution_id"]))
    closure = {"reason": "Merged with Hillcrest", "closed_on": "2026-08-31"}

    assert client.post(f"{url}/close", json=closure, headers=leader).status_code == 403
    closed = client.post(f"{url}/close", json={**closure, "version": 1}, headers=admin)
    refused = client.patch(url, json={"name": "After"}, headers=leader)
    again = client.post(f"{url}/close", json=closure, headers=admin)

    assert (closed.status_code, closed.json["status"], closed.json["closed_on"]) == (
        200,
        "closed",
        "2026-08-31",
    )
    assert refused.status_code == 409
    assert "closed" in refused.json["detail"]
    assert again.status_code == 409
    assert _count(runtime) == 2


def test_the_list_filters_pages_and_shows_only_what_you_may_see(client, admin, school, bearer_for):
    for urn, hub, region in [("990002", "Hub B", "London"), ("990003", "Hub B", "North West")]:
        body = {**SCHOOL, "urn": urn, "name": f"School {urn}", "careers_hub": hub, "region": region}
        assert client.post("/api/institutions", json=body, headers=admin).status_code == 201
    hub_lead = bearer_for(Grant(HUB_LEAD, "hub", "Hub B"))

    everything = client.get("/api/institutions?per_page=2&page=1", headers=admin).json
    london = client.get("/api/institutions?region=London&status=open", headers=admin).json
    hubs = client.get("/api/institutions", headers=hub_lead).json

    assert (everything["total"], len(everything["institutions"]), everything["per_page"]) == (3, 2, 2)
    assert [i["urn"] for i in london["institutions"]] == ["990002"]
    assert sorted(i["urn"] for i in hubs["institutions"]) == ["990002", "990003"]
    assert hubs["total"] == 2
    assert client.get("/api/institutions").status_code == 401


@pytest.mark.parametrize(
    "query", ["region=Atlantis", "page=0", "per_page=1000", "colour=blue", "institution_type=zoo", "page=x"]
)
def test_bad_list_queries_get_422(client, admin, query):
    answer = client.get(f"/api/institutions?{query}", headers=admin)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"urn": "12345"}, "urn"),
        ({"ukprn": "20012345"}, "ukprn"),
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"postcode": "QQ1 1QQ"}, "postcode"),
        ({"website": "not a website"}, "website"),
        ({"low_age": "eleven"}, "low_age"),
        ({"low_age": 3}, "low_age"),
        ({"low_age": 18, "high_age": 11}, "high_age"),
        ({"region": "Wales"}, "region"),
        ({"headteacher": "A. Person"}, "headteacher"),
        ({"name": 42}, "name"),
    ],
)
def test_bad_registrations_get_field_errors_and_write_nothing(client, admin, runtime, body, field):
    answer = client.post("/api/institutions", json={**SCHOOL, **body}, headers=admin)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert _count(runtime) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"postcode": "LS9"}, "postcode"),
        ({"website": "ftp://example.org"}, "website"),
        ({"high_age": 30}, "high_age"),
        ({"status": "closed"}, "status"),
        ({"version": "one"}, "version"),
        ({"urn": None, "ukprn": None}, "urn"),
    ],
)
def test_bad_updates_get_field_errors_and_write_nothing(client, admin, school, runtime, body, field):
    answer = client.patch(f"/api/institutions/{school['institution_id']}", json=body, headers=admin)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert _count(runtime) == 1


def test_malformed_bodies_and_headers_are_refused(client, admin, school, runtime):
    url = f"/api/institutions/{school['institution_id']}"
    json_headers = {**admin, "Content-Type": "application/json"}

    assert client.patch(url, data="{not json", headers=json_headers).status_code == 400
    assert client.patch(url, json=["name"], headers=admin).status_code == 400
    assert client.patch(url, data="name=x", headers=admin).status_code == 415
    assert (
        client.patch(url, json={"name": "x"}, headers={**admin, "If-Match": "yesterday"}).status_code == 400
    )
    assert (
        client.patch(url, json={"name": "x", "version": 1}, headers={**admin, "If-Match": '"2"'}).status_code
        == 400
    )
    assert (
        client.post(
            f"{url}/close", json={"reason": "x", "closed_on": "31/08/2026"}, headers=admin
        ).status_code
        == 422
    )
    assert (
        client.patch(
            "/api/institutions/00000000-0000-4000-8000-000000000000", json={}, headers=admin
        ).status_code
        == 404
    )
    assert _count(runtime) == 1


def test_an_admin_imports_a_gias_extract_and_reimporting_changes_nothing(client, admin, runtime):
    data = SAMPLE.read_bytes()

    first = client.post("/api/institutions/imports", data=data, headers={**admin, "Content-Type": "text/csv"})
    again = client.post(
        "/api/institutions/imports",
        data={"file": (SAMPLE.open("rb"), "edubasealldata.csv")},
        headers=admin,
        content_type="multipart/form-data",
    )

    assert first.status_code == 201, first.json
    assert (first.json["rows"], first.json["registered"], first.json["skipped"]) == (12, 7, 5)
    assert {"row": 10, "column": "URN", "message": "A URN is 6 digits, for example 100000."} in first.json[
        "errors"
    ]
    assert again.status_code == 201, again.json
    assert (again.json["registered"], again.json["unchanged"], again.json["filename"]) == (
        0,
        7,
        "edubasealldata.csv",
    )
    assert _count(runtime) == 7
    stored = client.get(first.headers["Location"], headers=admin)
    assert stored.json["error_count"] == 3


def test_the_import_route_is_for_admins_and_refuses_what_is_not_an_extract(
    client, admin, runtime, bearer_for
):
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", "x"))
    csv_headers = {"Content-Type": "text/csv"}
    url = "/api/institutions/imports"

    assert client.post(url, data=SAMPLE.read_bytes(), headers=csv_headers).status_code == 401
    assert client.post(url, data=SAMPLE.read_bytes(), headers={**leader, **csv_headers}).status_code == 403
    not_gias = client.post(url, data=b"a,b\r\n1,2\r\n", headers={**admin, **csv_headers})
    assert (not_gias.status_code, list(not_gias.json["errors"])) == (422, ["file"])
    assert client.post(url, json={"rows": []}, headers=admin).status_code == 415
    assert _count(runtime) == 0


def test_the_import_route_takes_bodies_over_the_app_limit_up_to_its_own(app, client, admin, runtime):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    app.config["DIRECTORY_IMPORT_MAX_BYTES"] = 64 * 1024
    data = SAMPLE.read_bytes()
    assert len(data) > 1024
    big = data + b"\r\n".join([b""] * 40_000)

    accepted = client.post(
        "/api/institutions/imports", data=data, headers={**admin, "Content-Type": "text/csv"}
    )
    too_big = client.post(
        "/api/institutions/imports", data=big, headers={**admin, "Content-Type": "text/csv"}
    )
    elsewhere = client.post(
        "/api/institutions",
        data=b"{" + b" " * 2000 + b"}",
        headers={**admin, "Content-Type": "application/json"},
    )

    assert accepted.status_code == 201, accepted.json
    assert too_big.status_code == 413
    assert elsewhere.status_code == 413


def test_an_api_client_reads_its_own_institution_only_with_the_scope(client, admin, school, runtime):
    url = f"/api/institutions/{school['institution_id']}"
    grant = Grant("api_client", "institution", school["institution_id"])
    reader = _client_headers(runtime, client, grant.scope_id, {"institutions:read"})
    no_scope = _client_headers(runtime, client, grant.scope_id, {"roster:read"})
    other = {**SCHOOL, "urn": "990009", "name": "Someone else's"}
    assert client.post("/api/institutions", json=other, headers=admin).status_code == 201

    assert client.get(url, headers=reader).status_code == 200
    assert [i["urn"] for i in client.get("/api/institutions", headers=reader).json["institutions"]] == [
        "990001"
    ]
    assert client.get(url, headers=no_scope).status_code == 403
    assert client.patch(url, json={"name": "x"}, headers=reader).status_code == 403


def test_only_admins_change_identifiers(client, admin, school, runtime, bearer_for):
    url = f"/api/institutions/{school['institution_id']}"
    leader = bearer_for(Grant(CAREERS_LEADER, "institution", school["institution_id"]))

    assert client.patch(url, json={"ukprn": "10012345"}, headers=leader).status_code == 403
    assert client.patch(url, json={"ukprn": "10012345"}, headers=admin).json["ukprn"] == "10012345"
    assert _count(runtime) == 2
