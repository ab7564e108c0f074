"""Liveness, readiness and status: ``/healthz``, ``/readyz`` and ``/_status``.

Liveness says only that the process answers, so an orchestrator restarts it only when
it is wedged. Readiness also needs the database to answer and its schema to be at the
migration heads, so no traffic reaches an instance that would fail it.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for
from marshmallow import Schema, fields
from sqlalchemy import text

from waymark_shared.service import ServiceRuntime
from waymark_shared.web.openapi import api_route
from waymark_shared.web.problems import Problem
from waymark_shared.web.runtime import current_runtime

logger = logging.getLogger(__name__)

OK = "ok"


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": OK})


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"example": "ready"})
    checks = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class IndexSchema(Schema):
    service = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    links = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class StatusSchema(Schema):
    service = fields.String(required=True)
    environment = fields.String(required=True)
    git_commit = fields.String(required=True)
    migrations = fields.Dict(required=True, metadata={"description": "at_head and pending heads"})


def health_blueprint() -> Blueprint:
    """The platform's own routes, the same for every service."""
    bp = Blueprint("platform", __name__)
    api_route(bp, "/", responses={200: IndexSchema}, summary="What this service is and where its routes are")(
        index
    )
    api_route(bp, "/healthz", responses={200: HealthSchema}, summary="Liveness")(healthz)
    api_route(bp, "/readyz", responses={200: ReadySchema, 503: None}, summary="Readiness")(readyz)
    api_route(bp, "/_status", responses={200: StatusSchema}, summary="Build and schema")(status)
    return bp


def index() -> dict[str, Any]:
    definition = current_runtime().definition
    links = {name: url_for(f"platform.{name}") for name in ("healthz", "readyz", "status")}
    links |= {"openapi": url_for("openapi"), "metrics": url_for("metrics")}
    return {
        "service": definition.name,
        "title": definition.title,
        "description": definition.description,
        "links": links,
    }


def healthz() -> dict[str, str]:
    return {"status": OK}


def readyz() -> dict[str, Any]:
    checks = readiness_checks(current_runtime())
    failed = {name: result for name, result in checks.items() if result != OK}
    if failed:
        detail = "; ".join(f"{name}: {result}" for name, result in failed.items())
        raise Problem(503, "Not ready", detail, extensions={"checks": checks})
    return {"status": "ready", "checks": checks}


def status() -> dict[str, Any]:
    runtime = current_runtime()
    try:
        pending: list[str] | None = sorted(runtime.pending_migrations())
    except Exception:
        logger.warning("could not read the migration state", exc_info=True)
        pending = None
    return {
        "service": runtime.name,
        "environment": runtime.settings.environment,
        "git_commit": git_commit(),
        "migrations": {"at_head": pending == [], "pending": pending},
    }


def readiness_checks(runtime: ServiceRuntime) -> dict[str, str]:
    """``{"database": "ok", "migrations": "pending: 0002_x"}``: each check's outcome."""
    checks = {"database": _database(runtime)}
    checks["migrations"] = _migrations(runtime) if checks["database"] == OK else "not checked"
    return checks


def _database(runtime: ServiceRuntime) -> str:
    try:
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        logger.warning("readiness: database unavailable (%s)", type(error).__name__)
        return "unavailable"
    return OK


def _migrations(runtime: ServiceRuntime) -> str:
    try:
        pending = runtime.pending_migrations()
    except Exception as error:
        logger.warning("readiness: migration state unreadable (%s)", type(error).__name__)
        return "unreadable"
    return f"pending: {', '.join(sorted(pending))}" if pending else OK


@cache
def git_commit() -> str:
    """``GIT_COMMIT`` from the build, else the checkout's HEAD, else ``unknown``."""
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"]
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() or "unknown"
