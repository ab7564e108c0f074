"""Request and response schemas of the roster API."""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.learners import IMPORT_MODES

_TRUTHY = ("true", "1", "yes", "on", "y")
_FALSY = ("false", "0", "no", "off", "n", "")


class RosterImportOptions(Schema):
    """Options of a roster import, as form fields (multipart) or query parameters (text/csv)."""

    mode = fields.String(
        load_default="full",
        validate=validate.OneOf(IMPORT_MODES),
        metadata={
            "description": "full: the file is the whole roll; learners on roll missing from it leave "
            "(leaving date: today). partial: add or update only."
        },
    )
    import_valid_rows = fields.Boolean(
        load_default=False,
        truthy=set(_TRUTHY),
        falsy=set(_FALSY),
        metadata={
            "description": "Import the valid rows of a file that has errors (default: import nothing)."
        },
    )


class LearnerQuery(Schema):
    year_group = fields.Integer(load_default=None, validate=validate.Range(7, 14))
    form_group = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    include_left = fields.Boolean(load_default=False, truthy=set(_TRUTHY), falsy=set(_FALSY))


class RosterRowErrorRecord(Schema):
    """A row error as the import history keeps it: never the cell's value."""

    row = fields.Integer(metadata={"description": "Row in the file as a spreadsheet numbers it (header: 1)."})
    column = fields.String(metadata={"description": "The template's column name, or '' for the whole row."})
    message = fields.String()


class RosterRowErrorResponse(RosterRowErrorRecord):
    value = fields.String(metadata={"description": "What the cell held (only in the import's own response)."})


class RosterImportResponse(Schema):
    import_id = fields.String()
    status = fields.String(metadata={"description": "imported, no_changes or rejected (nothing imported)."})
    mode = fields.String()
    import_valid_rows = fields.Boolean()
    file_sha256 = fields.String()
    rows_total = fields.Integer()
    rows_valid = fields.Integer()
    rows_invalid = fields.Integer()
    enrolled = fields.Integer()
    updated = fields.Integer()
    left = fields.Integer()
    unchanged = fields.Integer()
    events = fields.Integer()
    row_errors = fields.List(fields.Nested(RosterRowErrorResponse), attribute="errors")
    file_errors = fields.List(fields.String())
    ignored_columns = fields.List(fields.String())


class RosterImportRecordResponse(Schema):
    import_id = fields.String()
    actor = fields.String(allow_none=True)
    imported_at = fields.DateTime()
    file_name = fields.String(allow_none=True)
    file_sha256 = fields.String()
    status = fields.String()
    mode = fields.String()
    import_valid_rows = fields.Boolean()
    rows_total = fields.Integer()
    rows_valid = fields.Integer()
    rows_invalid = fields.Integer()
    enrolled = fields.Integer()
    updated = fields.Integer()
    left = fields.Integer()
    unchanged = fields.Integer()
    events = fields.Integer()
    file_errors = fields.List(fields.String())
    row_errors = fields.List(fields.Nested(RosterRowErrorRecord), attribute="errors")


class RosterImportHistoryResponse(Schema):
    imports = fields.List(fields.Nested(RosterImportRecordResponse))


class LearnerResponse(Schema):
    learner_id = fields.String(metadata={"description": "Pseudonymous id, as in the learner events."})
    year_group = fields.Integer()
    cohort = fields.String()
    form_group = fields.String(allow_none=True)
    sen_status = fields.String()
    disadvantaged = fields.Boolean()
    on_roll = fields.Boolean()
    leaving_date = fields.Date(allow_none=True)
    personal_data_erased = fields.Boolean()
    upn = fields.String(allow_none=True)
    legal_surname = fields.String(allow_none=True)
    legal_forename = fields.String(allow_none=True)
    preferred_surname = fields.String(allow_none=True)
    preferred_forename = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)


class LearnerListResponse(Schema):
    learners = fields.List(fields.Nested(LearnerResponse))
