"""Institutions: schools, colleges and training providers, identified by URN or UKPRN.

An institution is registered, updated (only the fields that change are recorded) and
closed; a closed institution takes no more changes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.domain.events import InstitutionClosed, InstitutionRegistered, InstitutionUpdated

INSTITUTION_TYPES = (
    "mainstream_secondary",
    "special_school",
    "alternative_provision",
    "fe_college",
    "sixth_form_college",
    "independent_training_provider",
)
INSTITUTION_TYPE_NAMES = {
    "mainstream_secondary": "Mainstream secondary school",
    "special_school": "Special school",
    "alternative_provision": "Alternative provision or pupil referral unit",
    "fe_college": "Further education college",
    "sixth_form_college": "Sixth-form college",
    "independent_training_provider": "Independent training provider",
}
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)
OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)
MIN_AGE, MAX_AGE = 4, 25
URN = re.compile(r"^\d{6}$")
UKPRN = re.compile(r"^1\d{7}$")
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}$")
LA_CODE = re.compile(r"^[EWSN]\d{8}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$")
# Fields a caller may change with UpdateInstitution (status changes only by closing).
DETAILS = (
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
)
TEXT_LIMITS = {"name": 200, "local_authority": 100, "careers_hub": 200, "trust": 200, "website": 300}


class InvalidInstitution(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class InstitutionClosedError(Exception):
    """A closed institution takes no changes."""

    def __init__(self, institution_id: str, closed_on: str | None):
        super().__init__(f"The institution closed on {closed_on}; a closed institution cannot be changed.")
        self.institution_id = institution_id


def identifier_errors(urn: str | None, ukprn: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not urn and not ukprn:
        errors["urn"] = ["Give the URN (6 digits) or the UKPRN (8 digits starting with 1)."]
    if urn and not URN.match(urn):
        errors["urn"] = ["A URN is 6 digits, for example 100000."]
    if ukprn and not UKPRN.match(ukprn):
        errors["ukprn"] = ["A UKPRN is 8 digits starting with 1, for example 10012345."]
    return errors


def normalise_postcode(text: str) -> str | None:
    """``"ls98ab "`` → ``"LS9 8AB"``; ``None`` unless it is shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", text).upper()
    if not POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_website(text: str) -> str | None:
    """An http(s) address with a real-looking host; ``www.school.org.uk`` gains
    ``https://``. ``None`` when it is not a web address."""
    text = text.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        text = f"https://{text}"
    if any(c.isspace() for c in text) or len(text) > TEXT_LIMITS["website"]:
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    if not HOST.match(host) or (port is not None and not 0 < port < 65536):
        return None
    return text


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def normalise_details(details: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Each given detail normalised, and the messages for those that are not valid."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, raw in details.items():
        value = _blank_to_none(raw)
        message = None
        if name in TEXT_LIMITS and name != "website" and value is not None and len(value) > TEXT_LIMITS[name]:
            message = f"Use {TEXT_LIMITS[name]} characters or fewer."
        elif name == "postcode" and value is not None:
            value = normalise_postcode(value)
            message = None if value else "Enter a real postcode, for example LS9 8AB."
        elif name == "website" and value is not None:
            value = normalise_website(value)
            message = None if value else "Enter a web address, for example https://www.example.sch.uk."
        elif name == "region" and value is not None and value not in REGIONS:
            message = f"Choose one of the English regions: {', '.join(REGIONS)}."
        elif name == "institution_type" and value not in INSTITUTION_TYPES:
            message = f"Choose one of: {', '.join(INSTITUTION_TYPES)}."
        elif name == "local_authority_code" and value is not None and not LA_CODE.match(value):
            message = "A local-authority code is a letter and 8 digits, for example E08000035."
        elif name in ("low_age", "high_age") and value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or not MIN_AGE <= value <= MAX_AGE:
                message = f"Enter an age from {MIN_AGE} to {MAX_AGE}."
        elif name == "name" and value is None:
            message = "Enter the institution's name."
        if message:
            errors[name] = [message]
        values[name] = value
    return values, errors


def _whole_errors(state: dict[str, Any]) -> dict[str, list[str]]:
    """Rules across fields, on the institution as it would be."""
    errors = identifier_errors(state.get("urn"), state.get("ukprn"))
    low, high = state.get("low_age"), state.get("high_age")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        errors["high_age"] = ["The highest age must be the same as or more than the lowest age."]
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
    local_authority_code: str | None = None
    careers_hub: str | None = None
    trust: str | None = None
    low_age: int | None = None
    high_age: int | None = None
    website: str | None = None
    status: str = OPEN
    closed_on: str | None = None
    closed_reason: str | None = None
    version: int = 0
    pending: list[object] = field(default_factory=list)

    @classmethod
    def register(cls, command: RegisterInstitution) -> Institution:
        values, errors = normalise_details(vars(command))
        for name, messages in _whole_errors(values).items():
            errors.setdefault(name, messages)
        if errors:
            raise InvalidInstitution(errors)
        institution = cls(institution_id=str(uuid.uuid4()))
        institution._record(InstitutionRegistered(institution.institution_id, **values))
        return institution

    @classmethod
    def from_history(cls, institution_id: str, history: list[object]) -> Institution:
        institution = cls(institution_id)
        for event in history:
            institution._apply(event)
            institution.version += 1
        return institution

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Institution:
        """Rebuilt from a stored snapshot of its state (e.g. directory's own table)."""
        known = {f.name for f in fields(cls)} - {"pending"}
        return cls(**{k: v for k, v in state.items() if k in known})

    @property
    def details(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DETAILS}

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Record the changes that differ from now; the changed fields (may be empty)."""
        self._refuse_if_closed()
        unknown = sorted(set(changes) - set(DETAILS))
        if unknown:
            raise InvalidInstitution({name: ["This field cannot be changed."] for name in unknown})
        values, errors = normalise_details(changes)
        for name, messages in _whole_errors({**self.details, **values}).items():
            errors.setdefault(name, messages)
        if errors:
            raise InvalidInstitution(errors)
        changed = {k: v for k, v in values.items() if getattr(self, k) != v}
        if changed:
            self._record(InstitutionUpdated(self.institution_id, changed))
        return changed

    def close(self, reason: str, closed_on: str) -> None:
        self._refuse_if_closed()
        errors: dict[str, list[str]] = {}
        reason = (reason or "").strip()
        if not reason or len(reason) > 500:
            errors["reason"] = ["Say why the institution closed, in 500 characters or fewer."]
        try:
            closed_on = date.fromisoformat(closed_on).isoformat()
        except (TypeError, ValueError):
            errors["closed_on"] = ["Enter the date it closed, for example 2026-08-31."]
        if errors:
            raise InvalidInstitution(errors)
        self._record(InstitutionClosed(self.institution_id, reason, closed_on))

    def _refuse_if_closed(self) -> None:
        if self.status == CLOSED:
            raise InstitutionClosedError(self.institution_id, self.closed_on)

    def _record(self, event: object) -> None:
        self._apply(event)
        self.pending.append(event)

    def _apply(self, event: object) -> None:
        if isinstance(event, InstitutionRegistered):
            for name, value in vars(event).items():
                setattr(self, name, value)
        elif isinstance(event, InstitutionUpdated):
            for name, value in event.changes.items():
                setattr(self, name, value)
        elif isinstance(event, InstitutionClosed):
            self.status, self.closed_on, self.closed_reason = CLOSED, event.closed_on, event.reason


def with_local_authority_code(command: RegisterInstitution, code: str | None) -> RegisterInstitution:
    return replace(command, local_authority_code=code)
