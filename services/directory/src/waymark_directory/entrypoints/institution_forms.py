"""The institution pages' forms, loaded from ``request.form`` (blank means none)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from waymark_directory.domain.institutions import INSTITUTION_TYPES, MAX_AGE, MIN_AGE, REGIONS

_AGE = validate.Range(MIN_AGE, MAX_AGE, error=f"Enter an age from {MIN_AGE} to {MAX_AGE}.")
_NUMBER = {"invalid": "Enter a whole number of years."}


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the button

    @pre_load
    def _blank_is_none(self, data: Any, **_: Any) -> dict[str, Any]:
        return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in dict(data).items()}


class InstitutionDetailsForm(_Form):
    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        error_messages={"required": "Enter the institution's name.", "null": "Enter the institution's name."},
    )
    institution_type = fields.String(
        required=True,
        validate=validate.OneOf(INSTITUTION_TYPES, error="Choose the type of institution."),
        error_messages={
            "required": "Choose the type of institution.",
            "null": "Choose the type of institution.",
        },
    )
    local_authority = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    region = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf(REGIONS, error="Choose an English region."),
    )
    careers_hub = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    trust = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    postcode = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=10))
    low_age = fields.Integer(allow_none=True, load_default=None, validate=_AGE, error_messages=_NUMBER)
    high_age = fields.Integer(allow_none=True, load_default=None, validate=_AGE, error_messages=_NUMBER)
    website = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))
    version = fields.Integer(required=True, error_messages={"required": "Reload the page and try again."})


class CloseInstitutionForm(_Form):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        error_messages={
            "required": "Say why the institution closed.",
            "null": "Say why the institution closed.",
        },
    )
    closed_on_day = fields.Integer(data_key="closed_on-day", allow_none=True, load_default=None)
    closed_on_month = fields.Integer(data_key="closed_on-month", allow_none=True, load_default=None)
    closed_on_year = fields.Integer(data_key="closed_on-year", allow_none=True, load_default=None)
    version = fields.Integer(required=True, error_messages={"required": "Reload the page and try again."})

    @validates_schema(skip_on_field_errors=False)
    def _a_real_date(self, data: dict[str, Any], **_: Any) -> None:
        parts = (data.get("closed_on_year"), data.get("closed_on_month"), data.get("closed_on_day"))
        if None in parts:
            raise ValidationError("Enter the date it closed, with a day, month and year.", "closed_on")
        try:
            date(*parts)  # type: ignore[arg-type]
        except ValueError:
            raise ValidationError("The date it closed must be a real date.", "closed_on") from None


class InstitutionFilters(_Form):
    region = fields.String(allow_none=True, validate=validate.OneOf(REGIONS))
    local_authority = fields.String(allow_none=True, validate=validate.Length(max=100))
    careers_hub = fields.String(allow_none=True, validate=validate.Length(max=200))
    institution_type = fields.String(allow_none=True, validate=validate.OneOf(INSTITUTION_TYPES))
    status = fields.String(allow_none=True, validate=validate.OneOf(("open", "closed")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
