"""Destinations' event contracts: what partners (reporting, local authorities' systems)
receive about young people's destinations. Every event is about one learner, by
directory's pseudonymous learner id (never a name, UPN or date of birth), on the
stream ``destination-<learner_id>`` with the institution's id as its subject. Free
text (provider or employer names, notes) is never in an event. Updates are new
events: the latest of each kind for a leaving point is the current one."""

from marshmallow import Schema, fields, validate

from waymark_destinations.domain.categories import (
    CATEGORIES,
    LEAVING_POINTS,
    SEPTEMBER_GUARANTEE,
    SOURCES,
    UNDECIDED,
)
from waymark_destinations.domain.consent import CONSENTS, GIVERS
from waymark_shared.events import EventRegistry

registry = EventRegistry("destinations")

CATEGORY_CODES = tuple(category.code for category in CATEGORIES)
_COHORT = r"^\d{4}/\d{2}$"


class _AboutALearner(Schema):
    learner_id = fields.UUID(
        required=True, metadata={"description": "Directory's pseudonymous id for the learner."}
    )
    institution_id = fields.UUID(
        required=True, metadata={"description": "Directory's id for the learner's institution."}
    )


class _AtALeavingPoint(_AboutALearner):
    leaving_point = fields.String(
        required=True,
        validate=validate.OneOf(LEAVING_POINTS),
        metadata={"description": "ks4: the end of Year 11; 16-18: the end of Year 13."},
    )
    leaving_cohort = fields.String(
        required=True,
        validate=validate.Regexp(_COHORT),
        metadata={"description": "The academic year the learner reached the leaving point in, e.g. 2025/26."},
    )
    source = fields.String(
        required=True,
        validate=validate.OneOf(SOURCES),
        metadata={"description": "Who the evidence came from."},
    )
    evidence_date = fields.Date(required=True, metadata={"description": "The date of the evidence."})


@registry.schema("DestinationIntended", version=1)
class DestinationIntendedV1(_AtALeavingPoint):
    """The destination a learner intends, recorded in Year 11 (for Key Stage 4) or
    Year 13 (for 16 to 18). A later one replaces it."""

    category = fields.String(
        required=True,
        validate=validate.OneOf((*CATEGORY_CODES, UNDECIDED)),
        metadata={"description": "A destination category code (see docs/destinations.md), or undecided."},
    )


@registry.schema("DestinationRecorded", version=1)
class DestinationRecordedV1(_AtALeavingPoint):
    """The destination a learner started after the leaving point (or their status, NEET
    or not known, while tracked). A later one replaces it, and any judgement of the
    earlier one: the new destination is judged afresh."""

    category = fields.String(
        required=True,
        validate=validate.OneOf(CATEGORY_CODES),
        metadata={"description": "The DfE destination category code, valid for the leaving point."},
    )
    start_date = fields.Date(required=True, metadata={"description": "When the destination began."})
    september_guarantee = fields.String(
        load_default="not_recorded",
        validate=validate.OneOf(SEPTEMBER_GUARANTEE),
        metadata={"description": "The September Guarantee offer status (Year 11 leavers only)."},
    )


class _Judgement(_AtALeavingPoint):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORY_CODES))
    start_date = fields.Date(required=True, metadata={"description": "The judged destination's start."})
    period_ended = fields.Date(
        required=True,
        metadata={"description": "The last day of the period the DfE definition of sustained asks for."},
    )


@registry.schema("DestinationSustained", version=1)
class DestinationSustainedV1(_Judgement):
    """The learner's destination was sustained by the DfE definition (education all of
    October to March; employment 5 of those 6 months; an apprenticeship 6 months in the
    academic year; or a combination), judged after the period ended."""


@registry.schema("DestinationNotSustained", version=1)
class DestinationNotSustainedV1(_Judgement):
    """The learner took part in the destination but not for the period the DfE
    definition of sustained asks for, judged after the period ended."""


@registry.schema("DestinationConsentRecorded", version=1)
class DestinationConsentRecordedV1(_AboutALearner):
    """The young person's (or their parent's) consent to be tracked beyond 16, given,
    refused or withdrawn. Without it only the status the local authority reports is
    kept. Who recorded it is ``recorded_by`` (an account id, also the event's actor)."""

    consent = fields.String(required=True, validate=validate.OneOf(CONSENTS))
    given_by = fields.String(required=True, validate=validate.OneOf(GIVERS))
    consent_date = fields.Date(required=True, metadata={"description": "When it was given or withdrawn."})
    recorded_by = fields.String(
        required=True, metadata={"description": "The account that recorded it (no name)."}
    )
    recorded_at = fields.DateTime(required=True, metadata={"description": "When it was recorded."})
