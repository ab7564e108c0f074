"""Roll-ups for Careers Hubs, trusts, local authorities, regions and the nation: pages
and JSON, aggregates only (no learner ids; pupil-based shares of fewer than five
learners suppressed). Policy: :func:`permissions.can_read_rollup` (hub and trust leads
their own, administrators every scope); a scope unknown to reporting is a 404 only to
those who may read it (403 otherwise, so nothing leaks). ``?year=2026/27`` chooses the
plan year of plan delivery (a 400 problem if it is not an academic year)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from waymark_reporting.domain import national
from waymark_reporting.entrypoints.dashboard_api import ACADEMIC_YEAR, academic_year_argument, now
from waymark_reporting.entrypoints.rollup_schemas import RollupResponse
from waymark_reporting.service_layer import permissions
from waymark_reporting.views.rollups import HUB, LOCAL_AUTHORITY, NATION, REGION, TRUST, Scope, rollup
from waymark_shared.web.auth import current_principal, forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

rollup_pages = Blueprint("reporting_rollups", __name__)
rollup_api = Blueprint("reporting_rollups_api", __name__, url_prefix="/api")

_RESPONSES = {200: RollupResponse, 400: None, 401: None, 403: None, 404: None}
_WORDS = {NATION: "the nation", REGION: "region", LOCAL_AUTHORITY: "local authority", HUB: "Careers Hub", TRUST: "trust"}  # fmt: skip


def _json(kind: str, name: str | None = None) -> dict[str, Any]:
    principal = require_principal()
    if not permissions.can_read_rollup(principal, kind, name):
        raise forbidden("You do not have access to this roll-up.")
    year = academic_year_argument()
    model = rollup(current_runtime(), Scope(kind, name), year=year, now=now())
    if model is None:
        raise Problem(404, "Unknown scope", f"Reporting has no institution in {_WORDS[kind]} {name}.")
    # The model is the response: test_rollups checks it is exactly what RollupResponse
    # dumps (dumping 20 KiB through marshmallow on every read would double its cost).
    return model


@api_route(
    rollup_api, "/rollups/nation", responses=_RESPONSES, summary="The national roll-up (administrators)"
)
def nation():  # type: ignore[no-untyped-def]
    return _json(NATION)


@api_route(
    rollup_api, "/rollups/regions/<path:name>", responses=_RESPONSES, summary="A region's roll-up (administrators)"
)
def region(name):  # type: ignore[no-untyped-def]
    return _json(REGION, name)


@api_route(
    rollup_api,
    "/rollups/local-authorities/<code>",
    responses=_RESPONSES,
    summary="A local authority's roll-up, by its code (administrators)",
)
def local_authority(code):  # type: ignore[no-untyped-def]
    return _json(LOCAL_AUTHORITY, code)


@api_route(
    rollup_api, "/rollups/hubs/<path:name>", responses=_RESPONSES, summary="A Careers Hub's roll-up (its leads)"
)
def hub(name):  # type: ignore[no-untyped-def]
    return _json(HUB, name)


@api_route(
    rollup_api, "/rollups/trusts/<path:name>", responses=_RESPONSES, summary="A trust's roll-up (its leads)"
)
def trust(name):  # type: ignore[no-untyped-def]
    return _json(TRUST, name)


# -- pages ------------------------------------------------------------------------------


@rollup_pages.app_context_processor
def _home_context() -> dict[str, Any]:
    return {"reporting_rollups": lambda: permissions.readable_rollups(current_principal())}


def _page(kind: str, name: str | None = None):  # type: ignore[no-untyped-def]
    principal = require_principal()
    if not permissions.can_read_rollup(principal, kind, name):
        abort(403)
    year = request.args.get("year") or None
    error = None
    if year is not None and (not ACADEMIC_YEAR.fullmatch(year) or (int(year[:4]) + 1) % 100 != int(year[5:])):
        error, year = "Give an academic year like 2026/27", None
    model = rollup(current_runtime(), Scope(kind, name), year=year, now=now())
    if model is None:
        abort(404)
    return render_template(
        "reporting/rollup.html",
        model=model,
        error=error,
        may_read_scope=lambda kind, name: permissions.can_read_rollup(principal, kind, name),
        national_source=national.NATIONAL_SOURCE,
    )


@rollup_pages.route("/rollups/nation")
def nation_page():  # type: ignore[no-untyped-def]
    return _page(NATION)


@rollup_pages.route("/rollups/regions/<path:name>")
def region_page(name):  # type: ignore[no-untyped-def]
    return _page(REGION, name)


@rollup_pages.route("/rollups/local-authorities/<code>")
def local_authority_page(code):  # type: ignore[no-untyped-def]
    return _page(LOCAL_AUTHORITY, code)


@rollup_pages.route("/rollups/hubs/<path:name>")
def hub_page(name):  # type: ignore[no-untyped-def]
    return _page(HUB, name)


@rollup_pages.route("/rollups/trusts/<path:name>")
def trust_page(name):  # type: ignore[no-untyped-def]
    return _page(TRUST, name)
