"""Provider pages: find an activity provider, a provider's page, self-service listing
(submit, edit, withdraw) and the admins' moderation queue.

The search page is a GET form, so a search is a link that can be shared; a bad or
unknown postcode re-shows the form with an error summary (422), never an empty list.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from marshmallow import RAISE, ValidationError

from waymark_directory import provider_views
from waymark_directory.adapters import postcodes
from waymark_directory.domain.providers import (
    BENCHMARK_LABELS,
    DELIVERY_LABELS,
    KEY_STAGE_LABELS,
    PRICE_BAND_LABELS,
    PROVIDER_TYPE_LABELS,
    SUBJECT_LABELS,
    InvalidProvider,
    Provider,
    ProviderStateError,
)
from waymark_directory.entrypoints.provider_api import may_see, parse_search
from waymark_directory.entrypoints.provider_schemas import (
    RejectProviderRequest,
    SubmitProviderRequest,
    UpdateProviderRequest,
)
from waymark_directory.service_layer import permissions
from waymark_directory.service_layer.provider_handlers import (
    approve_provider,
    load_provider,
    place,
    reject_provider,
    submit_provider,
    update_provider,
    withdraw_provider,
)
from waymark_shared.web.auth import current_principal, require_principal
from waymark_shared.web.pages import form_errors
from waymark_shared.web.runtime import current_runtime

provider_pages = Blueprint("provider_pages", __name__)
DISTANCES = (1, 3, 5, 10, 15, 25, 50, 100)
LIST_FIELDS = ("benchmarks", "key_stages", "subjects")
CHOICES = {
    "benchmarks": BENCHMARK_LABELS,
    "key_stages": KEY_STAGE_LABELS,
    "subjects": SUBJECT_LABELS,
    "provider_types": PROVIDER_TYPE_LABELS,
    "deliveries": DELIVERY_LABELS,
    "price_bands": PRICE_BAND_LABELS,
    "costs": {"free": "Free", "paid": "Paid"},
    "distances": DISTANCES,
}


def _page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    context.setdefault("errors", form_errors({}))
    return render_template(
        f"directory/providers/{template}", choices=CHOICES, labels=_labels, **context
    ), status


def _labels(values: Any, mapping: dict) -> str:  # type: ignore[type-arg]
    return ", ".join(str(mapping.get(v, v)) for v in values)


@provider_pages.get("/providers")
def search():  # type: ignore[no-untyped-def]
    args = {k: [v for v in vs if v.strip()] for k, vs in request.args.to_dict(flat=False).items()}
    args = {k: vs for k, vs in args.items() if vs}
    form = dict(args)
    context: dict[str, Any] = {"form": form, "attribution": postcodes.ATTRIBUTION, "results": None}
    if "postcode" not in args:
        if args:  # filters without a postcode
            errors = {"postcode": ["Enter a postcode to search near, like LS1 4DY."]}
            return _page("search.html", 422, errors=form_errors(errors), **context)
        return _page("search.html", **context)
    try:
        query = parse_search(args)
        found = provider_views.search_providers(current_runtime(), query)
    except ValidationError as error:
        return _page("search.html", 422, errors=form_errors(error.messages), **context)
    except postcodes.PostcodeError as error:
        return _page("search.html", 422, errors=form_errors({"postcode": [str(error)]}), **context)
    form["postcode"] = [found.location.postcode]  # the form shows it as it was understood
    context.update(results=found, pagination=_pagination(found, args))
    return _page("search.html", **context)


def _pagination(found: provider_views.ProviderResults, args: dict[str, list[str]]) -> dict[str, Any]:
    def link(page: int) -> str:
        return url_for(".search", **{**args, "page": page})

    page, pages = found.query.page, found.pages
    items = [
        {"number": n, "href": link(n), "current": n == page}
        for n in range(1, pages + 1)
        if n in (1, pages) or abs(n - page) <= 2
    ]
    with_gaps: list[dict[str, Any]] = []
    for item in items:
        if with_gaps and item["number"] - with_gaps[-1]["number"] > 1:
            with_gaps.append({"ellipsis": True, "number": item["number"] - 1})
        with_gaps.append(item)
    result: dict[str, Any] = {"items": with_gaps}
    if page > 1:
        result["previous"] = {"href": link(page - 1)}
    if page < pages:
        result["next"] = {"href": link(page + 1)}
    return result


@provider_pages.get("/providers/<uuid:provider_id>")
def show(provider_id):  # type: ignore[no-untyped-def]
    provider = _visible(str(provider_id))
    principal = current_principal()
    editable = provider.status != "withdrawn"
    return _page(
        "provider.html",
        provider=provider,
        can_edit=editable and permissions.can_edit_provider(principal, provider.provider_id),
        can_moderate=permissions.can_moderate_providers(principal),
    )


@provider_pages.route("/providers/new", methods=["GET", "POST"])
def new():  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_list_provider(principal):
        abort(403)
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page("form.html", form={"delivery": "in_person", "cost": "free"}, provider=None)
    values = _posted()
    try:
        loaded = SubmitProviderRequest().load(values, unknown=RAISE)
        # The submitter becomes its editor; directory re-issues their identity cookie
        # on the next request, as their grants changed.
        provider = submit_provider(
            loaded, current_runtime(), actor=principal.subject, editor=principal.subject
        )
    except (ValidationError, InvalidProvider) as error:
        messages = _with_postcode_error(error, values)
        return _page("form.html", 422, form=values, provider=None, errors=form_errors(messages))
    flash("Your listing was sent for moderation. It will be published once an admin approves it.", "success")
    return redirect(url_for(".show", provider_id=provider.provider_id))


@provider_pages.route("/providers/<uuid:provider_id>/edit", methods=["GET", "POST"])
def edit(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    provider = _visible(str(provider_id))
    if not permissions.can_edit_provider(principal, provider.provider_id):
        abort(403)
    if request.method != "POST":  # GET or HEAD: never the form being sent
        return _page("form.html", form=_form_of(provider), provider=provider)
    values = _posted()
    try:
        changes = UpdateProviderRequest().load(values, unknown=RAISE)
        update_provider(provider.provider_id, changes, current_runtime(), actor=principal.subject)
    except (ValidationError, InvalidProvider) as error:
        messages = _with_postcode_error(error, values)
        return _page("form.html", 422, form=values, provider=provider, errors=form_errors(messages))
    except ProviderStateError as error:
        return _page(
            "form.html", 409, form=values, provider=provider, errors=form_errors({"_schema": [str(error)]})
        )
    flash("Your changes were saved.", "success")
    return redirect(url_for(".show", provider_id=provider.provider_id))


@provider_pages.post("/providers/<uuid:provider_id>/withdraw")
def withdraw(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    provider = _visible(str(provider_id))
    if not (
        permissions.can_edit_provider(principal, provider.provider_id)
        or permissions.can_moderate_providers(principal)
    ):
        abort(403)
    try:
        withdraw_provider(provider.provider_id, current_runtime(), actor=principal.subject)
    except ProviderStateError as error:
        flash(str(error))
        return redirect(url_for(".show", provider_id=provider.provider_id))
    flash(f"{provider.listing.name if provider.listing else 'The provider'} was withdrawn.", "success")
    return redirect(url_for(".search"))


@provider_pages.get("/providers/moderation")
def moderation():  # type: ignore[no-untyped-def]
    if not permissions.can_moderate_providers(require_principal()):
        abort(403)
    runtime = current_runtime()
    queue = [load_provider(row["provider_id"], runtime) for row in provider_views.moderation_queue(runtime)]
    return _page("moderation.html", queue=[p for p in queue if p is not None])


@provider_pages.post("/providers/<uuid:provider_id>/approve")
def approve(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_moderate_providers(principal):
        abort(403)
    provider = _visible(str(provider_id))
    try:
        approve_provider(provider.provider_id, current_runtime(), actor=principal.subject)
    except ProviderStateError as error:
        flash(str(error))
        return redirect(url_for(".moderation"))
    flash(f"{provider.listing.name if provider.listing else 'The provider'} is published.", "success")
    return redirect(url_for(".moderation"))


@provider_pages.post("/providers/<uuid:provider_id>/reject")
def reject(provider_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_moderate_providers(principal):
        abort(403)
    provider = _visible(str(provider_id))
    try:
        values = RejectProviderRequest().load({"reason": request.form.get("reason", "")})
        reject_provider(provider.provider_id, values["reason"], current_runtime(), actor=principal.subject)
    except (ValidationError, InvalidProvider):
        errors = form_errors({f"reason-{provider.provider_id}": ["Say why the listing is rejected."]})
        runtime = current_runtime()
        queue = [load_provider(r["provider_id"], runtime) for r in provider_views.moderation_queue(runtime)]
        return _page("moderation.html", 422, queue=[p for p in queue if p is not None], errors=errors)
    except ProviderStateError as error:
        flash(str(error))
        return redirect(url_for(".moderation"))
    flash(f"{provider.listing.name if provider.listing else 'The provider'} was rejected.", "success")
    return redirect(url_for(".moderation"))


def _visible(provider_id: str) -> Provider:
    provider = load_provider(provider_id, current_runtime())
    if provider is None or not may_see(current_principal(), provider):
        abort(404)
    return provider


def _posted() -> dict[str, Any]:
    """The listing form as the API's schema takes it: lists, booleans, blanks as None."""
    form = request.form
    values: dict[str, Any] = {}
    for name in ("name", "description", "provider_type", "cost", "price_band", "delivery", "postcode",
                 "radius_miles", "contact_email", "contact_phone", "website"):  # fmt: skip
        value = form.get(name, "").strip()
        values[name] = value or None
    values["benchmarks"] = [int(v) if v.isdigit() else v for v in form.getlist("benchmarks")]
    values["key_stages"] = form.getlist("key_stages")
    values["subjects"] = form.getlist("subjects")
    values["send_suitable"] = form.get("send_suitable") == "true"
    values["national"] = form.get("area") == "national"
    if values["national"]:
        values["radius_miles"] = None
    if values["cost"] == "free":
        values["price_band"] = None
    for name in ("name", "description", "provider_type", "cost", "delivery"):
        if values[name] is None:
            values.pop(name)  # "required" names the field in the error summary
    return values


def _with_postcode_error(error: ValidationError | InvalidProvider, values: dict[str, Any]) -> dict[str, Any]:
    """The form's errors; the postcode is checked too when the schema stopped first."""
    messages = dict(error.messages if isinstance(error, ValidationError) else error.errors)  # type: ignore[arg-type]
    if isinstance(error, ValidationError) and "postcode" not in messages and values.get("postcode"):
        messages.update(place(values["postcode"])[3])
    return messages


def _form_of(provider: Provider) -> dict[str, Any]:
    assert provider.listing is not None
    data = provider.listing.data()
    data["area"] = "national" if provider.listing.national else "local"
    return data
