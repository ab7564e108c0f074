"""The roster's read side: learners (with their names, for authorised staff) and imports."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from waymark_directory.adapters.roster_tables import learner_personal_data, learners, roster_imports
from waymark_directory.adapters.tables import institutions
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

_P = learner_personal_data


def _learner_query():  # type: ignore[no-untyped-def]
    return select(
        learners.c.learner_id,
        learners.c.institution_id,
        learners.c.year_group,
        learners.c.cohort,
        learners.c.form_group,
        learners.c.sen_status,
        learners.c.disadvantaged,
        learners.c.on_roll,
        learners.c.leaving_date,
        _P.c.upn,
        _P.c.legal_surname,
        _P.c.legal_forename,
        _P.c.preferred_surname,
        _P.c.preferred_forename,
        _P.c.date_of_birth,
    ).select_from(learners.outerjoin(_P, _P.c.learner_id == learners.c.learner_id))


def _learner(row: Any) -> dict[str, Any]:
    learner = dict(row._mapping)
    learner["personal_data_erased"] = learner["upn"] is None
    learner["surname"] = learner["preferred_surname"] or learner["legal_surname"]
    learner["forename"] = learner["preferred_forename"] or learner["legal_forename"]
    return learner


def list_learners(
    runtime: ServiceRuntime,
    institution_id: str,
    *,
    year_group: int | None = None,
    form_group: str | None = None,
    include_left: bool = False,
) -> list[dict[str, Any]]:
    """The institution's learners by year group, form group and name."""
    query = _learner_query().where(learners.c.institution_id == institution_id)
    if year_group is not None:
        query = query.where(learners.c.year_group == year_group)
    if form_group:
        query = query.where(learners.c.form_group == form_group)
    if not include_left:
        query = query.where(learners.c.on_roll.is_(True))
    query = query.order_by(
        learners.c.year_group,
        learners.c.form_group,
        func.coalesce(func.nullif(_P.c.preferred_surname, ""), _P.c.legal_surname),
        _P.c.legal_forename,
        learners.c.learner_id,
    )
    with reading(runtime.engine) as conn:
        return [_learner(row) for row in conn.execute(query)]


def roster_groups(runtime: ServiceRuntime, institution_id: str) -> list[dict[str, Any]]:
    """On-roll counts by year group and form group (for filters and summaries)."""
    query = (
        select(learners.c.year_group, learners.c.form_group, func.count().label("learners"))
        .where(learners.c.institution_id == institution_id, learners.c.on_roll.is_(True))
        .group_by(learners.c.year_group, learners.c.form_group)
        .order_by(learners.c.year_group, learners.c.form_group)
    )
    with reading(runtime.engine) as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def get_learner(runtime: ServiceRuntime, institution_id: str, learner_id: str) -> dict[str, Any] | None:
    query = _learner_query().where(
        learners.c.institution_id == institution_id, learners.c.learner_id == learner_id
    )
    with reading(runtime.engine) as conn:
        row = conn.execute(query).first()
    return _learner(row) if row is not None else None


def list_imports(runtime: ServiceRuntime, institution_id: str, limit: int = 50) -> list[dict[str, Any]]:
    query = (
        select(roster_imports)
        .where(roster_imports.c.institution_id == institution_id)
        .order_by(roster_imports.c.imported_at.desc())
        .limit(limit)
    )
    with reading(runtime.engine) as conn:
        return [_import(row) for row in conn.execute(query)]


def get_import(runtime: ServiceRuntime, institution_id: str, import_id: str) -> dict[str, Any] | None:
    query = select(roster_imports).where(
        roster_imports.c.institution_id == institution_id, roster_imports.c.import_id == import_id
    )
    with reading(runtime.engine) as conn:
        row = conn.execute(query).first()
    return _import(row) if row is not None else None


def _import(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    errors = json.loads(record.pop("errors"))
    record["file_errors"], record["errors"] = errors["file"], errors["rows"]
    return record


def institution_name(runtime: ServiceRuntime, institution_id: str) -> str | None:
    query = select(institutions.c.name).where(institutions.c.institution_id == institution_id)
    with reading(runtime.engine) as conn:
        return conn.execute(query).scalar_one_or_none()
