"""Request and response schemas of directory's JSON API (kept apart, as they differ)."""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.institutions import INSTITUTION_TYPES, MAX_AGE, MIN_AGE, REGIONS, STATUSES

_AGE = validate.Range(MIN_AGE, MAX_AGE, error=f"Enter an age from {MIN_AGE} to {MAX_AGE}.")


class RegisterInstitutionRequest(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution_type = fields.String(required=True, validate=validate.OneOf(INSTITUTION_TYPES))
    urn = fields.String(load_default=None, allow_none=True)
    ukprn = fields.String(load_default=None, allow_none=True)
    local_authority = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    region = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(REGIONS))
    postcode = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10))
    careers_hub = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    trust = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    low_age = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_AGE)
    high_age = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_AGE)
    website = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class UpdateInstitutionRequest(Schema):
    """Only the fields to change; ``null`` clears an optional one. ``version`` (or an
    ``If-Match`` header) is the version the change was made against."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    institution_type = fields.String(validate=validate.OneOf(INSTITUTION_TYPES))
    urn = fields.String(allow_none=True)
    ukprn = fields.String(allow_none=True)
    local_authority = fields.String(allow_none=True, validate=validate.Length(max=100))
    region = fields.String(allow_none=True, validate=validate.OneOf(REGIONS))
    postcode = fields.String(allow_none=True, validate=validate.Length(max=10))
    careers_hub = fields.String(allow_none=True, validate=validate.Length(max=200))
    trust = fields.String(allow_none=True, validate=validate.Length(max=200))
    low_age = fields.Integer(allow_none=True, strict=True, validate=_AGE)
    high_age = fields.Integer(allow_none=True, strict=True, validate=_AGE)
    website = fields.String(allow_none=True, validate=validate.Length(max=300))
    version = fields.Integer(strict=True, validate=validate.Range(min=1))


class CloseInstitutionRequest(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    closed_on = fields.Date(required=True, metadata={"description": "The day it closed (ISO 8601)."})
    version = fields.Integer(strict=True, validate=validate.Range(min=1))


class InstitutionQuery(Schema):
    region = fields.String(validate=validate.OneOf(REGIONS))
    local_authority = fields.String(validate=validate.Length(max=100))
    local_authority_code = fields.String(validate=validate.Length(max=9))
    careers_hub = fields.String(validate=validate.Length(max=200))
    trust = fields.String(validate=validate.Length(max=200))
    institution_type = fields.String(validate=validate.OneOf(INSTITUTION_TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class InstitutionResponse(Schema):
    institution_id = fields.String()
    name = fields.String()
    institution_type = fields.String()
    urn = fields.String(allow_none=True)
    ukprn = fields.String(allow_none=True)
    local_authority = fields.String(allow_none=True)
    local_authority_code = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    careers_hub = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    low_age = fields.Integer(allow_none=True)
    high_age = fields.Integer(allow_none=True)
    website = fields.String(allow_none=True)
    status = fields.String()
    closed_on = fields.String(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    version = fields.Integer()


class InstitutionListResponse(Schema):
    institutions = fields.List(fields.Nested(InstitutionResponse))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class RowIssueResponse(Schema):
    row = fields.Integer(metadata={"description": "Row number in the file; the header is row 1."})
    column = fields.String()
    message = fields.String()


class ImportResponse(Schema):
    import_id = fields.String()
    filename = fields.String(allow_none=True)
    sha256 = fields.String()
    rows = fields.Integer()
    registered = fields.Integer()
    updated = fields.Integer()
    closed = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
    error_count = fields.Integer()
    errors = fields.List(fields.Nested(RowIssueResponse))
    notes = fields.List(fields.Nested(RowIssueResponse))
    started_at = fields.DateTime()
    finished_at = fields.DateTime()
