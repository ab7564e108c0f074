"""Importing destinations from a CSV file: every row checked as if recorded one at a
time, with a report of each row's errors; all or nothing unless the user chooses to
import the valid rows. A row the learner's current destination already says is
unchanged, so importing the same file again writes nothing.

Columns (a header row; order free; more columns are ignored): ``learner_id`` (the
learner reference: directory's learner id), ``leaving_point`` (ks4 or 16-18),
``category`` (a category code, or its DfE name), ``provider`` (the provider or
employer, may be blank), ``start_date`` (YYYY-MM-DD or DD/MM/YYYY) and ``source``
(learner, parent, provider, local_authority, other); optional ``evidence_date``,
``september_guarantee`` and ``notes``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, select

from waymark_destinations.adapters.institutions import institution
from waymark_destinations.adapters.tables import destination_details, imports, learners
from waymark_destinations.domain.categories import BY_CODE, CATEGORIES, NOT_RECORDED
from waymark_destinations.domain.destinations import Context, LearnerDestinations, Refusal, decide_recorded
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.recording import Detail, facts_from_row, load_state, save_rows, write
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.service import ServiceRuntime

REQUIRED = ("learner_id", "leaving_point", "category", "provider", "start_date", "source")
OPTIONAL = ("evidence_date", "september_guarantee", "notes")
ALIASES = {"learner_reference": "learner_id", "learner reference": "learner_id", "employer": "provider",
           "provider_or_employer": "provider", "provider or employer": "provider"}  # fmt: skip
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
_NAMES = {category.name.lower(): category.code for category in CATEGORIES}
_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file (the header is line 1)
    column: str | None
    message: str


@dataclass
class ImportResult:
    import_id: str | None
    rows_total: int = 0
    recorded: int = 0
    unchanged: int = 0
    rows_invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    imported: bool = False
    valid_rows_only: bool = False

    @property
    def rows_valid(self) -> int:
        return self.rows_total - self.rows_invalid


class ImportConflict(RuntimeError):
    """Someone recorded a destination for one of the file's learners meanwhile."""


@dataclass
class _Row:
    line: int
    values: dict[str, str]
    parsed: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)


def _date(text: str) -> date:
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def _read(content: bytes) -> tuple[list[_Row], list[str]]:  # noqa: PLR0911 (one return a file problem)
    if len(content) > MAX_BYTES:
        return [], [f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["The file is not UTF-8 text: save it as CSV UTF-8."]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], ["The file is empty: it needs a header row and a row a learner."]
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        return [], [f"The header row has no {', '.join(missing)} column."]
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        rows.append(_Row(line, values))
        if len(rows) > MAX_ROWS:
            return [], [f"The file has more than {MAX_ROWS:,} rows: split it."]
    if not rows:
        return [], ["The file has a header row but no learners."]
    return rows, []


def _parse(row: _Row) -> None:
    values = row.values
    for column in ("learner_id", "leaving_point", "category", "start_date", "source"):
        if not values.get(column):
            row.errors.append(RowError(row.line, column, "This is blank."))
    if row.errors:
        return
    try:
        row.parsed["learner_id"] = str(uuid.UUID(values["learner_id"]))
    except ValueError:
        row.errors.append(RowError(row.line, "learner_id", "This is not a learner id from directory's roster."))
    category = values["category"].lower()
    row.parsed["category"] = category if category in BY_CODE else _NAMES.get(category, category)
    row.parsed["leaving_point"] = values["leaving_point"].lower().replace("ks5", "16-18")
    row.parsed["source"] = values["source"].lower().replace(" ", "_")
    row.parsed["september_guarantee"] = (values.get("september_guarantee") or NOT_RECORDED).lower().replace(" ", "_")
    for column in ("start_date", "evidence_date"):
        if values.get(column):
            try:
                row.parsed[column] = _date(values[column])
            except ValueError:
                row.errors.append(RowError(row.line, column, "This is not a date: write it as 2026-09-04."))
    provider, notes = values.get("provider") or None, values.get("notes") or None
    if provider and len(provider) > 200:
        row.errors.append(RowError(row.line, "provider", "This is longer than 200 characters."))
    row.parsed["detail"] = Detail(provider, notes)


def import_destinations(
    runtime: ServiceRuntime,
    institution_id: str,
    content: bytes,
    *,
    file_name: str | None = None,
    valid_rows_only: bool = False,
    actor: str | None = None,
) -> ImportResult:
    result = ImportResult(None, valid_rows_only=valid_rows_only)
    rows, result.file_errors = _read(content)
    if result.file_errors:
        return result
    result.rows_total = len(rows)
    for row in rows:
        _parse(row)
    _check_duplicates(rows)
    day = today(runtime)
    found = institution(runtime, institution_id) or {}
    ctx_base = {"institution_open": found.get("status") == "open", "high_age": found.get("high_age"), "today": day}
    ids = sorted({row.parsed["learner_id"] for row in rows if "learner_id" in row.parsed})
    with runtime.engine.connect() as conn:
        facts = _learners(conn, institution_id, ids)
        details = _details(conn, ids)
    states: dict[str, LearnerDestinations] = {}
    for row in rows:
        if row.errors:
            continue
        learner_id = row.parsed["learner_id"]
        if learner_id not in facts:
            row.errors.append(RowError(row.line, "learner_id", "There is no learner with this id at this institution."))
            continue
        state = states.get(learner_id) or load_state(runtime, learner_id)
        states[learner_id] = state
        _decide(row, state, Context(facts[learner_id], **ctx_base), details)
    result.errors = [error for row in rows for error in row.errors]
    result.rows_invalid = sum(1 for row in rows if row.errors)
    if result.rows_invalid and not valid_rows_only:
        return result
    writing = [row for row in rows if not row.errors and row.events]
    result.recorded = len(writing)
    result.unchanged = result.rows_valid - result.recorded
    result.imported = True
    if not writing:
        return result  # nothing changes: nothing is written, not even the import's record
    result.import_id = str(uuid.uuid4())
    try:
        with runtime.engine.begin() as conn:
            rows_later: list[Any] = []
            for row in writing:
                learner_id = row.parsed["learner_id"]
                # The same state for a learner's rows (one a leaving point): each append
                # moves it on, so the next appends at the version after.
                ctx = Context(facts[learner_id], **ctx_base)
                write(conn, runtime, states[learner_id], ctx, row.events, row.parsed["detail"] or None,
                      rows_later=rows_later)  # fmt: skip
            save_rows(conn, rows_later)
            _record(conn, result, institution_id, content, file_name, actor)
    except ConcurrencyError as error:
        raise ImportConflict(str(error)) from error
    return result


def _decide(row: _Row, state: LearnerDestinations, ctx: Context, details: dict[tuple[str, int], Detail]) -> None:
    parsed = row.parsed
    actual = state.points.get(parsed["leaving_point"])
    current = Detail()
    if actual is not None and actual.actual is not None:
        current = details.get((state.learner_id, actual.actual["version"]), Detail())
    try:
        row.events = decide_recorded(
            state,
            ctx,
            leaving_point=parsed["leaving_point"],
            category=parsed["category"],
            start_date=parsed["start_date"],
            source=parsed["source"],
            evidence_date=parsed.get("evidence_date") or ctx.today,
            september_guarantee=parsed["september_guarantee"],
            has_detail=bool(parsed["detail"]),
            detail_changed=parsed["detail"] != current,
        )
    except Refusal as refusal:
        for column, messages in refusal.errors.items():
            name = "learner_id" if column == "institution_id" else column
            row.errors.extend(RowError(row.line, name, message) for message in messages)


def _check_duplicates(rows: list[_Row]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.values.get("learner_id", "").lower(), row.values.get("leaving_point", "").lower())
        if key in seen and key[0]:
            row.errors.append(RowError(row.line, "learner_id", f"This learner and leaving point are on line {seen[key]} too."))
        seen.setdefault(key, row.line)


def _learners(conn: Connection, institution_id: str, ids: list[str]) -> dict[str, Any]:
    found = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(learners).where(
            learners.c.learner_id.in_(ids[start : start + _CHUNK]), learners.c.institution_id == institution_id
        )
        for row in conn.execute(query):
            found[row.learner_id] = facts_from_row(dict(row._mapping))
    return found


def _details(conn: Connection, ids: list[str]) -> dict[tuple[str, int], Detail]:
    found = {}
    t = destination_details.c
    for start in range(0, len(ids), _CHUNK):
        query = select(t.learner_id, t.stream_version, t.provider, t.notes).where(
            t.learner_id.in_(ids[start : start + _CHUNK])
        )
        for row in conn.execute(query):
            found[(row.learner_id, row.stream_version)] = Detail(row.provider, row.notes)
    return found


def _record(  # noqa: PLR0917
    conn: Connection,
    result: ImportResult,
    institution_id: str,
    content: bytes,
    file_name: str | None,
    actor: str | None,
) -> None:
    conn.execute(
        imports.insert().values(
            import_id=result.import_id,
            institution_id=institution_id,
            sha256=hashlib.sha256(content).hexdigest(),
            file_name=(file_name or "")[:200] or None,
            rows_total=result.rows_total,
            recorded=result.recorded,
            unchanged=result.unchanged,
            rows_invalid=result.rows_invalid,
            errors=[vars(error) for error in result.errors],
            imported_at=datetime.now(UTC).isoformat(),
            imported_by=actor,
        )
    )
