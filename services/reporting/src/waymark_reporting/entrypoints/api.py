"""Reporting's JSON API over its read models."""

from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from waymark_reporting import views
from waymark_shared.web.openapi import api_route
from waymark_shared.web.runtime import current_runtime

api = Blueprint("reporting", __name__, url_prefix="/api")


class InstitutionRow(Schema):
    institution_id = fields.String()
    name = fields.String()
    institution_type = fields.String()
    local_authority = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    local_authority_code = fields.String(allow_none=True)
    careers_hub = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "open or closed"})
    closed_on = fields.String(allow_none=True, metadata={"description": "The day it closed (ISO 8601)."})
    registered_at = fields.String()


class InstitutionList(Schema):
    institutions = fields.List(fields.Nested(InstitutionRow))


class RegionCount(Schema):
    region = fields.String(allow_none=True)
    institutions = fields.Integer()


class RegionList(Schema):
    regions = fields.List(fields.Nested(RegionCount))


@api_route(api, "/institutions", responses={200: InstitutionList}, summary="Institutions known to reporting")
def institutions():  # type: ignore[no-untyped-def]
    return InstitutionList().dump({"institutions": views.list_institutions(current_runtime())})


@api_route(api, "/regions", responses={200: RegionList}, summary="Institutions per region")
def regions():  # type: ignore[no-untyped-def]
    return RegionList().dump({"regions": views.institutions_by_region(current_runtime())})
