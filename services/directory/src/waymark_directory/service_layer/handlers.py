"""Directory's command handlers: each one transaction, events and reservations together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from waymark_directory.adapters import postcodes
from waymark_directory.adapters.tables import institution_identifiers, institutions
from waymark_directory.domain.commands import CloseInstitution, RegisterInstitution, UpdateInstitution
from waymark_directory.domain.events import InstitutionClosed, InstitutionRegistered, InstitutionUpdated
from waymark_directory.domain.institutions import Institution, InvalidInstitution, normalise_postcode
from waymark_shared.events.mapping import event_classes, to_domain, to_new_events
from waymark_shared.eventstore.store import ConcurrencyError
from waymark_shared.service import ServiceRuntime

EVENT_CLASSES = event_classes(InstitutionRegistered, InstitutionUpdated, InstitutionClosed)
IDENTIFIER_SCHEMES = ("urn", "ukprn")
ROW_FIELDS = (
    "institution_id",
    "name",
    "institution_type",
    "urn",
    "ukprn",
    "local_authority",
    "local_authority_code",
    "region",
    "careers_hub",
    "trust",
    "postcode",
    "low_age",
    "high_age",
    "website",
    "status",
    "closed_on",
    "closed_reason",
    "version",
)


class AlreadyRegistered(Exception):
    def __init__(self, scheme: str, identifier: str):
        super().__init__(f"An institution with {scheme.upper()} {identifier} is already registered.")
        self.scheme = scheme


class InstitutionNotFound(LookupError):
    def __init__(self, institution_id: str):
        super().__init__(f"There is no institution {institution_id}.")


def stream_id(institution_id: str) -> str:
    return f"institution-{institution_id}"


def register_institution(command: RegisterInstitution, runtime: ServiceRuntime) -> Institution:
    with _all_errors() as postcode_errors:
        if command.postcode:
            command = replace(command, local_authority_code=local_authority_code(command.postcode))
    with _all_errors(postcode_errors):
        institution = Institution.register(command)
    with runtime.engine.begin() as conn:
        save_new(conn, runtime, institution)
    return institution


def update_institution(command: UpdateInstitution, runtime: ServiceRuntime) -> Institution:
    """Record the fields that differ; no event (and no write) when nothing does."""
    institution = _for_change(command.institution_id, command.expected_version, runtime)
    changes = command.changes
    with _all_errors() as postcode_errors:
        changes = with_local_authority_code(changes)
    with _all_errors(postcode_errors):
        institution.update(changes)
    if institution.pending:
        with runtime.engine.begin() as conn:
            save_changes(conn, runtime, institution)
    return institution


def close_institution(command: CloseInstitution, runtime: ServiceRuntime) -> Institution:
    institution = _for_change(command.institution_id, command.expected_version, runtime)
    institution.close(command.reason, command.closed_on)
    with runtime.engine.begin() as conn:
        save_changes(conn, runtime, institution)
    return institution


@contextmanager
def _all_errors(earlier: dict[str, list[str]] | None = None) -> Iterator[dict[str, list[str]]]:
    """Collect an :class:`InvalidInstitution` from the block, and raise it with the
    ``earlier`` errors at the end, so a form shows every problem at once."""
    errors = dict(earlier or {})
    try:
        yield errors
    except InvalidInstitution as error:
        errors.update({k: v for k, v in error.errors.items() if k not in errors})
    if earlier is not None and errors:
        raise InvalidInstitution(errors)


def load_institution(institution_id: str, runtime: ServiceRuntime) -> Institution | None:
    history = runtime.store.read_stream(stream_id(institution_id))
    if not history:
        return None
    return Institution.from_history(institution_id, [to_domain(e, EVENT_CLASSES) for e in history])


def local_authority_code(postcode: str) -> str | None:
    """The postcode's local-authority code (``None`` if the ONS data does not know it);
    :class:`InvalidInstitution` when it is not a postcode at all."""
    try:
        location = postcodes.lookup(postcode)
    except postcodes.InvalidPostcode as error:
        raise InvalidInstitution({"postcode": [str(error)]}) from error
    return location.la_code if location else None


def with_local_authority_code(changes: dict[str, Any]) -> dict[str, Any]:
    """A changed postcode brings its local-authority code with it."""
    if "postcode" not in changes:
        return changes
    postcode = changes["postcode"]
    if not isinstance(postcode, str) or not postcode.strip():
        return {**changes, "local_authority_code": None}
    if normalise_postcode(postcode) is None:
        return changes  # the domain refuses it with its own message
    return {**changes, "local_authority_code": local_authority_code(postcode)}


def save_new(conn: Connection, runtime: ServiceRuntime, institution: Institution) -> None:
    """Reserve its identifiers, append its first events and add its row, on ``conn``."""
    _reserve(conn, institution, [(s, getattr(institution, s)) for s in IDENTIFIER_SCHEMES])
    events = to_new_events(institution.pending, institution.institution_id)
    runtime.store.append(stream_id(institution.institution_id), 0, events, connection=conn)
    institution.version, institution.pending = len(events), []
    conn.execute(institutions.insert().values(**row(institution)))


def save_changes(conn: Connection, runtime: ServiceRuntime, institution: Institution) -> None:
    """Append the pending events at the version it was loaded at, move its identifier
    reservations if they changed and update its row, on ``conn``."""
    changed_ids = [
        (scheme, value)
        for event in institution.pending
        if isinstance(event, InstitutionUpdated)
        for scheme, value in event.changes.items()
        if scheme in IDENTIFIER_SCHEMES
    ]
    for scheme, _ in changed_ids:
        conn.execute(
            delete(institution_identifiers).where(
                institution_identifiers.c.scheme == scheme,
                institution_identifiers.c.institution_id == institution.institution_id,
            )
        )
    _reserve(conn, institution, changed_ids)
    events = to_new_events(institution.pending, institution.institution_id)
    runtime.store.append(stream_id(institution.institution_id), institution.version, events, connection=conn)
    institution.version, institution.pending = institution.version + len(events), []
    values = row(institution)
    conn.execute(
        update(institutions)
        .where(institutions.c.institution_id == values.pop("institution_id"))
        .values(**values)
    )


def row(institution: Institution) -> dict[str, object]:
    return {name: getattr(institution, name) for name in ROW_FIELDS}


def _for_change(institution_id: str, expected_version: int | None, runtime: ServiceRuntime) -> Institution:
    institution = load_institution(institution_id, runtime)
    if institution is None:
        raise InstitutionNotFound(institution_id)
    if expected_version is not None and expected_version != institution.version:
        raise ConcurrencyError(stream_id(institution_id), expected_version, institution.version)
    return institution


def _reserve(conn: Connection, institution: Institution, identifiers: list[tuple[str, Any]]) -> None:
    reservations = [(scheme, value) for scheme, value in identifiers if value]
    for scheme, identifier in reservations:
        if _reserved(conn, scheme, identifier):
            raise AlreadyRegistered(scheme, identifier)
    if not reservations:
        return
    try:
        conn.execute(
            institution_identifiers.insert(),
            [
                {"scheme": s, "identifier": v, "institution_id": institution.institution_id}
                for s, v in reservations
            ],
        )
    except IntegrityError as error:
        raise AlreadyRegistered(*reservations[0]) from error


def _reserved(conn: Connection, scheme: str, identifier: str) -> bool:
    table = institution_identifiers
    query = select(table.c.institution_id).where(table.c.scheme == scheme, table.c.identifier == identifier)
    return conn.execute(query).first() is not None
