"""Reporting's JSON API for one institution: its dashboard (aggregates) and its
worklist (pupil-level), each saying how current it is; and the freshness of every
read model. Policy: :mod:`waymark_reporting.service_layer.permissions`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, request

from waymark_reporting import views
from waymark_reporting.entrypoints.schema_dump import dumper
from waymark_reporting.entrypoints.schemas import (
    DashboardResponse,
    FreshnessResponse,
    ProviderAccessLearnersResponse,
    WorklistResponse,
)
from waymark_reporting.service_layer import permissions
from waymark_reporting.service_layer.permissions import InstitutionScope
from waymark_reporting.views import dashboard as dashboard_views
from waymark_shared.auth.principal import Principal
from waymark_shared.web.auth import forbidden, require_principal
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import VALIDATION, Problem
from waymark_shared.web.runtime import current_runtime

dashboard_api = Blueprint("reporting_dashboard", __name__, url_prefix="/api")

Policy = Callable[[Principal | None, InstitutionScope], bool]
ACADEMIC_YEAR = re.compile(r"[0-9]{4}/[0-9]{2}")  # whole strings only: .fullmatch
# The response schemas' dumps, compiled once (see :mod:`.schema_dump`).
DUMP_DASHBOARD = dumper(DashboardResponse())
DUMP_WORKLIST = dumper(WorklistResponse())
DUMP_PROVIDER_ACCESS = dumper(ProviderAccessLearnersResponse())
DUMP_FRESHNESS = dumper(FreshnessResponse())


def now() -> datetime:
    """The time reports are as of: ``runtime.extras["clock"]()`` when a test sets one."""
    clock = current_runtime().extras.get("clock")
    return clock() if callable(clock) else datetime.now(UTC)


def scope_of(found: dict | None, institution_id: str) -> InstitutionScope:
    return InstitutionScope(institution_id, found and found["careers_hub"], found and found["trust"])


def checked_institution(principal: Principal, institution_id: str, allowed: Policy) -> dict:
    """The institution, if ``principal`` may do this with it: 403 otherwise, and 404
    only to someone who would be allowed, so nothing leaks."""
    found = dashboard_views.institution_of(current_runtime(), institution_id)
    if not allowed(principal, scope_of(found, institution_id)):
        raise forbidden("You do not have access to this institution's reports.")
    if found is None:
        raise Problem(404, "Unknown institution", f"Reporting has not heard of institution {institution_id}.")
    return found


def academic_year_argument() -> str | None:
    """``?year=2026/27``, checked: a 400 problem naming the field otherwise."""
    year = request.args.get("year")
    if year is None or year == "":
        return None
    if not ACADEMIC_YEAR.fullmatch(year) or (int(year[:4]) + 1) % 100 != int(year[5:]):
        raise Problem(
            400,
            "Invalid query",
            "The year must be an academic year like 2026/27.",
            errors={"year": ["Give an academic year like 2026/27."]},
            type=VALIDATION,
        )
    return year


@api_route(
    dashboard_api,
    "/institutions/<uuid:institution_id>/dashboard",
    responses={200: DashboardResponse, 400: None, 401: None, 403: None, 404: None},
    summary="An institution's dashboard: benchmarks, plan delivery, ratings, evidence, provider access",
    description="Aggregates only; ``?year=2026/27`` chooses the plan year. ``freshness`` says how current it is.",
)
def dashboard(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_dashboard)
    year = academic_year_argument()
    model = dashboard_views.dashboard(current_runtime(), institution_id, year=year, now=now())
    return DUMP_DASHBOARD(model)


@api_route(
    dashboard_api,
    "/institutions/<uuid:institution_id>/worklist",
    responses={200: WorklistResponse, 401: None, 403: None, 404: None},
    summary="Learners on roll meeting none of the BM5-BM8 measures (pseudonymous ids)",
)
def worklist(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_pupil_level)
    runtime = current_runtime()
    body = {
        "institution_id": institution_id,
        "freshness": views.all_freshness(runtime, now()),
        "learners": dashboard_views.worklist(runtime, institution_id, now()),
    }
    return DUMP_WORKLIST(body)


@api_route(
    dashboard_api,
    "/institutions/<uuid:institution_id>/provider-access/learners",
    responses={200: ProviderAccessLearnersResponse, 401: None, 403: None, 404: None},
    summary="Each learner on roll's Provider Access Legislation phases: encounters, what is still needed, by when",
)
def provider_access_learners(institution_id):  # type: ignore[no-untyped-def]
    principal = require_principal()
    institution_id = str(institution_id)
    checked_institution(principal, institution_id, permissions.can_read_pupil_level)
    runtime = current_runtime()
    body = {
        "institution_id": institution_id,
        "freshness": views.all_freshness(runtime, now()),
        "learners": dashboard_views.provider_access_learners(runtime, institution_id, now()),
    }
    return DUMP_PROVIDER_ACCESS(body)


@api_route(
    dashboard_api,
    "/freshness",
    responses={200: FreshnessResponse, 401: None},
    summary="How current each of reporting's read models is: last event applied per source, and the lag",
)
def freshness():  # type: ignore[no-untyped-def]
    require_principal()
    return DUMP_FRESHNESS({"freshness": views.all_freshness(current_runtime(), now())})
