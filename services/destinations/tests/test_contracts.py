"""What partners read: destinations' event contracts as JSON Schema (every event
described, learner ids only, unknown fields refused) and its OpenAPI document."""

from __future__ import annotations

import jsonschema

from waymark_destinations.adapters.contracts import registry
from waymark_shared.events.contracts import data_schema

NAMES = {"DestinationIntended", "DestinationRecorded", "DestinationSustained", "DestinationNotSustained",
         "DestinationConsentRecorded"}  # fmt: skip
PERSONAL = {"name", "first_name", "surname", "upn", "date_of_birth", "provider", "employer", "notes"}
RECORDED = {
    "learner_id": "5b0c7a52-3c1e-4b6f-9d55-0d7c1f7f3a10",
    "institution_id": "6c1d8b63-4d2f-4c70-8e66-1e8d2a8a4b21",
    "leaving_point": "ks4",
    "leaving_cohort": "2025/26",
    "category": "fe_college",
    "start_date": "2026-09-07",
    "source": "local_authority",
    "evidence_date": "2026-10-01",
}


def test_every_event_is_described_and_carries_no_personal_data() -> None:
    contracts = {contract.name: contract for contract in registry.contracts()}
    assert set(contracts) == NAMES
    for name, contract in contracts.items():
        schema = data_schema(registry, contract)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema.get("description"), name
        assert not set(schema["properties"]) & PERSONAL, name
        assert schema["properties"]["learner_id"]["description"].startswith("Directory's pseudonymous id")


def test_a_destination_recorded_validates_and_refuses_anything_else() -> None:
    contract = next(c for c in registry.contracts() if c.name == "DestinationRecorded")
    validator = jsonschema.Draft202012Validator(data_schema(registry, contract))
    assert validator.is_valid(RECORDED)
    assert not validator.is_valid({**RECORDED, "provider": "Leeds City College"})
    assert not validator.is_valid({**RECORDED, "category": "university"})
    assert not validator.is_valid({**RECORDED, "leaving_point": "ks5"})


def test_the_api_is_documented(app) -> None:  # type: ignore[no-untyped-def]
    document = app.test_client().get("/openapi.json").get_json()
    paths = document["paths"]
    assert "/api/learners/{learner_id}/destinations" in paths
    assert set(paths["/api/learners/{learner_id}/destinations"]) >= {"get", "post"}
    assert "/api/institutions/{institution_id}/destinations/worklist" in paths
