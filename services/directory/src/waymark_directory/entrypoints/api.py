"""Directory's JSON API: validate, run the command, answer. Reads go to views."""

from __future__ import annotations

from flask import Blueprint, url_for

from waymark_directory import views
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.institutions import InvalidInstitution
from waymark_directory.entrypoints.schemas import (
    InstitutionListResponse,
    InstitutionResponse,
    RegisterInstitutionRequest,
)
from waymark_directory.service_layer.handlers import (
    AlreadyRegistered,
    load_institution,
    register_institution,
)
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.requests import load_json
from waymark_shared.web.runtime import current_runtime

api = Blueprint("institutions", __name__, url_prefix="/api")


@api_route(
    api,
    "/institutions",
    methods=["POST"],
    request=RegisterInstitutionRequest,
    responses={201: InstitutionResponse, 409: None},
    summary="Register an institution by URN or UKPRN",
)
def register():  # type: ignore[no-untyped-def]
    command = RegisterInstitution(**load_json(RegisterInstitutionRequest))
    try:
        institution = register_institution(command, current_runtime())
    except InvalidInstitution as error:
        raise Problem(422, "The institution is not valid", errors=error.errors) from error
    except AlreadyRegistered as error:
        raise Problem(409, "Already registered", str(error), errors={error.scheme: [str(error)]}) from error
    location = url_for(".show", institution_id=institution.institution_id)
    body = InstitutionResponse().dump(load_institution(institution.institution_id, current_runtime()))
    return body, 201, {"Location": location}


@api_route(
    api,
    "/institutions/<uuid:institution_id>",
    responses={200: InstitutionResponse, 404: None},
    summary="One institution, from its event stream",
)
def show(institution_id):  # type: ignore[no-untyped-def]
    institution = load_institution(str(institution_id), current_runtime())
    if institution is None:
        raise Problem(404, "No such institution", f"There is no institution {institution_id}.")
    return InstitutionResponse().dump(institution)


@api_route(api, "/institutions", responses={200: InstitutionListResponse}, summary="Every institution")
def index():  # type: ignore[no-untyped-def]
    return InstitutionListResponse().dump({"institutions": views.list_institutions(current_runtime())})
