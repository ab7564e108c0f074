"""Audit's JSON API."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from waymark_audit.adapters.institutions import evaluation_type
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

api = Blueprint("audit", __name__, url_prefix="/api")


class EvaluationTypeResponse(Schema):
    institution_id = fields.String()
    evaluation_type = fields.String()


@api_route(
    api,
    "/institutions/<uuid:institution_id>/evaluation-type",
    responses={200: EvaluationTypeResponse, 404: None},
    summary="The Compass evaluation type an institution takes",
)
def show_evaluation_type(institution_id):  # type: ignore[no-untyped-def]
    found = evaluation_type(current_runtime(), str(institution_id))
    if found is None:
        raise Problem(404, "Unknown institution", f"Audit has not heard of institution {institution_id}.")
    return {"institution_id": str(institution_id), "evaluation_type": found}
