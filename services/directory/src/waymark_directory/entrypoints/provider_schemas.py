"""Request and response schemas of the activity-provider API (and the search's query)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from waymark_directory.domain.providers import (
    BENCHMARKS,
    COSTS,
    DELIVERIES,
    KEY_STAGES,
    MAX_RADIUS_MILES,
    PRICE_BANDS,
    PROVIDER_TYPES,
    STATUSES,
    SUBJECTS,
)
from waymark_directory.provider_views import (
    DEFAULT_DISTANCE_MILES,
    DEFAULT_PAGE_SIZE,
    MAX_DISTANCE_MILES,
    MAX_PAGE_SIZE,
)


def _listing_fields(*, update: bool) -> dict[str, fields.Field]:
    """The listing's fields: required or defaulted on submit, all optional on update."""

    def opt(**kwargs):  # type: ignore[no-untyped-def]
        if update:
            kwargs.pop("load_default", None)
            kwargs.pop("required", None)
        return kwargs

    def text(max_length: int) -> fields.String:
        return fields.String(
            **opt(load_default=None), allow_none=True, validate=validate.Length(max=max_length)
        )

    return {
        "name": fields.String(**opt(required=True), validate=validate.Length(min=1, max=200)),
        "description": fields.String(**opt(required=True), validate=validate.Length(min=1, max=5000)),
        "provider_type": fields.String(**opt(required=True), validate=validate.OneOf(PROVIDER_TYPES)),
        "benchmarks": fields.List(
            fields.Integer(strict=True, validate=validate.OneOf(BENCHMARKS)),
            **opt(required=True),
            validate=validate.Length(min=1, max=8),
            metadata={"description": "Gatsby benchmarks addressed, 1 to 8."},
        ),
        "key_stages": fields.List(
            fields.String(validate=validate.OneOf(KEY_STAGES)),
            **opt(required=True),
            validate=validate.Length(min=1, max=3),
        ),
        "send_suitable": fields.Boolean(**opt(load_default=False)),
        "subjects": fields.List(
            fields.String(validate=validate.OneOf(SUBJECTS)),
            **opt(load_default=list),
            validate=validate.Length(max=len(SUBJECTS)),
        ),
        "cost": fields.String(**opt(required=True), validate=validate.OneOf(COSTS)),
        "price_band": fields.String(
            **opt(load_default=None), allow_none=True, validate=validate.OneOf(PRICE_BANDS)
        ),
        "delivery": fields.String(**opt(required=True), validate=validate.OneOf(DELIVERIES)),
        "national": fields.Boolean(
            **opt(load_default=False), metadata={"description": "Serves all of England."}
        ),
        "postcode": text(12),
        "radius_miles": fields.Float(
            **opt(load_default=None),
            allow_none=True,
            allow_nan=False,
            validate=validate.Range(min=0, max=MAX_RADIUS_MILES, min_inclusive=False),
            metadata={"description": "How far from the postcode the provider goes, in miles."},
        ),
        "contact_email": text(254),
        "contact_phone": text(20),
        "website": text(300),
    }


SubmitProviderRequest = Schema.from_dict(_listing_fields(update=False), name="SubmitProviderRequest")
UpdateProviderRequest = Schema.from_dict(_listing_fields(update=True), name="UpdateProviderRequest")


class RejectProviderRequest(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class WithdrawProviderRequest(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ProviderResponse(Schema):
    provider_id = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    version = fields.Integer()
    rejection_reason = fields.String(allow_none=True)
    name = fields.String()
    description = fields.String()
    provider_type = fields.String()
    benchmarks = fields.List(fields.Integer())
    key_stages = fields.List(fields.String())
    send_suitable = fields.Boolean()
    subjects = fields.List(fields.String())
    cost = fields.String()
    price_band = fields.String(allow_none=True)
    delivery = fields.String()
    national = fields.Boolean()
    postcode = fields.String(allow_none=True)
    radius_miles = fields.Float(allow_none=True)
    contact_email = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class ProviderSummary(Schema):
    provider_id = fields.String()
    name = fields.String()
    provider_type = fields.String()
    status = fields.String()
    postcode = fields.String(allow_none=True)
    national = fields.Boolean()
    version = fields.Integer()


class ProviderListResponse(Schema):
    providers = fields.List(fields.Nested(ProviderSummary))


class _CommaList(fields.List):
    """A query parameter given repeatedly (``benchmark=5&benchmark=6``) or comma-separated."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, str):
            value = [value]
        items = [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return super()._deserialize(items, attr, data, **kwargs)


class ProviderSearchQuery(Schema):
    """``GET /api/providers/search``: every parameter but ``postcode`` is optional."""

    postcode = fields.String(required=True, validate=validate.Length(min=1, max=12))
    distance = fields.Float(
        load_default=DEFAULT_DISTANCE_MILES,
        allow_nan=False,
        validate=validate.Range(min=0, max=MAX_DISTANCE_MILES, min_inclusive=False),
        metadata={"description": "Miles from the postcode."},
    )
    benchmark = _CommaList(fields.Integer(validate=validate.OneOf(BENCHMARKS)), load_default=list)
    key_stage = _CommaList(fields.String(validate=validate.OneOf(KEY_STAGES)), load_default=list)
    subject = _CommaList(fields.String(validate=validate.OneOf(SUBJECTS)), load_default=list)
    provider_type = _CommaList(fields.String(validate=validate.OneOf(PROVIDER_TYPES)), load_default=list)
    cost = _CommaList(fields.String(validate=validate.OneOf(COSTS)), load_default=list)
    delivery = _CommaList(fields.String(validate=validate.OneOf(("in_person", "virtual"))), load_default=list)
    send = fields.Boolean(load_default=None, allow_none=True)
    q = fields.String(load_default="", validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )

    LIST_FIELDS = ("benchmark", "key_stage", "subject", "provider_type", "cost", "delivery")

    @pre_load
    def _from_multidict(self, data, **kwargs):  # type: ignore[no-untyped-def]
        """From ``request.args.to_dict(flat=False)``: lists for list fields, one value otherwise."""
        if not isinstance(data, dict):
            return data
        loaded = {}
        errors = {}
        for key, value in data.items():
            values = value if isinstance(value, list) else [value]
            if key in self.LIST_FIELDS:
                loaded[key] = values
            elif len(values) > 1:
                errors[key] = ["Give this parameter once."]
            else:
                loaded[key] = values[0]
        if errors:
            raise ValidationError(errors)
        return loaded


class ProviderHitSchema(Schema):
    provider_id = fields.String()
    name = fields.String()
    summary = fields.String()
    provider_type = fields.String()
    cost = fields.String()
    price_band = fields.String(allow_none=True)
    national = fields.Boolean()
    postcode = fields.String(allow_none=True)
    distance_miles = fields.Float(allow_none=True, metadata={"description": "From the searched postcode."})


class SearchLocationSchema(Schema):
    postcode = fields.String()
    precision = fields.String(metadata={"description": "postcode, or outcode (its centroid)"})
    la_code = fields.String(allow_none=True)


class ProviderSearchResponse(Schema):
    location = fields.Nested(SearchLocationSchema)
    distance_miles = fields.Float()
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    pages = fields.Integer()
    results = fields.List(fields.Nested(ProviderHitSchema))
    attribution = fields.String()
