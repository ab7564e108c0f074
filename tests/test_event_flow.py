"""Events flow from one service's store to other services' read models (embedded, and
over Kafka between PostgreSQL databases: ``platform_env``)."""

from __future__ import annotations

import pytest

from waymark_shared.auth.tokens import JwksKeySource

# Registering an institution is for platform administrators.
pytestmark = pytest.mark.usefixtures("directory_as_admin")

SCHOOL = {
    "name": "Riverside Academy",
    "institution_type": "special_school",
    "urn": "123456",
    "local_authority": "Leeds",
    "region": "Yorkshire and the Humber",
}


def _audit_as_admin(embedded, client_for):  # type: ignore[no-untyped-def]
    """Audit's client sending directory's administrator token, which audit verifies
    against the keys directory publishes (fetched in-process here)."""
    directory = client_for("directory")
    keys = JwksKeySource(lambda: directory.get("/.well-known/jwks.json").json)
    embedded.platform.runtime("audit").extras["token_keys"] = keys
    audit = client_for("audit")
    audit.environ_base["HTTP_AUTHORIZATION"] = directory.environ_base["HTTP_AUTHORIZATION"]
    return audit


def test_a_registered_institution_reaches_audit_and_reporting(embedded, client_for):
    created = client_for("directory").post(
        "/api/institutions", json=SCHOOL, headers={"X-Correlation-ID": "flow-test-1"}
    )
    assert created.status_code == 201, created.json
    institution_id = created.json["institution_id"]

    embedded.catch_up()

    listed = client_for("reporting").get("/api/institutions").json["institutions"]
    assert [(i["institution_id"], i["name"], i["region"]) for i in listed] == [
        (institution_id, "Riverside Academy", "Yorkshire and the Humber")
    ]
    evaluation = _audit_as_admin(embedded, client_for).get(
        f"/api/institutions/{institution_id}/evaluation-type"
    )
    assert evaluation.json["evaluation_type"] == "specialist_setting"


def test_the_event_carries_the_requests_correlation_id(embedded, client_for):
    client_for("directory").post("/api/institutions", json=SCHOOL, headers={"X-Correlation-ID": "trace-42"})
    [event] = embedded.platform.runtime("directory").store.read_all()
    assert event.correlation_id == "trace-42"
    assert event.subject == event.data["institution_id"]
    assert event.type == "uk.waymark.directory.InstitutionRegistered"


def test_a_second_registration_of_the_same_urn_is_refused_and_writes_nothing(embedded, client_for):
    directory = client_for("directory")
    assert directory.post("/api/institutions", json=SCHOOL).status_code == 201

    again = directory.post("/api/institutions", json={**SCHOOL, "name": "Someone else"})

    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert "urn" in again.json["errors"]
    assert embedded.platform.runtime("directory").store.count_after() == 1


def test_bad_institutions_get_field_errors_and_write_nothing(embedded, client_for):
    directory = client_for("directory")
    bad = directory.post("/api/institutions", json={**SCHOOL, "urn": "12345", "institution_type": "zoo"})
    unknown = directory.post("/api/institutions", json={**SCHOOL, "headteacher": "A. Person"})

    assert bad.status_code == 422
    assert set(bad.json["errors"]) >= {"institution_type"}
    assert unknown.status_code == 422
    assert "headteacher" in unknown.json["errors"]
    invalid_urn = directory.post("/api/institutions", json={**SCHOOL, "urn": "12345"})
    assert invalid_urn.status_code == 422
    assert "urn" in invalid_urn.json["errors"]
    assert embedded.platform.runtime("directory").store.count_after() == 0


def test_a_change_and_a_closure_reach_reporting_and_audit(embedded, client_for):
    directory = client_for("directory")
    institution_id = directory.post("/api/institutions", json=SCHOOL).json["institution_id"]
    changed = directory.patch(
        f"/api/institutions/{institution_id}",
        json={
            "name": "Riverside College",
            "institution_type": "fe_college",
            "careers_hub": "Leeds Careers Hub",
        },
    )
    assert changed.status_code == 200, changed.json

    embedded.catch_up()

    [row] = client_for("reporting").get("/api/institutions").json["institutions"]
    assert (row["institution_id"], row["name"], row["institution_type"]) == (
        institution_id,
        "Riverside College",
        "fe_college",
    )
    assert (row["careers_hub"], row["local_authority"], row["region"]) == (
        "Leeds Careers Hub",
        "Leeds",
        "Yorkshire and the Humber",
    )
    assert (row["status"], row["closed_on"]) == ("open", None)
    audit = _audit_as_admin(embedded, client_for)
    evaluation = audit.get(f"/api/institutions/{institution_id}/evaluation-type").json
    assert (evaluation["evaluation_type"], evaluation["status"]) == ("fe_itp", "open")

    closed = directory.post(
        f"/api/institutions/{institution_id}/close", json={"reason": "Merged", "closed_on": "2026-08-31"}
    )
    assert closed.status_code == 200, closed.json
    embedded.catch_up()

    [row] = client_for("reporting").get("/api/institutions").json["institutions"]
    assert (row["name"], row["status"], row["closed_on"]) == ("Riverside College", "closed", "2026-08-31")
    evaluation = audit.get(f"/api/institutions/{institution_id}/evaluation-type").json
    assert evaluation == {
        "institution_id": institution_id,
        "institution_type": "fe_college",
        "evaluation_type": "fe_itp",
        "status": "closed",
        "closed_on": "2026-08-31",
        "chosen": False,  # no careers leader has chosen another evaluation type
        "reason": None,
        "type_evaluation_type": "fe_itp",
        "version": 0,
    }


def test_demo_data_flows_to_reporting(embedded, client_for):
    seeded = embedded.seed_demo()

    assert "directory" in seeded
    # The demo has staff, rosters and providers too: only registrations make institutions.
    registered = {
        event.subject
        for event in embedded.platform.runtime("directory").store.read_all()
        if event.type == "uk.waymark.directory.InstitutionRegistered"
    }
    directory_lists = client_for("directory").get("/api/institutions", query_string={"per_page": 200}).json
    reporting_lists = client_for("reporting").get("/api/institutions").json["institutions"]
    assert {i["institution_id"] for i in reporting_lists} == registered
    assert directory_lists["total"] == len(registered)
    regions = client_for("reporting").get("/api/regions").json["regions"]
    assert sum(r["institutions"] for r in regions) == len(registered)
    assert len(regions) >= 5
    assert embedded.seed_demo() == []


def test_every_service_says_what_it_is_at_its_root(embedded, client_for):
    for name in ("directory", "audit", "planner", "destinations", "reporting"):
        index = client_for(name).get("/")
        assert index.status_code == 200
        assert index.json["service"] == name
        assert index.json["description"]
        assert client_for(name).get(index.json["links"]["openapi"]).status_code == 200
        assert client_for(name).get(index.json["links"]["readyz"]).status_code == 200
