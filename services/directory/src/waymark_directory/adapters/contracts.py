"""Directory's event contracts: the marshmallow schema of every event type and version.

These are what partner systems read (published as JSON Schema and AsyncAPI by
``waymark contracts``). They carry no pupil data.
"""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.institutions import INSTITUTION_TYPES
from waymark_shared.events import EventRegistry

registry = EventRegistry("directory")


@registry.schema("InstitutionRegistered", version=1)
class InstitutionRegisteredV1(Schema):
    """A school, college or training provider joined Waymark."""

    institution_id = fields.UUID(required=True, metadata={"description": "Waymark's id for the institution."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution_type = fields.String(required=True, validate=validate.OneOf(INSTITUTION_TYPES))
    urn = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "DfE Unique Reference Number (6 digits)."},
    )
    ukprn = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "UK Provider Reference Number (8 digits)."},
    )
    local_authority = fields.String(load_default=None, allow_none=True)
    region = fields.String(load_default=None, allow_none=True)
    postcode = fields.String(load_default=None, allow_none=True)
