"""Institutions: schools, colleges and training providers, identified by URN or UKPRN."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.events import InstitutionRegistered

INSTITUTION_TYPES = (
    "mainstream_secondary",
    "special_school",
    "alternative_provision",
    "fe_college",
    "sixth_form_college",
    "independent_training_provider",
)
URN = re.compile(r"^\d{6}$")
UKPRN = re.compile(r"^1\d{7}$")


class InvalidInstitution(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def identifier_errors(urn: str | None, ukprn: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not urn and not ukprn:
        errors["urn"] = ["Give the URN (6 digits) or the UKPRN (8 digits starting with 1)."]
    if urn and not URN.match(urn):
        errors["urn"] = ["A URN is 6 digits, for example 100000."]
    if ukprn and not UKPRN.match(ukprn):
        errors["ukprn"] = ["A UKPRN is 8 digits starting with 1, for example 10012345."]
    return errors


@dataclass
class Institution:
    institution_id: str
    name: str = ""
    institution_type: str = ""
    urn: str | None = None
    ukprn: str | None = None
    local_authority: str | None = None
    region: str | None = None
    postcode: str | None = None
    version: int = 0
    pending: list[object] = field(default_factory=list)

    @classmethod
    def register(cls, command: RegisterInstitution) -> Institution:
        errors = identifier_errors(command.urn, command.ukprn)
        if command.institution_type not in INSTITUTION_TYPES:
            errors["institution_type"] = [f"Choose one of: {', '.join(INSTITUTION_TYPES)}."]
        if errors:
            raise InvalidInstitution(errors)
        institution = cls(institution_id=str(uuid.uuid4()))
        institution._record(InstitutionRegistered(institution.institution_id, **vars(command)))
        return institution

    @classmethod
    def from_history(cls, institution_id: str, history: list[object]) -> Institution:
        institution = cls(institution_id)
        for event in history:
            institution._apply(event)
            institution.version += 1
        return institution

    def _record(self, event: object) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: object) -> None:
        if isinstance(event, InstitutionRegistered):
            for name, value in vars(event).items():
                setattr(self, name, value)
