"""The activity-provider JSON API: search, self-service listing and moderation.

Search and a published provider's page are open to anyone (a published listing is
public business information). Submitting needs a signed-in person; changing or
withdrawing needs the provider's editor (or an admin); approving and rejecting needs
an admin. Each route's check is one line against ``service_layer.permissions``.
An unpublished provider is a 404 to anyone who may not edit it, so its existence
does not leak.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, request, url_for
from marshmallow import RAISE, ValidationError

from waymark_directory import provider_views
from waymark_directory.adapters import postcodes
from waymark_directory.domain.providers import InvalidProvider, Provider, ProviderStateError
from waymark_directory.entrypoints.provider_schemas import (
    ProviderListResponse,
    ProviderResponse,
    ProviderSearchQuery,
    ProviderSearchResponse,
    RejectProviderRequest,
    SubmitProviderRequest,
    UpdateProviderRequest,
    WithdrawProviderRequest,
)
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.provider_handlers import (
    ProviderNotFound,
    approve_provider,
    load_provider,
    reject_provider,
    submit_provider,
    update_provider,
    withdraw_provider,
)
from waymark_shared.auth import Principal
from waymark_shared.web.auth import current_principal, forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import VALIDATION, Problem
from waymark_shared.web.requests import load_json
from waymark_shared.web.runtime import current_runtime

provider_api = Blueprint("providers", __name__, url_prefix="/api")
_SEARCH_QUERY = ProviderSearchQuery()


def may_see(principal: Principal | None, provider: Provider) -> bool:
    return (
        provider.published
        or permissions.can_edit_provider(principal, provider.provider_id)
        or permissions.can_moderate_providers(principal)
    )


def allow(permitted: bool) -> None:
    if not permitted:
        raise forbidden("You may not do this to this provider.")


def provider_body(provider: Provider) -> dict:
    assert provider.listing is not None
    data = provider.listing.data()
    data.pop("easting")
    data.pop("northing")
    return ProviderResponse().dump(
        {
            **data,
            "provider_id": provider.provider_id,
            "status": provider.status,
            "version": provider.version,
            "rejection_reason": provider.rejection_reason,
        }
    )


def parse_search(args: dict) -> provider_views.ProviderQuery:
    """A :class:`ProviderQuery` from query parameters (a multidict as ``to_dict(flat=False)``);
    raises marshmallow's ``ValidationError`` with messages by parameter."""
    values = _SEARCH_QUERY.load(args, unknown=RAISE)
    return provider_views.ProviderQuery(
        postcode=values["postcode"],
        distance_miles=values["distance"],
        benchmarks=tuple(values["benchmark"]),
        key_stages=tuple(values["key_stage"]),
        subjects=tuple(values["subject"]),
        provider_types=tuple(values["provider_type"]),
        costs=tuple(values["cost"]),
        deliveries=tuple(values["delivery"]),
        send_suitable=values["send"],
        text=values["q"],
        page=values["page"],
        page_size=values["page_size"],
    )


def search_query_from(args: dict) -> provider_views.ProviderQuery:
    try:
        return parse_search(args)
    except ValidationError as error:
        raise Problem(
            422,
            "Check the search",
            "Some search parameters are not valid; see errors.",
            errors=error.normalized_messages(),
            type=VALIDATION,
        ) from error


def postcode_problem(error: postcodes.PostcodeError) -> Problem:
    return Problem(422, "Check the postcode", str(error), errors={"postcode": [str(error)]}, type=VALIDATION)


@api_route(
    provider_api,
    "/providers/search",
    responses={200: ProviderSearchResponse, 422: None},
    summary="Find published activity providers near a postcode, nearest first",
    description=(
        "Repeat a filter or separate values with commas for 'any of' (benchmark=5,6); different "
        "filters combine with 'and'. National providers always match, after the local ones. "
        "An unknown or malformed postcode is a 422 naming the postcode field."
    ),
)
def search():  # type: ignore[no-untyped-def]
    query = search_query_from(request.args.to_dict(flat=False))
    try:
        found = provider_views.search_providers(current_runtime(), query)
    except postcodes.PostcodeError as error:
        raise postcode_problem(error) from error
    # Built by hand, as ProviderSearchResponse documents it: the hot path skips marshmallow.
    return {
        "location": {
            "postcode": found.location.postcode,
            "precision": found.location.precision,
            "la_code": found.location.la_code,
        },
        "distance_miles": query.distance_miles,
        "total": found.total,
        "page": query.page,
        "page_size": query.page_size,
        "pages": found.pages,
        "results": [dataclasses.asdict(hit) for hit in found.results],
        "attribution": postcodes.ATTRIBUTION,
    }


@api_route(
    provider_api,
    "/providers",
    methods=["POST"],
    request=SubmitProviderRequest,
    responses={201: ProviderResponse, 401: None, 403: None},
    summary="Submit a provider listing for moderation",
)
def submit():  # type: ignore[no-untyped-def]
    principal = require_principal()
    allow(permissions.can_list_provider(principal))
    values = load_json(SubmitProviderRequest)
    try:
        # The submitter becomes the provider's editor (a grant, in the submission's
        # transaction). A bearer token shows it only once fetched again.
        provider = submit_provider(
            values, current_runtime(), actor=principal.subject, editor=principal.subject
        )
    except InvalidProvider as error:
        raise Problem(422, "The listing is not valid", errors=error.errors, type=VALIDATION) from error
    location = url_for(".show", provider_id=provider.provider_id)
    return provider_body(provider), 201, {"Location": location}


@api_route(
    provider_api,
    "/providers/moderation",
    responses={200: ProviderListResponse, 401: None, 403: None},
    summary="Listings waiting for moderation (admins)",
)
def moderation_queue():  # type: ignore[no-untyped-def]
    allow(permissions.can_moderate_providers(require_principal()))
    return ProviderListResponse().dump({"providers": provider_views.moderation_queue(current_runtime())})


@api_route(
    provider_api,
    "/providers/<uuid:provider_id>",
    responses={200: ProviderResponse, 404: None},
    summary="One provider, from its event stream",
)
def show(provider_id):  # type: ignore[no-untyped-def]
    provider = _visible(str(provider_id))
    return provider_body(provider)


@api_route(
    provider_api,
    "/providers/<uuid:provider_id>",
    methods=["PATCH"],
    request=UpdateProviderRequest,
    responses={200: ProviderResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Change a listing (published at once if the provider is listed)",
    endpoint="update",
)
def update(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    provider = _visible(str(provider_id))
    allow(permissions.can_edit_provider(principal, provider.provider_id))
    changes = load_json(UpdateProviderRequest)
    return provider_body(_run(update_provider, str(provider_id), changes, actor=principal.subject))


@api_route(
    provider_api,
    "/providers/<uuid:provider_id>/withdraw",
    methods=["POST"],
    request=WithdrawProviderRequest,
    responses={200: ProviderResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Withdraw a provider from the directory",
)
def withdraw(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    provider = _visible(str(provider_id))
    allow(
        permissions.can_edit_provider(principal, provider.provider_id)
        or permissions.can_moderate_providers(principal)
    )
    values = load_json(WithdrawProviderRequest) if request.content_length else {"reason": None}
    return provider_body(
        _run(withdraw_provider, str(provider_id), actor=principal.subject, reason=values["reason"])
    )


@api_route(
    provider_api,
    "/providers/<uuid:provider_id>/approve",
    methods=["POST"],
    responses={200: ProviderResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Approve a listing: it is published (admins)",
)
def approve(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    allow(permissions.can_moderate_providers(principal))
    _visible(str(provider_id))
    return provider_body(_run(approve_provider, str(provider_id), actor=principal.subject))


@api_route(
    provider_api,
    "/providers/<uuid:provider_id>/reject",
    methods=["POST"],
    request=RejectProviderRequest,
    responses={200: ProviderResponse, 401: None, 403: None, 404: None, 409: None},
    summary="Reject a listing, saying why (admins)",
)
def reject(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    allow(permissions.can_moderate_providers(principal))
    _visible(str(provider_id))
    values = load_json(RejectProviderRequest)
    return provider_body(_run(reject_provider, str(provider_id), values["reason"], actor=principal.subject))


def _visible(provider_id: str) -> Provider:
    provider = load_provider(provider_id, current_runtime())
    if provider is None or not may_see(current_principal(), provider):
        raise Problem(404, "No such provider", f"There is no provider {provider_id}.")
    return provider


def _run(handler, provider_id: str, *args, **kwargs) -> Provider:  # type: ignore[no-untyped-def]
    try:
        return handler(provider_id, *args, current_runtime(), **kwargs)
    except ProviderNotFound as error:
        raise Problem(404, "No such provider", str(error)) from error
    except InvalidProvider as error:
        raise Problem(422, "The listing is not valid", errors=error.errors, type=VALIDATION) from error
    except ProviderStateError as error:
        raise Problem(409, "Not possible now", str(error)) from error
