"""Directory's event contracts: the marshmallow schema of every event type and version.

These are what partner systems read (published as JSON Schema and AsyncAPI by
``waymark contracts``). They carry no pupil data.
"""

from marshmallow import Schema, fields, validate

from waymark_directory.domain.institutions import INSTITUTION_TYPES, MAX_AGE, MIN_AGE
from waymark_directory.domain.providers import (
    BENCHMARKS,
    COSTS,
    DELIVERIES,
    KEY_STAGES,
    PRICE_BANDS,
    PROVIDER_TYPES,
    SUBJECTS,
)
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
    # Added later in v1: optional, so events stored before them still load.
    local_authority_code = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "ONS local-authority district code (e.g. E08000035), from the postcode."},
    )
    careers_hub = fields.String(
        load_default=None, allow_none=True, metadata={"description": "Careers Hub name."}
    )
    trust = fields.String(load_default=None, allow_none=True, metadata={"description": "Academy trust name."})
    low_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(MIN_AGE, MAX_AGE))
    high_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(MIN_AGE, MAX_AGE))
    website = fields.String(load_default=None, allow_none=True)


class InstitutionChangesV1(Schema):
    """The fields of an institution that changed; absent fields did not change."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    institution_type = fields.String(validate=validate.OneOf(INSTITUTION_TYPES))
    urn = fields.String(allow_none=True)
    ukprn = fields.String(allow_none=True)
    local_authority = fields.String(allow_none=True)
    local_authority_code = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    careers_hub = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    low_age = fields.Integer(allow_none=True, validate=validate.Range(MIN_AGE, MAX_AGE))
    high_age = fields.Integer(allow_none=True, validate=validate.Range(MIN_AGE, MAX_AGE))
    website = fields.String(allow_none=True)


@registry.schema("InstitutionUpdated", version=1)
class InstitutionUpdatedV1(Schema):
    """Some of an institution's details changed (only the changed fields are carried)."""

    institution_id = fields.UUID(required=True)
    changes = fields.Nested(InstitutionChangesV1, required=True)


@registry.schema("InstitutionClosed", version=1)
class InstitutionClosedV1(Schema):
    """An institution closed; it takes no more changes."""

    institution_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    closed_on = fields.Date(required=True, metadata={"description": "The day it closed (ISO 8601)."})


# -- the learner roster ----------------------------------------------------------------
# Learners are pseudonymous: a random id, never a name, UPN or date of birth.

_LEARNER_ID = {
    "description": "Waymark's pseudonymous id for the learner (a random UUID, not derived from the UPN)."
}
_COHORT = {
    "description": (
        "The academic year in which the learner is, was or will be in Year 11, e.g. '2027/28': "
        "the KS4 destinations cohort. It stays the same as the learner moves up a year each "
        "September; for Years 12-14 it lies in the past."
    )
}


class _LearnerAttributesV1(Schema):
    learner_id = fields.UUID(required=True, metadata=_LEARNER_ID)
    institution_id = fields.UUID(
        required=True, metadata={"description": "The institution (also the subject)."}
    )
    year_group = fields.Integer(required=True, strict=True, validate=validate.Range(7, 14))
    cohort = fields.String(required=True, validate=validate.Regexp(r"^\d{4}/\d{2}$"), metadata=_COHORT)
    form_group = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "Registration (form / tutor) group, e.g. '9R', for choosing participants."},
    )
    sen_status = fields.String(
        required=True,
        validate=validate.OneOf(("N", "K", "E")),
        metadata={"description": "N: no special educational need; K: SEN support; E: EHC plan."},
    )
    disadvantaged = fields.Boolean(
        required=True, metadata={"description": "Disadvantaged (free school meals / pupil premium)."}
    )


@registry.schema("LearnerEnrolled", version=1)
class LearnerEnrolledV1(_LearnerAttributesV1):
    """A learner is on the institution's roll, for the first time or again after leaving."""


@registry.schema("LearnerUpdated", version=1)
class LearnerUpdatedV1(_LearnerAttributesV1):
    """A learner's roster attributes changed; the event carries all of them as they now are."""


@registry.schema("LearnerLeft", version=1)
class LearnerLeftV1(Schema):
    """A learner left the institution's roll (end-dated, never deleted)."""

    learner_id = fields.UUID(required=True, metadata=_LEARNER_ID)
    institution_id = fields.UUID(required=True)
    leaving_date = fields.Date(required=True, metadata={"description": "The day they left (ISO 8601)."})
    reason = fields.String(
        required=True,
        validate=validate.OneOf(("leaving_date_in_import", "missing_from_full_import")),
        metadata={
            "description": "The MIS gave a leaving date, or a full roster import no longer listed "
            "the learner (leaving date: the import's date)."
        },
    )


@registry.schema("LearnerPersonalDataErased", version=1)
class LearnerPersonalDataErasedV1(Schema):
    """A learner's personal data was erased from directory; services holding any personal
    data of their own about this learner (contact details for destinations, say) erase
    theirs. The pseudonymous history stays."""

    learner_id = fields.UUID(required=True, metadata=_LEARNER_ID)
    institution_id = fields.UUID(required=True)


# Activity providers: subject = provider id. Contact details are the provider's business
# contacts, published on purpose; no pupil data.


class _ProviderListing(Schema):
    provider_id = fields.UUID(required=True, metadata={"description": "Waymark's id for the provider."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    provider_type = fields.String(required=True, validate=validate.OneOf(PROVIDER_TYPES))
    benchmarks = fields.List(
        fields.Integer(validate=validate.OneOf(BENCHMARKS)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Gatsby benchmarks addressed, 1 to 8."},
    )
    key_stages = fields.List(
        fields.String(validate=validate.OneOf(KEY_STAGES)), required=True, validate=validate.Length(min=1)
    )
    send_suitable = fields.Boolean(required=True, metadata={"description": "Suitable for pupils with SEND."})
    subjects = fields.List(fields.String(validate=validate.OneOf(SUBJECTS)), required=True)
    cost = fields.String(required=True, validate=validate.OneOf(COSTS))
    price_band = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(PRICE_BANDS))
    delivery = fields.String(required=True, validate=validate.OneOf(DELIVERIES))
    national = fields.Boolean(required=True, metadata={"description": "Serves all of England."})
    postcode = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    radius_miles = fields.Float(load_default=None, allow_none=True)
    easting = fields.Float(
        load_default=None, allow_none=True, metadata={"description": "British National Grid metres."}
    )
    northing = fields.Float(load_default=None, allow_none=True)
    contact_email = fields.String(load_default=None, allow_none=True)
    contact_phone = fields.String(load_default=None, allow_none=True)
    website = fields.String(load_default=None, allow_none=True)


@registry.schema("ProviderSubmitted", version=1)
class ProviderSubmittedV1(_ProviderListing):
    """A provider's listing sent for moderation; not yet published."""

    submitted_by = fields.String(load_default=None, allow_none=True, metadata={"description": "Account id."})


@registry.schema("ProviderListed", version=1)
class ProviderListedV1(_ProviderListing):
    """An admin approved the listing: published as it stands here."""

    moderated_by = fields.String(load_default=None, allow_none=True)


@registry.schema("ProviderRejected", version=1)
class ProviderRejectedV1(Schema):
    """An admin turned the listing down, saying why."""

    provider_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    moderated_by = fields.String(load_default=None, allow_none=True)


@registry.schema("ProviderUpdated", version=1)
class ProviderUpdatedV1(_ProviderListing):
    """The listing as it now stands (published at once when the provider is listed)."""

    updated_by = fields.String(load_default=None, allow_none=True)


@registry.schema("ProviderWithdrawn", version=1)
class ProviderWithdrawnV1(Schema):
    """The provider is no longer listed."""

    provider_id = fields.UUID(required=True)
    withdrawn_by = fields.String(load_default=None, allow_none=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
