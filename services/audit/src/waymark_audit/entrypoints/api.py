"""Audit's JSON API."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from waymark_audit.adapters.institutions import institution
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

api = Blueprint("audit", __name__, url_prefix="/api")


class EvaluationTypeResponse(Schema):
    institution_id = fields.String()
    evaluation_type = fields.String()
    institution_type = fields.String(metadata={"description": "The type the evaluation type follows."})
    status = fields.String(metadata={"description": "open or closed (a closed one keeps its history)"})
    closed_on = fields.String(allow_none=True, metadata={"description": "The day it closed (ISO 8601)."})


@api_route(
    api,
    "/institutions/<uuid:institution_id>/evaluation-type",
    responses={200: EvaluationTypeResponse, 404: None},
    summary="The Compass evaluation type an institution takes",
)
def show_evaluation_type(institution_id):  # type: ignore[no-untyped-def]
    found = institution(current_runtime(), str(institution_id))
    if found is None:
        raise Problem(404, "Unknown institution", f"Audit has not heard of institution {institution_id}.")
    return EvaluationTypeResponse().dump({"institution_id": str(institution_id), **found})
