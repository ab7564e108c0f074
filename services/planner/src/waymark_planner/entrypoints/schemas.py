"""The JSON bodies of planner's API: what a request may send (validated before any
work is done) and what an answer holds. Learners appear only as directory's
pseudonymous ids; staff are named as the careers leader typed them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from waymark_planner.domain.vocabulary import (
    ACTIVITY_TYPES,
    BENCHMARKS,
    DELIVERY,
    FEEDBACK_FROM,
    IN_PERSON,
    MEANINGFUL_CHECKLIST,
    ORIGINS,
    OUTCOMES,
    RATINGS,
    SUBJECTS,
    TERMS,
    YEAR_GROUPS,
)

_TEXT = validate.Length(min=1, max=200)
_LONG_TEXT = validate.Length(max=4000)
_REASON = validate.Length(min=1, max=1000)


def _version(description: str = "The version you changed (or send If-Match).") -> fields.Integer:
    return fields.Integer(load_default=None, allow_none=True, metadata={"description": description})


# -- plans ---------------------------------------------------------------------------------


class ObjectiveBody(Schema):
    objective_id = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Keep an objective's id to keep it (activities link to it); omit for new."},
    )
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CreatePlanRequest(Schema):
    academic_year = fields.String(
        required=True, metadata={"description": "Like 2026/27 (1 September 2026 to 31 August 2027)."}
    )
    origin = fields.String(
        load_default="empty",
        validate=validate.OneOf(tuple(ORIGINS)),
        metadata={
            "description": "empty; previous_year (copy the activities of last year's plan, as planned); "
            "evaluation (a suggested activity for each criterion not achieved in the latest evaluation)."
        },
    )
    objectives = fields.List(fields.Nested(ObjectiveBody), load_default=list)


class ChangeObjectivesRequest(Schema):
    objectives = fields.List(
        fields.Nested(ObjectiveBody), required=True, metadata={"description": "The whole list, in order."}
    )
    version = _version()


class AcceptSuggestionRequest(Schema):
    overrides = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        load_default=None,
        allow_none=True,
        metadata={"description": "Activity fields to change from the suggestion (as in planning one)."},
    )


class DismissSuggestionRequest(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


# -- activities ----------------------------------------------------------------------------


class ActivityFieldsMixin:
    """The fields of an activity, shared by planning one and changing one."""

    title = fields.String(validate=_TEXT)
    activity_type = fields.String(validate=validate.OneOf(tuple(ACTIVITY_TYPES)))
    benchmarks = fields.List(fields.Integer(validate=validate.OneOf(BENCHMARKS)))
    criteria = fields.List(
        fields.String(validate=validate.Regexp(r"^[1-8]\.\d{1,2}$", error="Give criteria like 5.1.")),
        metadata={"description": "Criterion ids of the Gatsby framework, like 5.1."},
    )
    year_groups = fields.List(fields.Integer(validate=validate.OneOf(YEAR_GROUPS)))
    subjects = fields.List(fields.String(validate=validate.OneOf(SUBJECTS)))
    provider_id = fields.UUID(
        allow_none=True, metadata={"description": "A provider listed in directory (ProviderListed)."}
    )
    provider_name = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "A provider not in directory, as free text."},
    )
    date = fields.Date(allow_none=True, metadata={"description": "In the plan's academic year."})
    term = fields.String(
        allow_none=True, validate=validate.OneOf(TERMS), metadata={"description": "Implied by a date."}
    )
    delivery = fields.String(validate=validate.OneOf(DELIVERY))
    provider_access_encounter = fields.Boolean(
        metadata={"description": "Counts as a Provider Access Legislation encounter."}
    )
    meaningful = fields.List(fields.String(validate=validate.OneOf(tuple(MEANINGFUL_CHECKLIST))))
    owner = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The member of staff responsible (staff, never learners)."},
    )
    objective_ids = fields.List(fields.String())
    achieve_by = fields.Date(allow_none=True)
    description = fields.String(allow_none=True, validate=_LONG_TEXT)


class PlanActivityRequest(ActivityFieldsMixin, Schema):
    title = fields.String(required=True, validate=_TEXT)
    activity_type = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_TYPES)))
    delivery = fields.String(load_default=IN_PERSON, validate=validate.OneOf(DELIVERY))


class UpdateActivityRequest(ActivityFieldsMixin, Schema):
    version = _version()


class YearGroupCount(Schema):
    year_group = fields.Integer(required=True, validate=validate.OneOf(YEAR_GROUPS))
    count = fields.Integer(required=True, validate=validate.Range(min=0, max=5000))


class LogDeliveryRequest(Schema):
    delivered_on = fields.Date(required=True, metadata={"description": "In the plan's academic year."})
    learner_ids = fields.List(
        fields.UUID(), load_default=list, metadata={"description": "Directory's pseudonymous learner ids."}
    )
    form_groups = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)),
        load_default=list,
        metadata={"description": "Every learner on roll in these form groups took part."},
    )
    year_groups = fields.List(
        fields.Integer(validate=validate.OneOf(YEAR_GROUPS)),
        load_default=list,
        metadata={"description": "Every learner on roll in these year groups took part."},
    )
    counts = fields.List(
        fields.Nested(YearGroupCount),
        load_default=list,
        metadata={"description": "Numbers who took part, without a list (whole-cohort events)."},
    )
    meaningful = fields.List(
        fields.String(validate=validate.OneOf(tuple(MEANINGFUL_CHECKLIST))), load_default=list
    )
    notes = fields.String(load_default=None, allow_none=True, validate=_LONG_TEXT)
    version = _version()


class CorrectParticipationRequest(Schema):
    add = fields.List(fields.UUID(), load_default=list)
    remove = fields.List(fields.UUID(), load_default=list)
    counts = fields.List(
        fields.Nested(YearGroupCount),
        load_default=None,
        allow_none=True,
        metadata={"description": "The whole corrected counts list (omit to keep the counts)."},
    )
    reason = fields.String(required=True, validate=_REASON)


class FeedbackBody(Schema):
    source = fields.String(
        required=True,
        data_key="from",
        validate=validate.OneOf(tuple(FEEDBACK_FROM)),
        metadata={"description": "learners, staff, employers or parents_carers"},
    )
    rating = fields.Integer(required=True, validate=validate.OneOf(RATINGS))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    responses = fields.Integer(load_default=1, validate=validate.Range(min=1, max=5000))


class OutcomeBody(Schema):
    objective_id = fields.String(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(OUTCOMES)))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class EvaluateActivityRequest(Schema):
    feedback = fields.List(fields.Nested(FeedbackBody), load_default=list)
    outcomes = fields.List(fields.Nested(OutcomeBody), load_default=list)
    summary = fields.String(load_default=None, allow_none=True, validate=_LONG_TEXT)


class CancelActivityRequest(Schema):
    reason = fields.String(required=True, validate=_REASON)


# -- answers -------------------------------------------------------------------------------


class Objective(Schema):
    objective_id = fields.String()
    text = fields.String()


class Suggestion(Schema):
    suggestion_id = fields.String()
    benchmark = fields.Integer()
    criterion_id = fields.String()
    title = fields.String()
    activity_type = fields.String()
    year_groups = fields.List(fields.Integer())
    achieve_by = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "offered, accepted or dismissed"})
    activity_id = fields.String(allow_none=True, metadata={"description": "What it became, once accepted."})


class ActivitySummary(Schema):
    activity_id = fields.String()
    plan_id = fields.String()
    title = fields.String()
    activity_type = fields.String()
    benchmarks = fields.List(fields.Integer())
    criteria = fields.List(fields.String())
    year_groups = fields.List(fields.Integer())
    subjects = fields.List(fields.String())
    provider_id = fields.String(allow_none=True)
    provider_name = fields.String(allow_none=True)
    date = fields.String(allow_none=True)
    term = fields.String(allow_none=True)
    delivery = fields.String()
    provider_access_encounter = fields.Boolean()
    meaningful = fields.List(fields.String())
    owner = fields.String(allow_none=True)
    objective_ids = fields.List(fields.String())
    achieve_by = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "planned, delivered or cancelled"})
    delivered_on = fields.String(allow_none=True)
    participant_count = fields.Integer()
    version = fields.Integer(metadata={"description": "Send it back (or If-Match) when changing it."})


class PlanCounts(Schema):
    planned = fields.Integer(metadata={"description": "Activities still planned."})
    delivered = fields.Integer()
    cancelled = fields.Integer()


class PlanSummary(Schema):
    plan_id = fields.String()
    academic_year = fields.String()
    origin = fields.String()
    counts = fields.Nested(PlanCounts)


class PlanListResponse(Schema):
    institution_id = fields.String()
    plans = fields.List(fields.Nested(PlanSummary))


class PlanResponse(Schema):
    plan_id = fields.String()
    institution_id = fields.String()
    academic_year = fields.String()
    origin = fields.String()
    version = fields.Integer(metadata={"description": "Send it back (or If-Match) when changing objectives."})
    objectives = fields.List(fields.Nested(Objective))
    suggestions = fields.List(fields.Nested(Suggestion))
    activities = fields.List(fields.Nested(ActivitySummary))
    counts = fields.Nested(PlanCounts)


class LearnerParticipation(Schema):
    learner_id = fields.String(metadata={"description": "Directory's pseudonymous id (no name)."})
    year_group = fields.Integer(allow_none=True)
    form_group = fields.String(allow_none=True)


class CountOut(Schema):
    year_group = fields.Integer()
    count = fields.Integer()


class Participation(Schema):
    learner_count = fields.Integer(metadata={"description": "How many were recorded by learner id."})
    learners = fields.List(
        fields.Nested(LearnerParticipation),
        metadata={"description": "Left out for hub and trust leads, who see totals only."},
    )
    counts = fields.List(fields.Nested(CountOut))
    total = fields.Integer()


class FeedbackOut(Schema):
    source = fields.String(data_key="from", attribute="from")
    rating = fields.Integer()
    comment = fields.String(allow_none=True)
    responses = fields.Integer()


class OutcomeOut(Schema):
    objective_id = fields.String()
    outcome = fields.String()
    note = fields.String(allow_none=True)


class EvaluationOut(Schema):
    feedback = fields.List(fields.Nested(FeedbackOut))
    outcomes = fields.List(fields.Nested(OutcomeOut))
    summary = fields.String(allow_none=True)


class ActivityResponse(ActivitySummary):
    institution_id = fields.String()
    notes = fields.String(allow_none=True)
    meaningful_delivered = fields.List(fields.String())
    participation = fields.Nested(Participation, allow_none=True)
    evaluation = fields.Nested(EvaluationOut, allow_none=True)
    cancel_reason = fields.String(allow_none=True)
