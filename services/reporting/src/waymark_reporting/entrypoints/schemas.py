"""The JSON bodies of reporting's API (documented in its OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields

_PCT = {"description": "A percentage 0 to 100; null when it does not apply."}


class SourceFreshness(Schema):
    subscription = fields.String()
    source = fields.String(metadata={"description": "The producing service."})
    label = fields.String()
    last_event_type = fields.String(allow_none=True)
    last_event_time = fields.String(
        allow_none=True, metadata={"description": "When the producer recorded the last event applied."}
    )
    applied_at = fields.String(allow_none=True, metadata={"description": "When reporting applied it."})
    lag_seconds = fields.Float(
        allow_none=True,
        metadata={"description": "Seconds between the producer recording it and reporting applying it."},
    )
    age_seconds = fields.Float(
        allow_none=True, metadata={"description": "Seconds since reporting applied it."}
    )


class Freshness(Schema):
    checked_at = fields.String()
    sources = fields.List(fields.Nested(SourceFreshness))


class FreshnessResponse(Schema):
    freshness = fields.Nested(Freshness)


class Institution(Schema):
    institution_id = fields.String()
    name = fields.String()
    institution_type = fields.String()
    careers_hub = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    status = fields.String()


class BenchmarkResult(Schema):
    number = fields.Integer()
    title = fields.String()
    percentage = fields.Integer(allow_none=True, metadata=_PCT)
    achieved = fields.Boolean()
    change = fields.Integer(
        allow_none=True, metadata={"description": "Points since the previous evaluation."}
    )


class LatestResults(Schema):
    evaluation_id = fields.String()
    completed_at = fields.String()
    framework_id = fields.String()
    benchmarks_achieved = fields.Integer()
    applicable = fields.Integer(metadata={"description": "Benchmarks that apply to the evaluation type."})
    previous_completed_at = fields.String(allow_none=True)
    benchmarks = fields.List(fields.Nested(BenchmarkResult))


class TrendPoint(Schema):
    evaluation_id = fields.String()
    completed_at = fields.String()
    framework_id = fields.String()
    benchmarks_achieved = fields.Integer()
    percentages = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))


class Snapshot(Schema):
    date = fields.String(metadata={"description": "31 December, 31 March or 31 July."})
    evaluation_id = fields.String(allow_none=True)
    completed_at = fields.String(allow_none=True)
    benchmarks_achieved = fields.Integer(allow_none=True)
    percentages = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), allow_none=True)


class Benchmarks(Schema):
    latest = fields.Nested(LatestResults, allow_none=True)
    trend = fields.List(
        fields.Nested(TrendPoint), metadata={"description": "Every evaluation, oldest first."}
    )
    snapshots = fields.List(fields.Nested(Snapshot))


class Tally(Schema):
    planned = fields.Integer(metadata={"description": "Not cancelled (delivered included)."})
    delivered = fields.Integer()


class ByBenchmark(Tally):
    benchmark = fields.Integer()
    title = fields.String()


class ByYearGroup(Tally):
    year_group = fields.Integer()


class ByTerm(Tally):
    term = fields.String()
    label = fields.String()


class RatedActivity(Schema):
    activity_id = fields.String()
    title = fields.String()
    activity_type = fields.String()
    activity_type_label = fields.String()
    delivered_on = fields.String(allow_none=True)
    average_rating = fields.Float()
    respondents = fields.Integer()


class Ratings(Schema):
    delivered = fields.Integer()
    evaluated = fields.Integer()
    respondents = fields.Integer()
    average = fields.Float(allow_none=True, metadata={"description": "1 to 5, weighted by respondents."})
    activities = fields.List(fields.Nested(RatedActivity))


class DeliveryTotals(Schema):
    planned = fields.Integer()
    delivered = fields.Integer()
    cancelled = fields.Integer()
    participants = fields.Integer()
    provider_access_delivered = fields.Integer()


class Delivery(Schema):
    academic_year = fields.String()
    totals = fields.Nested(DeliveryTotals)
    by_benchmark = fields.List(fields.Nested(ByBenchmark))
    by_year_group = fields.List(fields.Nested(ByYearGroup))
    by_term = fields.List(fields.Nested(ByTerm))
    ratings = fields.Nested(Ratings)


class Share(Schema):
    learners = fields.Integer(metadata={"description": "Learners the measure applies to."})
    met = fields.Integer()
    percentage = fields.Integer(allow_none=True, metadata=_PCT)


class EvidenceRow(Schema):
    year_group = fields.Integer()
    cohort = fields.String()
    learners = fields.Integer()
    with_none = fields.Integer(metadata={"description": "Learners meeting none of the measures."})
    measures = fields.Dict(keys=fields.String(), values=fields.Nested(Share, allow_none=True))


class Measure(Schema):
    measure = fields.String()
    benchmark = fields.Integer()
    label = fields.String()


class Evidence(Schema):
    learners = fields.Integer(metadata={"description": "Learners on roll."})
    measures = fields.List(fields.Nested(Measure))
    by_year_group = fields.List(fields.Nested(EvidenceRow))
    by_cohort = fields.List(fields.Nested(EvidenceRow))


class PhaseSummary(Schema):
    phase = fields.String(metadata={"description": "first, second or third"})
    label = fields.String()
    opens = fields.String()
    deadline = fields.String()
    mandatory = fields.Boolean()
    learners = fields.Integer()
    status = fields.String(metadata={"description": "not_open, open or closed"})
    met = fields.Integer()
    needs_one = fields.Integer()
    needs_two = fields.Integer()
    still_needing = fields.Integer(
        metadata={"description": "Learners still needing an encounter by the deadline."}
    )
    missed = fields.Integer()
    not_open = fields.Integer()


class CohortCompliance(Schema):
    cohort = fields.String(metadata={"description": "The academic year the cohort is in Year 11."})
    year_group = fields.Integer()
    learners = fields.Integer()
    phases = fields.List(fields.Nested(PhaseSummary))


class DashboardResponse(Schema):
    institution = fields.Nested(Institution)
    today = fields.String()
    academic_year = fields.String()
    freshness = fields.Nested(Freshness)
    benchmarks = fields.Nested(Benchmarks)
    plan_years = fields.List(fields.String())
    delivery = fields.Nested(Delivery, allow_none=True)
    evidence = fields.Nested(Evidence)
    provider_access = fields.List(fields.Nested(CohortCompliance))
    worklist_count = fields.Integer(metadata={"description": "Learners meeting none of the measures."})


class WorklistLearner(Schema):
    learner_id = fields.String(metadata={"description": "Directory's pseudonymous id."})
    year_group = fields.Integer()
    form_group = fields.String(allow_none=True)
    cohort = fields.String()
    provider_access_needed = fields.Integer(
        metadata={"description": "Provider Access encounters still needed in the phase open now."}
    )
    provider_access_deadline = fields.String(allow_none=True)


class WorklistResponse(Schema):
    institution_id = fields.String()
    freshness = fields.Nested(Freshness)
    learners = fields.List(fields.Nested(WorklistLearner))


class LearnerPhase(Schema):
    phase = fields.String(metadata={"description": "first, second or third"})
    opens = fields.String()
    deadline = fields.String()
    encounters = fields.Integer(
        metadata={"description": "Attended (first, second) or offered (third) in the window."}
    )
    still_needed = fields.Integer()
    status = fields.String(metadata={"description": "met, due, missed or not_open"})


class LearnerCompliance(Schema):
    learner_id = fields.String(metadata={"description": "Directory's pseudonymous id."})
    year_group = fields.Integer()
    form_group = fields.String(allow_none=True)
    cohort = fields.String()
    phases = fields.List(fields.Nested(LearnerPhase))


class ProviderAccessLearnersResponse(Schema):
    institution_id = fields.String()
    freshness = fields.Nested(Freshness)
    learners = fields.List(fields.Nested(LearnerCompliance))
