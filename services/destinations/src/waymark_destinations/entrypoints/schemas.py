"""The JSON bodies of destinations' API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from waymark_destinations.adapters.contracts import CATEGORY_CODES
from waymark_destinations.domain.categories import LEAVING_POINTS, SEPTEMBER_GUARANTEE, SOURCES, UNDECIDED
from waymark_destinations.domain.consent import CONSENTS, GIVERS

_POINT = fields.String(required=True, validate=validate.OneOf(LEAVING_POINTS), metadata={"description": "ks4 or 16-18"})
_SOURCE = fields.String(required=True, validate=validate.OneOf(SOURCES), metadata={"description": "Who said so."})
_EVIDENCE = fields.Date(
    load_default=None, allow_none=True, metadata={"description": "The date of the evidence (default today)."}
)


class RecordDestinationRequest(Schema):
    leaving_point = _POINT
    category = fields.String(required=True, validate=validate.OneOf(CATEGORY_CODES))
    start_date = fields.Date(required=True)
    source = _SOURCE
    evidence_date = _EVIDENCE
    september_guarantee = fields.String(load_default="not_recorded", validate=validate.OneOf(SEPTEMBER_GUARANTEE))
    provider = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The provider or employer (kept only with consent; erased on request)."},
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RecordIntendedRequest(Schema):
    leaving_point = _POINT
    category = fields.String(required=True, validate=validate.OneOf((*CATEGORY_CODES, UNDECIDED)))
    source = _SOURCE
    evidence_date = _EVIDENCE


class JudgeRequest(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(("sustained", "not_sustained")))
    source = _SOURCE
    evidence_date = _EVIDENCE


class ConsentRequest(Schema):
    consent = fields.String(required=True, validate=validate.OneOf(CONSENTS))
    given_by = fields.String(required=True, validate=validate.OneOf(GIVERS))
    consent_date = fields.Date(load_default=None, allow_none=True)


class LeavingPointQuery(Schema):
    leaving_point = fields.String(load_default="ks4", validate=validate.OneOf(LEAVING_POINTS))


class ExportQuery(LeavingPointQuery):
    cohort = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{4}/\d{2}$"))


class ImportOptions(Schema):
    valid_rows_only = fields.Boolean(
        load_default=False, metadata={"description": "Import the valid rows even if others have errors."}
    )


class CategoryCount(Schema):
    code = fields.String()
    name = fields.String(metadata={"description": "The DfE category."})
    group = fields.String()
    count = fields.Integer()
    percentage = fields.Float(allow_none=True, metadata={"description": "Of the leaving cohort."})
    change = fields.Float(allow_none=True, metadata={"description": "Percentage points since the cohort before."})


class GroupCount(Schema):
    group = fields.String()
    name = fields.String()
    count = fields.Integer()
    percentage = fields.Float(allow_none=True)


class CohortSummary(Schema):
    leaving_cohort = fields.String()
    size = fields.Integer(metadata={"description": "Learners who reached the leaving point here."})
    recorded = fields.Integer(metadata={"description": "Of whom a destination is recorded."})
    categories = fields.List(fields.Nested(CategoryCount))
    groups = fields.List(fields.Nested(GroupCount))
    sustained = fields.Integer()
    sustained_rate = fields.Float(allow_none=True, metadata={"description": "None until any is judged."})
    judged_from = fields.String(metadata={"description": "The first day its destinations can be judged."})
    sustained_change = fields.Float(allow_none=True)
    not_sustained = fields.Integer()
    pending = fields.Integer(metadata={"description": "Destinations not judged yet."})
    neet = fields.Integer()
    not_known = fields.Integer(metadata={"description": "Not known, or no destination recorded."})
    no_destination = fields.Integer()
    september_guarantee = fields.Dict(keys=fields.String(), values=fields.Integer())
    had_intention = fields.Integer(metadata={"description": "Leavers with an intended destination recorded."})
    as_intended = fields.Integer(metadata={"description": "Of whom went where they intended."})
    as_intended_rate = fields.Float(allow_none=True)


class CohortViewResponse(Schema):
    institution_id = fields.String()
    leaving_point = fields.String()
    today = fields.String()
    sixth_form = fields.Boolean()
    cohorts = fields.List(fields.Nested(CohortSummary), metadata={"description": "Newest first."})


class WorklistItem(Schema):
    learner_id = fields.String()
    form_group = fields.String(allow_none=True)
    leaving_point = fields.String()
    leaving_cohort = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String()
    level = fields.Integer(metadata={"description": "Urgency: 0 most urgent."})
    level_name = fields.String()
    since = fields.String(metadata={"description": "The day it has been waiting since (ISO 8601)."})
    reason = fields.String(metadata={"description": "Why the learner is on the worklist."})


class WorklistResponse(Schema):
    institution_id = fields.String()
    today = fields.String()
    tracked = fields.Integer()
    items = fields.List(fields.Nested(WorklistItem))


class LeavingPointState(Schema):
    leaving_cohort = fields.String()
    leaving_day = fields.Date()
    needs_consent = fields.Boolean()
    intended_category = fields.String(allow_none=True)
    intended_on = fields.Date(allow_none=True)
    category = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    source = fields.String(allow_none=True)
    evidence_date = fields.Date(allow_none=True)
    september_guarantee = fields.String(allow_none=True)
    sustained = fields.String(allow_none=True, metadata={"description": "pending, sustained or not_sustained"})
    judged_from = fields.Date(allow_none=True)
    period_ended = fields.Date(allow_none=True)


class HistoryEntry(Schema):
    event = fields.String()
    recorded_at = fields.String()
    actor = fields.String(allow_none=True)
    version = fields.Integer()
    leaving_point = fields.String()
    category = fields.String()
    start_date = fields.String()
    source = fields.String()
    evidence_date = fields.String()
    september_guarantee = fields.String()
    period_ended = fields.String()
    consent = fields.String()
    given_by = fields.String()
    consent_date = fields.String()
    recorded_by = fields.String()
    provider = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)


class LearnerDestinationsResponse(Schema):
    learner_id = fields.String()
    institution_id = fields.String()
    year_group = fields.Integer(allow_none=True)
    cohort = fields.String(allow_none=True)
    form_group = fields.String(allow_none=True)
    on_roll = fields.Boolean()
    leaving_date = fields.Date(allow_none=True)
    tracking_ends = fields.Date(allow_none=True)
    consent = fields.Dict(allow_none=True)
    points = fields.Dict(keys=fields.String(), values=fields.Nested(LeavingPointState))
    history = fields.List(fields.Nested(HistoryEntry), metadata={"description": "Newest first."})
    version = fields.Integer()


class ImportRowError(Schema):
    row = fields.Integer()
    column = fields.String(allow_none=True)
    message = fields.String()


class ImportResponse(Schema):
    import_id = fields.String(allow_none=True, metadata={"description": "None when nothing was written."})
    imported = fields.Boolean()
    rows_total = fields.Integer()
    rows_valid = fields.Integer()
    rows_invalid = fields.Integer()
    recorded = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.List(fields.Nested(ImportRowError))
    file_errors = fields.List(fields.String())


class CategoryInfo(Schema):
    code = fields.String()
    name = fields.String()
    group = fields.String()
    leaving_points = fields.List(fields.String())
    can_be_sustained = fields.Boolean()


class CategoriesResponse(Schema):
    categories = fields.List(fields.Nested(CategoryInfo))
    sources = fields.List(fields.String())
    september_guarantee = fields.List(fields.String())
