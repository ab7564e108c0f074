"""Directory's command handlers: each one transaction, events and reservations together."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from waymark_directory.adapters.tables import institution_identifiers, institutions
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.events import InstitutionRegistered
from waymark_directory.domain.institutions import Institution
from waymark_shared.events.mapping import event_classes, to_domain, to_new_events
from waymark_shared.service import ServiceRuntime

EVENT_CLASSES = event_classes(InstitutionRegistered)


class AlreadyRegistered(Exception):
    def __init__(self, scheme: str, identifier: str):
        super().__init__(f"An institution with {scheme.upper()} {identifier} is already registered.")
        self.scheme = scheme


def stream_id(institution_id: str) -> str:
    return f"institution-{institution_id}"


def register_institution(command: RegisterInstitution, runtime: ServiceRuntime) -> Institution:
    institution = Institution.register(command)
    reservations = [(s, v) for s, v in (("urn", command.urn), ("ukprn", command.ukprn)) if v]
    with runtime.engine.begin() as conn:
        for scheme, identifier in reservations:
            if _reserved(conn, scheme, identifier):
                raise AlreadyRegistered(scheme, identifier)
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
        events = to_new_events(institution.pending, institution.institution_id)
        runtime.store.append(stream_id(institution.institution_id), 0, events, connection=conn)
        conn.execute(institutions.insert().values(**_row(institution)))
    return institution


def load_institution(institution_id: str, runtime: ServiceRuntime) -> Institution | None:
    history = runtime.store.read_stream(stream_id(institution_id))
    if not history:
        return None
    return Institution.from_history(institution_id, [to_domain(e, EVENT_CLASSES) for e in history])


def _reserved(conn, scheme: str, identifier: str) -> bool:  # type: ignore[no-untyped-def]
    table = institution_identifiers
    query = select(table.c.institution_id).where(table.c.scheme == scheme, table.c.identifier == identifier)
    return conn.execute(query).first() is not None


def _row(institution: Institution) -> dict[str, object]:
    fields = (
        "institution_id",
        "name",
        "institution_type",
        "urn",
        "ukprn",
        "local_authority",
        "region",
        "postcode",
    )
    return {name: getattr(institution, name) for name in fields}
