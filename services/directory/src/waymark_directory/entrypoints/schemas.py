"""Request and response schemas of directory's JSON API (kept apart, as they differ)."""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.institutions import INSTITUTION_TYPES


class RegisterInstitutionRequest(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution_type = fields.String(required=True, validate=validate.OneOf(INSTITUTION_TYPES))
    urn = fields.String(load_default=None, allow_none=True)
    ukprn = fields.String(load_default=None, allow_none=True)
    local_authority = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    postcode = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10))


class InstitutionResponse(Schema):
    institution_id = fields.String()
    name = fields.String()
    institution_type = fields.String()
    urn = fields.String(allow_none=True)
    ukprn = fields.String(allow_none=True)
    local_authority = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    version = fields.Integer()


class InstitutionListResponse(Schema):
    institutions = fields.List(fields.Nested(InstitutionResponse))
