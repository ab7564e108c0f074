"""Routes that document themselves: :func:`api_route` and the ``/openapi.json`` document.

A route declares its request and response schemas where it is defined::

    @api_route(bp, "/institutions", methods=["POST"], request=RegisterInstitution,
               responses={201: Institution, 409: None}, summary="Register an institution")
    def register_institution(): ...

The document is built from the app's URL map on first request, so it lists exactly
the routes the app serves, under whatever prefix their blueprint was registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app
from marshmallow import Schema
from werkzeug.routing import Rule

from waymark_shared.web.problems import PROBLEM_JSON, ProblemSchema

SchemaLike = Schema | type[Schema]
View = TypeVar("View", bound=Callable[..., Any])

_OPERATION = "_waymark_operation"
_INFO = "waymark.openapi"
# The problems any route that loads a JSON body can answer with.
_BODY_PROBLEMS = (400, 413, 415, 422)
_PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_CONVERTER_TYPES = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}


@dataclass(frozen=True)
class Operation:
    methods: tuple[str, ...]
    request: SchemaLike | None
    responses: Mapping[int, SchemaLike | None]
    summary: str
    description: str
    tags: tuple[str, ...]


@dataclass
class _ApiInfo:
    title: str
    version: str
    description: str
    document: dict[str, Any] | None = None


def api_route(
    blueprint: Blueprint,
    rule: str,
    *,
    methods: Sequence[str] = ("GET",),
    request: SchemaLike | None = None,
    responses: Mapping[int, SchemaLike | None] | None = None,
    summary: str = "",
    description: str = "",
    tags: Sequence[str] | None = None,
    endpoint: str | None = None,
) -> Callable[[View], View]:
    """Register the view on ``blueprint`` at ``rule`` and document it.

    ``responses`` maps status codes to the schema of the JSON body; ``None`` means
    problem details for codes from 400 and no body below. A route with a ``request``
    schema also documents 400, 413, 415 and 422; every route documents a default
    problem response. One ``api_route`` per view function.
    """
    operation = Operation(
        methods=tuple(m.upper() for m in methods),
        request=request,
        responses=dict(responses or {200: None}),
        summary=summary,
        description=description,
        tags=tuple(tags or (blueprint.name,)),
    )

    def register(view: View) -> View:
        setattr(view, _OPERATION, operation)
        blueprint.add_url_rule(rule, endpoint, view, methods=list(operation.methods))
        return view

    return register


def init_openapi(app: Flask, *, title: str, version: str, description: str = "") -> None:
    """Serve the app's OpenAPI 3.1 document at ``GET /openapi.json``."""
    app.extensions[_INFO] = _ApiInfo(title, version, description)
    app.add_url_rule("/openapi.json", "openapi", _openapi_view, methods=["GET"])


def openapi_document(app: Flask) -> dict[str, Any]:
    """The app's OpenAPI document, built once from its URL map."""
    info: _ApiInfo = app.extensions[_INFO]
    if info.document is None:
        info.document = _build(app, info)
    return info.document


def _openapi_view() -> dict[str, Any]:
    return openapi_document(current_app._get_current_object())  # type: ignore[attr-defined]


def _build(app: Flask, info: _ApiInfo) -> dict[str, Any]:
    spec = APISpec(
        title=info.title,
        version=info.version,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        **({"info": {"description": info.description}} if info.description else {}),
    )
    spec.components.schema("Problem", schema=ProblemSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operation = getattr(app.view_functions.get(rule.endpoint), _OPERATION, None)
        if operation is not None:
            spec.path(
                path=_PLACEHOLDER.sub(r"{\2}", rule.rule),
                parameters=_path_parameters(rule),
                operations=_operations(rule, operation),
            )
    return spec.to_dict()


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(_CONVERTER_TYPES.get(converter, {"type": "string"})),
        }
        for converter, name in _PLACEHOLDER.findall(rule.rule)
    ]


def _operations(rule: Rule, operation: Operation) -> dict[str, Any]:
    responses = {str(code): _response(code, schema) for code, schema in operation.responses.items()}
    if operation.request is not None:
        for code in _BODY_PROBLEMS:
            responses.setdefault(str(code), _response(code, None))
    responses["default"] = _problem("Problem details for any other error")
    documented = [m for m in operation.methods if m in (rule.methods or ())]
    operations = {}
    for method in documented:
        body: dict[str, Any] = {
            "operationId": rule.endpoint if len(documented) == 1 else f"{rule.endpoint}.{method.lower()}",
            "tags": list(operation.tags),
            "responses": responses,
        }
        if operation.summary:
            body["summary"] = operation.summary
        if operation.description:
            body["description"] = operation.description
        if operation.request is not None:
            body["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": operation.request}},
            }
        operations[method.lower()] = body
    return operations


def _response(code: int, schema: SchemaLike | None) -> dict[str, Any]:
    phrase = HTTPStatus(code).phrase
    if schema is None:
        return _problem(phrase) if code >= 400 else {"description": phrase}
    return {"description": phrase, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": ProblemSchema}}}
