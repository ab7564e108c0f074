"""Roster command handlers: a whole import in one transaction, and erasure.

An import reads the institution's learners once, plans every change in memory
(``plan_import``), then writes in batches inside one transaction: personal data and
the ``learners`` table by ``executemany``, and one append per changed learner's
stream. Anything failing rolls all of it back. Log lines carry counts and ids only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from waymark_directory.adapters.roster_tables import learner_personal_data, learners, roster_imports
from waymark_directory.adapters.tables import institutions
from waymark_directory.domain.learners import (
    Attributes,
    EraseLearnerPersonalData,
    ImportPlan,
    ImportRoster,
    Learner,
    LearnerChange,
    PersonalData,
    erase,
    plan_import,
)
from waymark_directory.domain.roster_csv import ParsedRoster, RowError, decode_csv, parse_roster
from waymark_shared.events.mapping import to_new_events
from waymark_shared.service import ServiceRuntime

logger = logging.getLogger(__name__)
SCHOOL_TIME = ZoneInfo("Europe/London")
_PERSONAL = (
    "upn",
    "legal_surname",
    "legal_forename",
    "preferred_surname",
    "preferred_forename",
    "date_of_birth",
)
_ATTRIBUTES = ("year_group", "cohort", "form_group", "sen_status", "disadvantaged")


class NoSuchInstitution(LookupError):
    pass


class NoSuchLearner(LookupError):
    pass


class RosterConflict(Exception):
    """Another import of this institution's roster committed first; nothing was written."""


@dataclass
class ImportResult:
    import_id: str
    status: str  # imported | no_changes | rejected
    mode: str
    import_valid_rows: bool
    file_sha256: str
    rows_total: int = 0
    rows_valid: int = 0
    rows_invalid: int = 0
    enrolled: int = 0
    updated: int = 0
    left: int = 0
    unchanged: int = 0
    events: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return self.status != "rejected"


def learner_stream(learner_id: str) -> str:
    return f"learner-{learner_id}"


def school_today() -> date:
    return datetime.now(SCHOOL_TIME).date()


def import_roster(
    command: ImportRoster, runtime: ServiceRuntime, *, today: date | None = None
) -> ImportResult:
    today = today or school_today()
    parsed = parse_roster(decode_csv(command.content), today)
    result = _result(command, parsed)
    if not parsed.file_errors and not parsed.rows and not parsed.errors:
        result.file_errors.append("The file has no learner rows.")
    refused = result.file_errors or (parsed.errors and not command.import_valid_rows) or not parsed.rows
    with runtime.engine.begin() as conn:
        if not _institution_exists(conn, command.institution_id):
            raise NoSuchInstitution(command.institution_id)
        if not refused:
            known = _known_learners(conn, command.institution_id)
            if parsed.errors and command.mode == "full":
                # A learner whose row is invalid is still on roll: never end-date them for it.
                known = [k for k in known if k.personal is None or k.personal.upn not in parsed.invalid_upns]
            plan = plan_import(command.institution_id, known, parsed.rows, mode=command.mode, today=today)
            _count(result, plan)
            try:
                _write(conn, runtime, command.institution_id, plan)
            except IntegrityError:
                # Not chained: the database's message names the clashing UPN.
                raise RosterConflict("another import added the same learners first") from None
        result.status = (
            "rejected" if refused else ("imported" if result.events or result.updated else "no_changes")
        )
        _record(conn, command, result)
    logger.info(
        "roster import %s for institution %s: %s, %d rows (%d invalid), %d events",
        result.import_id,
        command.institution_id,
        result.status,
        result.rows_total,
        result.rows_invalid,
        result.events,
        extra={"import_id": result.import_id, "institution_id": command.institution_id},
    )
    return result


def erase_personal_data(command: EraseLearnerPersonalData, runtime: ServiceRuntime) -> bool:
    """Erase one learner's personal data; False if it was already erased."""
    with runtime.engine.begin() as conn:
        learner = _known_learners(conn, command.institution_id, command.learner_id)
        if not learner:
            raise NoSuchLearner(command.learner_id)
        if learner[0].personal is None:
            return False
        change = erase(learner[0])
        conn.execute(
            delete(learner_personal_data).where(learner_personal_data.c.learner_id == command.learner_id)
        )
        _append(conn, runtime, command.institution_id, [change])
        conn.execute(
            update(learners)
            .where(learners.c.learner_id == command.learner_id)
            .values(version=change.learner.version)
        )
    logger.info(
        "personal data of learner %s erased", command.learner_id, extra={"learner_id": command.learner_id}
    )
    return True


def _result(command: ImportRoster, parsed: ParsedRoster) -> ImportResult:
    return ImportResult(
        import_id=str(uuid.uuid4()),
        status="rejected",
        mode=command.mode,
        import_valid_rows=command.import_valid_rows,
        file_sha256=hashlib.sha256(command.content).hexdigest(),
        rows_total=parsed.total_rows,
        rows_valid=len(parsed.rows),
        rows_invalid=parsed.invalid_rows,
        errors=parsed.errors,
        file_errors=list(parsed.file_errors),
        ignored_columns=parsed.ignored_columns,
    )


def _count(result: ImportResult, plan: ImportPlan) -> None:
    result.enrolled, result.updated, result.left = plan.enrolled, plan.updated, plan.left
    result.unchanged, result.events = plan.unchanged, plan.event_count


def _institution_exists(conn: Connection, institution_id: str) -> bool:
    query = select(institutions.c.institution_id).where(institutions.c.institution_id == institution_id)
    return conn.execute(query).first() is not None


def _known_learners(conn: Connection, institution_id: str, learner_id: str | None = None) -> list[Learner]:
    p = learner_personal_data
    query = (
        select(learners, *(p.c[name] for name in _PERSONAL))
        .select_from(learners.outerjoin(p, p.c.learner_id == learners.c.learner_id))
        .where(learners.c.institution_id == institution_id)
    )
    if learner_id is not None:
        query = query.where(learners.c.learner_id == learner_id)
    return [_learner(row._mapping) for row in conn.execute(query)]


def _learner(row) -> Learner:  # type: ignore[no-untyped-def]
    personal = PersonalData(*(row[name] for name in _PERSONAL)) if row["upn"] is not None else None
    return Learner(
        row["learner_id"],
        row["institution_id"],
        row["version"],
        Attributes(*(row[name] for name in _ATTRIBUTES)),
        on_roll=bool(row["on_roll"]),
        leaving_date=row["leaving_date"],
        personal=personal,
    )


def _write(conn: Connection, runtime: ServiceRuntime, institution_id: str, plan: ImportPlan) -> None:
    new = [c for c in plan.changes if c.is_new]
    changed = [c for c in plan.changes if not c.is_new]
    if new:
        conn.execute(insert(learner_personal_data), [_personal_row(c) for c in new])
        conn.execute(insert(learners), [_learner_row(c.learner) for c in new])
    personal = [c for c in changed if c.personal is not None]
    if personal:
        p = learner_personal_data
        values = {name: bindparam(f"v_{name}") for name in _PERSONAL}
        statement = update(p).where(p.c.learner_id == bindparam("v_id")).values(**values)
        conn.execute(statement, [_prefixed(_personal_row(c)) for c in personal])
    moved = [c for c in changed if c.events]
    if moved:
        names = ("version", *_ATTRIBUTES, "on_roll", "leaving_date")
        statement = (
            update(learners)
            .where(learners.c.learner_id == bindparam("v_id"))
            .values(**{name: bindparam(f"v_{name}") for name in names})
        )
        conn.execute(statement, [_prefixed(_learner_row(c.learner)) for c in moved])
    _append(conn, runtime, institution_id, [c for c in plan.changes if c.events])


def _append(
    conn: Connection, runtime: ServiceRuntime, institution_id: str, changes: list[LearnerChange]
) -> None:
    append = runtime.store.append
    for change in changes:
        events = to_new_events(change.events, institution_id)
        append(learner_stream(change.learner.learner_id), change.expected_version, events, connection=conn)


def _personal_row(change: LearnerChange) -> dict[str, object]:
    personal = change.personal
    assert personal is not None
    return {
        "learner_id": change.learner.learner_id,
        "institution_id": change.learner.institution_id,
        **vars(personal),
    }


def _learner_row(learner: Learner) -> dict[str, object]:
    return {
        "learner_id": learner.learner_id,
        "institution_id": learner.institution_id,
        "version": learner.version,
        **vars(learner.attributes),
        "on_roll": learner.on_roll,
        "leaving_date": learner.leaving_date,
    }


def _prefixed(row: dict[str, object]) -> dict[str, object]:
    """Bind names for an executemany UPDATE (SQLAlchemy reserves the column names)."""
    return {
        "v_id": row["learner_id"],
        **{f"v_{k}": v for k, v in row.items() if k not in ("learner_id", "institution_id")},
    }


def _record(conn: Connection, command: ImportRoster, result: ImportResult) -> None:
    errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
    conn.execute(
        insert(roster_imports).values(
            import_id=result.import_id,
            institution_id=command.institution_id,
            actor=command.actor,
            imported_at=datetime.now(UTC),
            file_name=(command.file_name or "")[:200] or None,
            file_sha256=result.file_sha256,
            mode=result.mode,
            import_valid_rows=result.import_valid_rows,
            status=result.status,
            rows_total=result.rows_total,
            rows_valid=result.rows_valid,
            rows_invalid=result.rows_invalid,
            enrolled=result.enrolled,
            updated=result.updated,
            left=result.left,
            unchanged=result.unchanged,
            events=result.events,
            errors=json.dumps({"file": result.file_errors, "rows": errors}),
        )
    )
