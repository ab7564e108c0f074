"""Importing a GIAS establishment extract: one transaction for the whole file.

Rows are compared with directory's own ``institutions`` table (kept in step with the
events in the same transactions), so importing the same file again appends nothing:
only rows whose details differ become ``InstitutionUpdated``, new establishments
``InstitutionRegistered`` and newly closed ones ``InstitutionClosed``. Rows with errors
are skipped and reported; if anything fails while writing, nothing is written. Every
import leaves a record (counts and the report) in ``institution_imports``.
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from sqlalchemy import select

from waymark_directory.adapters.gias_csv import GiasFile
from waymark_directory.adapters.institution_tables import institution_imports
from waymark_directory.adapters.tables import institution_identifiers, institutions
from waymark_directory.domain import gias
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.institutions import CLOSED, Institution, InvalidInstitution
from waymark_directory.service_layer.handlers import (
    IDENTIFIER_SCHEMES,
    AlreadyRegistered,
    local_authority_code,
    row,
    save_changes,
    stream_id,
)
from waymark_shared.events.mapping import to_new_events
from waymark_shared.service import ServiceRuntime

GIAS_FIELDS = ("name", "institution_type", "urn", "ukprn", "local_authority", "region", "trust",
               "postcode", "low_age", "high_age", "website")  # fmt: skip
BATCH = 1000  # new institutions' rows written together
KEPT_ISSUES = 2000  # rows with errors or notes reported in full; the counts cover all


class GiasFileError(ValueError):
    """The file as a whole cannot be read as a GIAS extract."""


@dataclass
class ImportReport:
    import_id: str
    filename: str | None
    sha256: str = ""
    rows: int = 0
    registered: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def add_errors(self, issues: list[gias.RowIssue]) -> None:
        self.error_count += len(issues)
        room = KEPT_ISSUES - len(self.errors)
        self.errors.extend(issue.as_dict() for issue in issues[: max(room, 0)])

    def add_notes(self, issues: list[gias.RowIssue]) -> None:
        room = KEPT_ISSUES - len(self.notes)
        self.notes.extend(issue.as_dict() for issue in issues[: max(room, 0)])


class _Known:
    """What directory holds now, by identifier, as plain rows (one query each)."""

    def __init__(self, conn) -> None:  # type: ignore[no-untyped-def]
        self.by_urn: dict[str, dict[str, Any]] = {}
        self.by_ukprn: dict[str, dict[str, Any]] = {}
        for found in conn.execute(select(institutions)).mappings():
            state = dict(found)
            if state["urn"]:
                self.by_urn[state["urn"]] = state
            if state["ukprn"]:
                self.by_ukprn[state["ukprn"]] = state
        self.reserved: dict[tuple[str, str], str] = {
            (scheme, identifier): owner
            for scheme, identifier, owner in conn.execute(
                select(
                    institution_identifiers.c.scheme,
                    institution_identifiers.c.identifier,
                    institution_identifiers.c.institution_id,
                )
            )
        }

    def find(self, record: gias.GiasRecord) -> dict[str, Any] | None:
        ukprn = record.details.get("ukprn")
        found = self.by_urn.get(record.urn)
        if found is None and ukprn:
            candidate = self.by_ukprn.get(ukprn)
            if candidate is not None and not candidate["urn"]:
                found = candidate  # registered by UKPRN alone: GIAS adds its URN
        return found


class _Run:
    """One import on one connection: what is known, what the file said so far, and the
    new institutions' rows and reservations, written many at a time (their events are
    appended at once, stream by stream). Identifiers were checked against
    :class:`_Known`; the unique key still guards against a registration racing it."""

    def __init__(self, conn, runtime: ServiceRuntime, report: ImportReport):  # type: ignore[no-untyped-def]
        self.conn, self.runtime, self.report = conn, runtime, report
        self.known = _Known(conn)
        self.seen: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []
        self.identifiers: list[dict[str, Any]] = []

    def row(self, number: int, values: dict[str, str]) -> None:
        report = self.report
        result = gias.read_row(number, values)
        record = result.record
        if record is not None and record.urn in self.seen:
            message = f"URN {record.urn} is also on row {self.seen[record.urn]}."
            result.errors.append(gias.RowIssue(number, gias.URN_COLUMN, message))
            record = None
        if record is None:
            report.skipped += 1
            report.add_errors(result.errors)
            report.add_notes(result.notes)
            return
        self.seen[record.urn] = number
        existing = self.known.find(record)
        self._keep_ukprn_if_free(record, existing)
        try:
            outcome = self._apply(record, existing)
        except InvalidInstitution as error:
            report.skipped += 1
            report.add_errors(
                [
                    gias.RowIssue(number, gias.COLUMN_OF.get(k, k), " ".join(v))
                    for k, v in error.errors.items()
                ]
            )
            return
        except AlreadyRegistered as error:
            report.skipped += 1
            report.add_errors([gias.RowIssue(number, gias.COLUMN_OF[error.scheme], str(error))])
            return
        report.add_notes(record.notes)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome in ("registered", "updated", "closed"):
            self._remember(record, existing)
        if len(self.rows) >= BATCH:
            self.flush()

    def _keep_ukprn_if_free(self, record: gias.GiasRecord, existing: dict[str, Any] | None) -> None:
        """A UKPRN held by another institution (GIAS repeats some across a school's old
        and new URNs) is left out of this one, with a note, rather than refusing the row."""
        ukprn = record.details.get("ukprn")
        owner = self.known.reserved.get(("ukprn", ukprn)) if ukprn else None
        if owner is not None and (existing is None or owner != existing["institution_id"]):
            record.details["ukprn"] = existing["ukprn"] if existing else None
            message = f"UKPRN {ukprn} belongs to another institution: left out"
            record.notes.append(gias.RowIssue(record.row, gias.UKPRN_COLUMN, message))

    def _apply(self, record: gias.GiasRecord, existing: dict[str, Any] | None) -> str:
        details = record.details
        if existing is None:
            if record.closed:
                record.notes.append(gias.RowIssue(record.row, gias.STATUS, "closed: not registered"))
                return "skipped"
            code = local_authority_code(details["postcode"]) if details.get("postcode") else None
            institution = Institution.register(RegisterInstitution(**details, local_authority_code=code))
            self._register(institution)
        else:
            institution = Institution.from_state(existing)
            if institution.status == CLOSED:
                if not record.closed:
                    record.notes.append(
                        gias.RowIssue(record.row, gias.STATUS, "closed in Waymark: not reopened")
                    )
                return "unchanged"
            institution.update(_changes(details, existing))
            if record.closed:
                institution.close(record.closed_reason, record.closed_on or gias.today())
            if not institution.pending:
                return "unchanged"
            save_changes(self.conn, self.runtime, institution)
        record.details = institution.details | {"institution_id": institution.institution_id}
        return "registered" if existing is None else "closed" if record.closed else "updated"

    def _register(self, institution: Institution) -> None:
        events = to_new_events(institution.pending, institution.institution_id)
        self.runtime.store.append(stream_id(institution.institution_id), 0, events, connection=self.conn)
        institution.version, institution.pending = len(events), []
        self.rows.append(row(institution))
        self.identifiers.extend(
            {"scheme": scheme, "identifier": value, "institution_id": institution.institution_id}
            for scheme in IDENTIFIER_SCHEMES
            if (value := getattr(institution, scheme))
        )

    def _remember(self, record: gias.GiasRecord, existing: dict[str, Any] | None) -> None:
        known = self.known
        state = {**(existing or {}), **record.details}
        known.by_urn[record.urn] = state
        for scheme in IDENTIFIER_SCHEMES:
            if state.get(scheme):
                known.reserved[(scheme, state[scheme])] = state["institution_id"]
        if state.get("ukprn"):
            known.by_ukprn[state["ukprn"]] = state

    def flush(self) -> None:
        if self.identifiers:
            self.conn.execute(institution_identifiers.insert(), self.identifiers)
        if self.rows:
            self.conn.execute(institutions.insert(), self.rows)
        self.rows, self.identifiers = [], []


def _changes(details: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """GIAS's fields that differ from Waymark's (hub and the like are Waymark's own)."""
    changes = {name: details.get(name) for name in GIAS_FIELDS if details.get(name) != existing.get(name)}
    if "ukprn" in changes and changes["ukprn"] is None:
        del changes["ukprn"]  # GIAS leaving it blank does not take Waymark's away
    if "postcode" in changes:
        postcode = changes["postcode"]
        changes["local_authority_code"] = local_authority_code(postcode) if postcode else None
    return changes


def import_gias(
    stream: BinaryIO, runtime: ServiceRuntime, *, filename: str | None = None, actor: str | None = None
) -> ImportReport:
    report = ImportReport(str(uuid.uuid4()), filename, started_at=datetime.now(UTC))
    source = GiasFile(stream)
    missing = gias.missing_columns(source.header)
    if missing:
        raise GiasFileError(
            "This is not a GIAS establishment extract: it has no "
            + ", ".join(f"{name!r}" for name in missing)
            + " column. Download the extract from Get Information about Schools and upload it as it is."
        )
    with runtime.engine.begin() as conn:
        run = _Run(conn, runtime, report)
        try:
            for number, values in source.rows():
                report.rows += 1
                run.row(number, values)
        except csv.Error as error:
            raise GiasFileError(f"Row {report.rows + 2} cannot be read as CSV: {error}.") from error
        run.flush()
        report.sha256 = source.sha256
        report.finished_at = datetime.now(UTC)
        conn.execute(institution_imports.insert().values(**_record(report, actor)))
    return report


def _record(report: ImportReport, actor: str | None) -> dict[str, Any]:
    return {
        "import_id": report.import_id,
        "filename": (report.filename or "")[:255] or None,
        "sha256": report.sha256,
        "actor": actor,
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "rows": report.rows,
        "registered": report.registered,
        "updated": report.updated,
        "closed": report.closed,
        "unchanged": report.unchanged,
        "skipped": report.skipped,
        "error_count": report.error_count,
        "report": json.dumps({"errors": report.errors, "notes": report.notes}),
    }


def load_import(runtime: ServiceRuntime, import_id: str) -> ImportReport | None:
    with runtime.engine.connect() as conn:
        found = conn.execute(
            select(institution_imports).where(institution_imports.c.import_id == import_id)
        ).first()
    if found is None:
        return None
    values = dict(found._mapping)
    issues = json.loads(values.pop("report"))
    values.pop("actor")
    return ImportReport(**values, errors=issues["errors"], notes=issues["notes"])
