"""Audit's JSON API: the evaluation type an institution takes (the evaluations
themselves are in :mod:`waymark_audit.entrypoints.evaluations_api`)."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from waymark_audit.entrypoints.evaluations_api import checked_institution, expected_version
from waymark_audit.entrypoints.schemas import ChangeEvaluationTypeRequest
from waymark_audit.service_layer import permissions
from waymark_audit.service_layer.evaluations import InvalidChoice, UnknownInstitution, change_evaluation_type
from waymark_shared.web.auth import require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import VALIDATION, Problem
from waymark_shared.web.requests import load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("audit", __name__, url_prefix="/api")


class EvaluationTypeResponse(Schema):
    institution_id = fields.String()
    evaluation_type = fields.String()
    institution_type = fields.String(metadata={"description": "The type the evaluation type follows."})
    status = fields.String(metadata={"description": "open or closed (a closed one keeps its history)"})
    closed_on = fields.String(allow_none=True, metadata={"description": "The day it closed (ISO 8601)."})
    chosen = fields.Boolean(
        metadata={
            "description": "Chosen by a careers leader (a change of institution type no longer changes it)."
        }
    )
    reason = fields.String(allow_none=True, metadata={"description": "Why the careers leader chose it."})
    type_evaluation_type = fields.String(
        metadata={"description": "The evaluation type the institution type gives."}
    )
    version = fields.Integer(metadata={"description": "Send it back (or If-Match) when changing it."})


def _dump(institution_id: str, found: dict):  # type: ignore[no-untyped-def]
    version = found.get("choice_version") or 0
    body = EvaluationTypeResponse().dump({"institution_id": institution_id, **found, "version": version})
    return body, 200, {"ETag": f'"{version}"'}


@api_route(
    api,
    "/institutions/<uuid:institution_id>/evaluation-type",
    responses={200: EvaluationTypeResponse, 401: None, 403: None, 404: None},
    summary="The Compass evaluation type an institution takes",
)
def show_evaluation_type(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    found = checked_institution(principal, str(institution_id), permissions.can_read_results)
    return _dump(str(institution_id), found)


@api_route(
    api,
    "/institutions/<uuid:institution_id>/evaluation-type",
    methods=["PUT"],
    request=ChangeEvaluationTypeRequest,
    responses={200: EvaluationTypeResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Choose the evaluation type, with a reason (careers leaders)",
    endpoint="change_evaluation_type",
)
def change(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_change_evaluation_type)
    body = load_json(ChangeEvaluationTypeRequest)
    try:
        found = change_evaluation_type(
            current_runtime(),
            institution_id,
            body["evaluation_type"],
            body["reason"],
            expected_version(body["version"]),
        )
    except InvalidChoice as error:
        raise Problem(422, "The choice is not valid", errors=error.errors, type=VALIDATION) from error
    except UnknownInstitution as error:
        raise Problem(404, "Unknown institution", str(error)) from error
    return _dump(institution_id, found)
