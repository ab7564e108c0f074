"""Planner's event contracts: a careers plan per institution per academic year (its
objectives and the suggestions made from an evaluation's gaps), and its activities:
planned, changed, delivered with who took part, evaluated, cancelled.

Streams: ``plan-<plan_id>`` and ``activity-<activity_id>``, each event's subject the
institution. Participation is by directory's pseudonymous learner ids and by counts per
year group: no event names a pupil. ``owner`` names a member of staff, never a pupil.
"""

from marshmallow import Schema, fields, validate

from waymark_planner.domain.vocabulary import (
    ACTIVITY_TYPES,
    BENCHMARKS,
    DELIVERY,
    FEEDBACK_FROM,
    MEANINGFUL_CHECKLIST,
    ORIGINS,
    OUTCOMES,
    SUBJECTS,
    TERMS,
    YEAR_GROUPS,
)
from waymark_shared.events import EventRegistry

registry = EventRegistry("planner")

_PLAN_ID = {"description": "Planner's id for the plan."}
_ACTIVITY_ID = {"description": "Planner's id for the activity."}
_INSTITUTION_ID = {"description": "Directory's id for the institution."}


def _year_groups() -> fields.List:
    return fields.List(
        fields.Integer(strict=True, validate=validate.OneOf(YEAR_GROUPS)),
        metadata={"description": "Year groups 7 to 14."},
    )


class ObjectiveV1(Schema):
    """One of the plan's objectives: what the year's activities aim at."""

    objective_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))


@registry.schema("PlanCreated", version=1)
class PlanCreatedV1(Schema):
    """A careers plan for an institution's academic year: new and empty, copied from the
    previous year's plan (its objectives; its planned activities follow as
    ``ActivityPlanned``), or aimed at the gaps of the latest evaluation (the suggestions
    follow as ``ActivitiesSuggested``)."""

    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    academic_year = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{4}/\d{2}$"),
        metadata={"description": "1 September to 31 August, e.g. 2026/27."},
    )
    origin = fields.String(required=True, validate=validate.OneOf(tuple(ORIGINS)))
    copied_from_plan_id = fields.UUID(load_default=None, allow_none=True)
    evaluation_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "Audit's evaluation whose gaps it aims at."},
    )
    objectives = fields.List(fields.Nested(ObjectiveV1), required=True)


@registry.schema("PlanObjectivesChanged", version=1)
class PlanObjectivesChangedV1(Schema):
    """The plan's objectives, the whole list as it now stands."""

    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    objectives = fields.List(fields.Nested(ObjectiveV1), required=True)


class SuggestionV1(Schema):
    suggestion_id = fields.UUID(required=True)
    benchmark = fields.Integer(required=True, validate=validate.OneOf(BENCHMARKS))
    criterion_id = fields.String(required=True, metadata={"description": 'Audit\'s criterion, e.g. "5.1".'})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    activity_type = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_TYPES)))
    year_groups = _year_groups()
    achieve_by = fields.Date(required=True)


@registry.schema("ActivitiesSuggested", version=1)
class ActivitiesSuggestedV1(Schema):
    """Activities suggested for the criteria an evaluation found not achieved, one per
    criterion, for the careers leader to accept, edit or dismiss."""

    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    evaluation_id = fields.UUID(required=True)
    framework_id = fields.String(required=True, metadata={"description": "e.g. gatsby-2025."})
    suggestions = fields.List(fields.Nested(SuggestionV1), required=True)


@registry.schema("SuggestionAccepted", version=1)
class SuggestionAcceptedV1(Schema):
    """A suggestion became a planned activity (its ``ActivityPlanned``)."""

    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    suggestion_id = fields.UUID(required=True)
    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)


@registry.schema("SuggestionDismissed", version=1)
class SuggestionDismissedV1(Schema):
    """The careers leader set a suggestion aside, with a reason if they gave one."""

    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    suggestion_id = fields.UUID(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class _ActivityFieldsV1(Schema):
    title = fields.String(validate=validate.Length(min=1, max=200))
    activity_type = fields.String(validate=validate.OneOf(tuple(ACTIVITY_TYPES)))
    benchmarks = fields.List(fields.Integer(strict=True, validate=validate.OneOf(BENCHMARKS)))
    criteria = fields.List(fields.String(validate=validate.Length(min=1, max=10)))
    year_groups = _year_groups()
    subjects = fields.List(fields.String(validate=validate.OneOf(SUBJECTS)))
    provider_id = fields.UUID(allow_none=True, metadata={"description": "Directory's listed provider."})
    provider_name = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "A provider not listed in directory, as typed."},
    )
    date = fields.Date(
        allow_none=True, metadata={"description": "The day, when known (it implies the term)."}
    )
    term = fields.String(validate=validate.OneOf(TERMS))
    delivery = fields.String(validate=validate.OneOf(DELIVERY))
    provider_access_encounter = fields.Boolean(
        metadata={"description": "Counts as a Provider Access Legislation encounter."}
    )
    meaningful = fields.List(
        fields.String(validate=validate.OneOf(tuple(MEANINGFUL_CHECKLIST))),
        metadata={"description": "The 2025 benchmarks' meaningful checklist, as planned."},
    )
    owner = fields.String(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "The member of staff responsible (name or role)."},
    )
    objective_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)))
    achieve_by = fields.Date(allow_none=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=5000))


@registry.schema("ActivityPlanned", version=1)
class ActivityPlannedV1(_ActivityFieldsV1):
    """An activity was added to the plan (new, copied from last year's plan, or from an
    accepted suggestion)."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    plan_id = fields.UUID(required=True, metadata=_PLAN_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    activity_type = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_TYPES)))
    term = fields.String(required=True, validate=validate.OneOf(TERMS))
    delivery = fields.String(required=True, validate=validate.OneOf(DELIVERY))
    suggestion_id = fields.UUID(load_default=None, allow_none=True)


@registry.schema("ActivityUpdated", version=1)
class ActivityUpdatedV1(Schema):
    """Fields of a planned activity changed: each one named in ``changes`` has the value
    given, the others are as they were."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    changes = fields.Nested(_ActivityFieldsV1, required=True)


class CountV1(Schema):
    year_group = fields.Integer(required=True, strict=True, validate=validate.OneOf(YEAR_GROUPS))
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100_000))


_LEARNER_IDS = {"description": "Directory's pseudonymous learner ids; never a name."}


@registry.schema("ActivityLogged", version=1)
class ActivityLoggedV1(Schema):
    """The activity was delivered: who took part, by learner id and by count per year
    group for whole-cohort events, and which of the meaningful checklist it met."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    delivered_on = fields.Date(required=True)
    learner_ids = fields.List(fields.UUID(), required=True, metadata=_LEARNER_IDS)
    counts = fields.List(
        fields.Nested(CountV1),
        required=True,
        metadata={"description": "Learners who took part without being named, per year group."},
    )
    meaningful = fields.List(
        fields.String(validate=validate.OneOf(tuple(MEANINGFUL_CHECKLIST))), required=True
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


@registry.schema("ParticipationCorrected", version=1)
class ParticipationCorrectedV1(Schema):
    """A delivered activity's participation was corrected: learners added and removed,
    and the whole corrected list of counts."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    added_learner_ids = fields.List(fields.UUID(), required=True, metadata=_LEARNER_IDS)
    removed_learner_ids = fields.List(fields.UUID(), required=True, metadata=_LEARNER_IDS)
    counts = fields.List(fields.Nested(CountV1), required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class FeedbackV1(Schema):
    # "from" is a Python keyword: the attribute is from_, the data key "from".
    from_ = fields.String(required=True, data_key="from", validate=validate.OneOf(tuple(FEEDBACK_FROM)))
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    responses = fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "How many respondents gave this rating."},
    )


class OutcomeV1(Schema):
    objective_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(OUTCOMES)))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


@registry.schema("ActivityEvaluated", version=1)
class ActivityEvaluatedV1(Schema):
    """A delivered activity's evaluation: feedback per respondent group (ratings 1 to 5)
    and its outcome against the plan's objectives. A later one replaces it."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    feedback = fields.List(fields.Nested(FeedbackV1), required=True)
    outcomes = fields.List(fields.Nested(OutcomeV1), required=True)
    summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


@registry.schema("ActivityCancelled", version=1)
class ActivityCancelledV1(Schema):
    """A planned activity will not take place: why."""

    activity_id = fields.UUID(required=True, metadata=_ACTIVITY_ID)
    institution_id = fields.UUID(required=True, metadata=_INSTITUTION_ID)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
