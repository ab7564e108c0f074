"""The JSON body of a roll-up (documented in reporting's OpenAPI): aggregates only, no
learner ids; pupil-based shares of fewer than five learners are suppressed."""

from __future__ import annotations

from marshmallow import Schema, fields

from waymark_reporting.entrypoints.schemas import Freshness


class RollupShare(Schema):
    percentage = fields.Integer(allow_none=True, metadata={"description": "0 to 100; null: none to share."})
    suppressed = fields.Boolean(metadata={"description": "Fewer than five learners: not shown."})


class RollupScope(Schema):
    kind = fields.String(metadata={"description": "nation, region, local_authority, hub or trust"})
    name = fields.String(allow_none=True)
    code = fields.String(allow_none=True, metadata={"description": "A local authority's code."})
    region = fields.String(allow_none=True)


class RollupTypeCount(Schema):
    institution_type = fields.String()
    institutions = fields.Integer()


class RollupInstitutions(Schema):
    open = fields.Integer()
    closed = fields.Integer()
    by_type = fields.List(fields.Nested(RollupTypeCount))


class RollupBenchmarkShare(Schema):
    number = fields.Integer()
    title = fields.String()
    achieving = fields.Integer(
        metadata={"description": "RollupInstitutions whose latest evaluation achieves it."}
    )
    share = fields.Nested(RollupShare)
    average_percentage = fields.Integer(allow_none=True)


class RollupAchieved(Schema):
    achieved = fields.Integer()
    institutions = fields.Integer()
    share = fields.Nested(RollupShare)


class RollupBenchmarks(Schema):
    institutions = fields.Integer()
    evaluated = fields.Integer()
    average_achieved = fields.Float(allow_none=True)
    benchmarks = fields.List(fields.Nested(RollupBenchmarkShare))
    distribution = fields.List(fields.Nested(RollupAchieved))


class RollupMeasure(Schema):
    measure = fields.String()
    benchmark = fields.Integer()
    label = fields.String()


class RollupEvidenceRow(Schema):
    year_group = fields.Integer()
    cohort = fields.String()
    learners = fields.Integer(allow_none=True, metadata={"description": "null: fewer than five."})
    measures = fields.Dict(keys=fields.String(), values=fields.Nested(RollupShare, allow_none=True))
    with_none = fields.Nested(RollupShare)


class RollupEvidence(Schema):
    measures = fields.List(fields.Nested(RollupMeasure))
    by_year_group = fields.List(fields.Nested(RollupEvidenceRow))


class RollupPhase(Schema):
    phase = fields.String()
    label = fields.String()
    opens = fields.String()
    deadline = fields.String()
    mandatory = fields.Boolean()
    status = fields.String(metadata={"description": "not_open, open or closed"})
    met = fields.Nested(RollupShare)
    due = fields.Nested(RollupShare)
    missed = fields.Nested(RollupShare)
    not_open = fields.Nested(RollupShare)


class RollupProviderAccessRow(Schema):
    year_group = fields.Integer()
    cohort = fields.String()
    learners = fields.Integer(allow_none=True)
    phases = fields.List(fields.Nested(RollupPhase))


class RollupDelivery(Schema):
    academic_year = fields.String()
    institutions = fields.Integer(metadata={"description": "RollupInstitutions with activities that year."})
    planned = fields.Integer()
    delivered = fields.Integer()
    cancelled = fields.Integer()
    provider_access_delivered = fields.Integer()
    participants = fields.Integer()
    delivered_share = fields.Nested(RollupShare)


class RollupCategory(Schema):
    category = fields.String()
    share = fields.Nested(RollupShare)


class RollupDestinationGroup(Schema):
    group = fields.String(metadata={"description": "A DfE destination group: fe, school_sixth_form, ..."})
    label = fields.String()
    share = fields.Nested(RollupShare)
    national = fields.Integer(
        allow_none=True, metadata={"description": "The national share (%), for Key Stage 4 leavers."}
    )


class RollupDestinationRow(Schema):
    leaving_point = fields.String()
    leaving_cohort = fields.String()
    leavers = fields.Integer(allow_none=True)
    recorded = fields.Nested(RollupShare)
    categories = fields.List(fields.Nested(RollupCategory))
    groups = fields.List(fields.Nested(RollupDestinationGroup))
    sustained = fields.Nested(RollupShare, metadata={"description": "Of destinations judged."})
    not_yet_judged = fields.Nested(RollupShare)


class RollupBreakdownRow(Schema):
    name = fields.String(allow_none=True)
    code = fields.String(
        allow_none=True, metadata={"description": "A local authority's code, or an institution's id."}
    )
    institution_type = fields.String(allow_none=True)
    institutions = fields.Integer()
    learners = fields.Integer(allow_none=True)
    evaluated = fields.Integer()
    average_achieved = fields.Float(allow_none=True)
    employer_this_year = fields.Nested(RollupShare)
    provider_access_met = fields.Nested(RollupShare)
    planned = fields.Integer()
    delivered = fields.Integer()


class RollupBreakdown(Schema):
    level = fields.String(metadata={"description": "region, local_authority or institution"})
    rows = fields.List(fields.Nested(RollupBreakdownRow))


class RollupSummaryFreshness(Schema):
    institutions = fields.Integer()
    being_updated = fields.Integer(
        metadata={
            "description": "RollupInstitutions whose figures are being brought up to date (older ones shown)."
        }
    )
    refreshed_now = fields.Integer()


class RollupResponse(Schema):
    scope = fields.Nested(RollupScope)
    today = fields.String()
    academic_year = fields.String(metadata={"description": "The plan year of ``delivery``."})
    current_academic_year = fields.String()
    learners = fields.Integer(allow_none=True)
    institutions = fields.Nested(RollupInstitutions)
    benchmarks = fields.Nested(RollupBenchmarks)
    evidence = fields.Nested(RollupEvidence)
    provider_access = fields.List(fields.Nested(RollupProviderAccessRow))
    delivery = fields.Nested(RollupDelivery)
    destinations = fields.List(fields.Nested(RollupDestinationRow))
    breakdown = fields.Nested(RollupBreakdown)
    freshness = fields.Nested(Freshness)
    summaries = fields.Nested(RollupSummaryFreshness)
