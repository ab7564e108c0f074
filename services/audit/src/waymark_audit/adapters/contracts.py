"""Audit's event contracts: evaluations started, answered and completed, and the
evaluation type a careers leader chose. Answers are about the careers programme
(question ids and values), never about pupils; who did what is each event's actor."""

from marshmallow import Schema, fields, validate

from waymark_audit.domain.frameworks import EVALUATION_TYPES
from waymark_shared.events import EventRegistry

registry = EventRegistry("audit")

STATUSES = ("not_started", "in_progress", "achieved")


class _Evaluation(Schema):
    evaluation_id = fields.UUID(required=True, metadata={"description": "Audit's id for the evaluation."})
    institution_id = fields.UUID(
        required=True, metadata={"description": "Directory's id for the institution."}
    )


@registry.schema("AuditStarted", version=1)
class AuditStartedV1(_Evaluation):
    """An institution began a Compass-style self-evaluation, new or copied from its last
    completed one."""

    framework_id = fields.String(
        required=True, metadata={"description": "The benchmark framework version, e.g. gatsby-2025."}
    )
    evaluation_type = fields.String(required=True, validate=validate.OneOf(EVALUATION_TYPES))
    started_at = fields.DateTime(required=True)
    copied_from = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The completed evaluation whose answers it began with."},
    )


@registry.schema("AuditAnswersSaved", version=1)
class AuditAnswersSavedV1(_Evaluation):
    """A part of an evaluation's answers was saved: question id to value (null clears
    the answer). Values are as the framework's answer types say; none names a pupil."""

    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=100)),
        values=fields.Raw(allow_none=True),
        required=True,
        validate=validate.Length(min=1),
    )


class BenchmarkResultV1(Schema):
    number = fields.Integer(required=True, validate=validate.Range(1, 8))
    percentage = fields.Integer(
        required=True,
        allow_none=True,
        validate=validate.Range(0, 100),
        metadata={"description": "Criteria achieved, as a percentage; null when none applies to the type."},
    )
    achieved = fields.Boolean(required=True)


class CriterionResultV1(Schema):
    criterion_id = fields.String(
        required=True, metadata={"description": 'e.g. "3.2": benchmark 3, criterion 2'}
    )
    benchmark = fields.Integer(required=True, validate=validate.Range(1, 8))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    met = fields.Integer(required=True, validate=validate.Range(min=0))
    scored = fields.Integer(required=True, validate=validate.Range(min=0))


@registry.schema("AuditCompleted", version=1)
class AuditCompletedV1(_Evaluation):
    """An evaluation was submitted with every required question answered: its whole
    result, so planner and reporting need nothing more from audit."""

    framework_id = fields.String(required=True)
    evaluation_type = fields.String(required=True, validate=validate.OneOf(EVALUATION_TYPES))
    completed_at = fields.DateTime(required=True)
    benchmarks = fields.List(fields.Nested(BenchmarkResultV1), required=True)
    criteria = fields.List(fields.Nested(CriterionResultV1), required=True)
    benchmarks_achieved = fields.Integer(required=True, validate=validate.Range(0, 8))
    copied_from = fields.UUID(load_default=None, allow_none=True)


@registry.schema("EvaluationTypeChanged", version=1)
class EvaluationTypeChangedV1(Schema):
    """A careers leader chose the evaluation type the institution takes, with a reason;
    from then on a change of institution type in directory does not change it."""

    institution_id = fields.UUID(required=True)
    evaluation_type = fields.String(required=True, validate=validate.OneOf(EVALUATION_TYPES))
    previous_evaluation_type = fields.String(required=True, validate=validate.OneOf(EVALUATION_TYPES))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
