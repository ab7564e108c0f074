"""The OpenAPI document: valid 3.1, listing each route with its schemas."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)

    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Widgets", "version": "1.0.0", "description": "Test API"}


def test_a_route_is_listed_with_its_request_and_response_schemas(document: dict[str, Any]) -> None:
    put = document["paths"]["/widgets/{widget_id}"]["put"]

    assert put["summary"] == "Register a widget"
    assert put["operationId"] == "widgets.register_widget"
    assert put["tags"] == ["widgets"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisterWidget"
    }
    assert put["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Widget"
    }
    for status in ("400", "409", "413", "415", "422", "default"):
        assert put["responses"][status]["content"]["application/problem+json"]["schema"] == PROBLEM_REF


def test_path_parameters_are_typed_from_their_converters(document: dict[str, Any]) -> None:
    [widget_id] = document["paths"]["/widgets/{widget_id}"]["parameters"]
    [number] = document["paths"]["/widgets/{number}/broken-event"]["parameters"]

    assert widget_id == {"name": "widget_id", "in": "path", "required": True, "schema": {"type": "string"}}
    assert number["schema"] == {"type": "integer"}


def test_the_schemas_are_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert {"Problem", "RegisterWidget", "Widget", "Ready"} <= schemas.keys()
    assert schemas["RegisterWidget"]["required"] == ["name", "size"]
    assert schemas["RegisterWidget"]["properties"]["size"]["type"] == "integer"
    assert schemas["Problem"]["properties"]["errors"]["additionalProperties"]["type"] == "array"


def test_the_platform_routes_are_documented(document: dict[str, Any]) -> None:
    assert {"/healthz", "/readyz", "/_status"} <= document["paths"].keys()
    readyz = document["paths"]["/readyz"]["get"]["responses"]
    assert readyz["503"]["content"]["application/problem+json"]["schema"] == PROBLEM_REF
