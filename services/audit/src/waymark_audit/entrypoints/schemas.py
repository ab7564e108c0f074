"""The JSON bodies of audit's evaluation API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from waymark_audit.domain.frameworks import EVALUATION_TYPES


class StartEvaluationRequest(Schema):
    copy_last = fields.Boolean(
        load_default=False,
        metadata={"description": "Begin with the answers of the institution's last completed evaluation."},
    )


class SaveAnswersRequest(Schema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "A part of the answers, question id to value; null clears an answer."},
    )
    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version the answers were made on (or send If-Match)."},
    )


class SubmitEvaluationRequest(Schema):
    version = fields.Integer(load_default=None, allow_none=True)


class ChangeEvaluationTypeRequest(Schema):
    evaluation_type = fields.String(required=True, validate=validate.OneOf(EVALUATION_TYPES))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    version = fields.Integer(load_default=None, allow_none=True)


class BenchmarkProgress(Schema):
    number = fields.Integer()
    title = fields.String()
    questions = fields.Integer()
    answered = fields.Integer()
    required = fields.Integer()
    required_answered = fields.Integer()
    percentage = fields.Integer(allow_none=True, metadata={"description": "As the answers so far score."})


class EvaluationResponse(Schema):
    evaluation_id = fields.String()
    institution_id = fields.String()
    framework_id = fields.String()
    evaluation_type = fields.String()
    status = fields.String(metadata={"description": "in_progress or completed"})
    version = fields.Integer(metadata={"description": "Send it back (or If-Match) when saving."})
    started_at = fields.String()
    completed_at = fields.String(allow_none=True)
    copied_from = fields.String(allow_none=True)
    answers = fields.Dict(keys=fields.String(), values=fields.Raw())
    progress = fields.List(fields.Nested(BenchmarkProgress))
    left_behind = fields.List(
        fields.String(),
        metadata={"description": "Copied answers to questions this evaluation does not ask (on copy only)."},
    )


class EvaluationSummary(Schema):
    evaluation_id = fields.String()
    framework_id = fields.String()
    evaluation_type = fields.String()
    status = fields.String()
    version = fields.Integer()
    started_at = fields.String()
    updated_at = fields.String()
    completed_at = fields.String(allow_none=True)
    copied_from = fields.String(allow_none=True)
    answered = fields.Integer()
    benchmarks_achieved = fields.Integer(allow_none=True)


class TermlySnapshot(Schema):
    date = fields.String()
    evaluation_id = fields.String(allow_none=True)
    benchmarks_achieved = fields.Integer(allow_none=True)


class AcademicYearHistory(Schema):
    academic_year = fields.String()
    evaluations = fields.List(fields.Nested(EvaluationSummary))
    termly_snapshots = fields.List(fields.Nested(TermlySnapshot))


class EvaluationHistoryResponse(Schema):
    institution_id = fields.String()
    academic_years = fields.List(fields.Nested(AcademicYearHistory))


class CriterionStatus(Schema):
    criterion_id = fields.String()
    text = fields.String()
    status = fields.String()
    met = fields.Integer()
    scored = fields.Integer()


class BenchmarkOutcome(Schema):
    number = fields.Integer()
    title = fields.String()
    percentage = fields.Integer(allow_none=True)
    achieved = fields.Boolean()
    change = fields.Integer(
        allow_none=True, metadata={"description": "Points since the previous evaluation."}
    )
    criteria = fields.List(fields.Nested(CriterionStatus))


class SuggestedAction(Schema):
    criterion_id = fields.String()
    text = fields.String()
    actions = fields.List(fields.String())


class UnjudgedCount(Schema):
    question_id = fields.String()
    year_groups = fields.List(fields.Integer())
    message = fields.String()


class ResultsResponse(Schema):
    evaluation_id = fields.String()
    institution_id = fields.String()
    framework_id = fields.String()
    evaluation_type = fields.String()
    status = fields.String()
    completed_at = fields.String(allow_none=True)
    benchmarks_achieved = fields.Integer()
    previous_evaluation_id = fields.String(allow_none=True)
    benchmarks = fields.List(fields.Nested(BenchmarkOutcome))
    suggested_actions = fields.List(fields.Nested(SuggestedAction))
    # Numbers of learners given for year groups whose size the roster does not say.
    unjudged = fields.List(fields.Nested(UnjudgedCount))
