"""Reading DfE's "Get Information about Schools" (GIAS) establishment extract.

The extract (``edubasealldata<date>.csv``) has one row per establishment and about 130
columns; a coded value comes as a ``(code)`` and a ``(name)`` column, e.g.
``TypeOfEstablishment (name)``. This module turns one row into the details Waymark
keeps, or says why it cannot (errors, by column) or will not (notes: not in scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from waymark_directory.domain.institutions import (
    MAX_AGE,
    MIN_AGE,
    REGIONS,
    UKPRN,
    URN,
    normalise_details,
)

URN_COLUMN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
PHASE = "PhaseOfEducation (name)"
STATUS = "EstablishmentStatus (name)"
LA_NAME = "LA (name)"
POSTCODE = "Postcode"
LOW_AGE = "StatutoryLowAge"
HIGH_AGE = "StatutoryHighAge"
WEBSITE = "SchoolWebsite"
TRUST = "Trusts (name)"
UKPRN_COLUMN = "UKPRN"
REGION = "GOR (name)"
CLOSE_DATE = "CloseDate"
CLOSE_REASON = "ReasonEstablishmentClosed (name)"
REQUIRED_COLUMNS = (URN_COLUMN, NAME, TYPE)
COLUMN_OF = {
    "urn": URN_COLUMN,
    "ukprn": UKPRN_COLUMN,
    "name": NAME,
    "institution_type": TYPE,
    "local_authority": LA_NAME,
    "region": REGION,
    "trust": TRUST,
    "postcode": POSTCODE,
    "low_age": LOW_AGE,
    "high_age": HIGH_AGE,
    "website": WEBSITE,
}

MAINSTREAM = frozenset(
    {
        "Community school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Foundation school",
        "Academy sponsor led",
        "Academy converter",
        "Free schools",
        "City technology college",
        "University technical college",
        "Studio schools",
    }
)
SIXTEEN_TO_NINETEEN = frozenset(
    {
        "Sixth form centres",
        "Academy 16-19 converter",
        "Academy 16 to 19 sponsor led",
        "Free schools 16 to 19",
    }
)
SPECIAL = frozenset(
    {
        "Community special school",
        "Foundation special school",
        "Academy special converter",
        "Academy special sponsor led",
        "Free schools special",
        "Non-maintained special school",
        "Special post 16 institution",
        # Older extracts' names:
        "Academy special",
    }
)
ALTERNATIVE_PROVISION = frozenset(
    {
        "Pupil referral unit",
        "Academy alternative provision converter",
        "Academy alternative provision sponsor led",
        "Free schools alternative provision",
    }
)
FURTHER_EDUCATION = frozenset({"Further education"})
PRIMARY_PHASES = frozenset({"Nursery", "Primary", "Middle deemed primary"})
SECONDARY_PHASES = frozenset({"Secondary", "Middle deemed secondary", "All-through", "16 plus"})
CLOSED_STATUSES = frozenset({"Closed"})
NOT_YET_OPEN = frozenset({"Proposed to open"})


@dataclass(frozen=True)
class RowIssue:
    """Something about one row: its number in the file (the header is row 1), the
    column it is about (empty for the whole row) and a message for people."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class GiasRecord:
    """One establishment as Waymark keeps it, from one row."""

    row: int
    urn: str
    details: dict[str, Any]
    closed: bool = False
    closed_on: str | None = None
    closed_reason: str = "Closed in Get Information about Schools"
    notes: list[RowIssue] = field(default_factory=list)


@dataclass
class RowResult:
    record: GiasRecord | None = None
    errors: list[RowIssue] = field(default_factory=list)
    notes: list[RowIssue] = field(default_factory=list)


def missing_columns(header: list[str] | None) -> list[str]:
    present = {name.strip() for name in header or []}
    return [name for name in REQUIRED_COLUMNS if name not in present]


def _folded(names: frozenset[str]) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


# Extracts differ in capitals ("Academy sponsor led", "Academy Sponsor Led").
MAINSTREAM, SIXTEEN_TO_NINETEEN, SPECIAL = _folded(MAINSTREAM), _folded(SIXTEEN_TO_NINETEEN), _folded(SPECIAL)
ALTERNATIVE_PROVISION, FURTHER_EDUCATION = _folded(ALTERNATIVE_PROVISION), _folded(FURTHER_EDUCATION)
PRIMARY_PHASES, SECONDARY_PHASES = _folded(PRIMARY_PHASES), _folded(SECONDARY_PHASES)
CLOSED_STATUSES, NOT_YET_OPEN = _folded(CLOSED_STATUSES), _folded(NOT_YET_OPEN)
BY_TYPE = (
    (SPECIAL, "special_school"),
    (ALTERNATIVE_PROVISION, "alternative_provision"),
    (FURTHER_EDUCATION, "fe_college"),
    (SIXTEEN_TO_NINETEEN, "sixth_form_college"),
)


def institution_type(type_name: str, phase: str, high_age: int | None) -> str | None:
    """Waymark's type for a GIAS type and phase, ``None`` when it is not in scope."""
    type_name, phase = type_name.casefold(), phase.casefold()
    for names, kind in BY_TYPE:
        if type_name in names:
            return kind
    if type_name not in MAINSTREAM:
        return None
    if phase == "16 plus":
        return "sixth_form_college"
    if phase in SECONDARY_PHASES or (phase not in PRIMARY_PHASES and (high_age or 0) > 11):
        return "mainstream_secondary"
    return None


def read_row(number: int, row: dict[str, Any]) -> RowResult:
    """What row ``number`` says, with errors by column (the row is then skipped) and
    notes (why it was skipped, or what was adjusted)."""
    get = lambda column: (row.get(column) or "").strip()  # noqa: E731
    result = RowResult()
    urn = get(URN_COLUMN)
    if not URN.match(urn):
        result.errors.append(RowIssue(number, URN_COLUMN, "A URN is 6 digits, for example 100000."))
        return result
    ages = {}
    for name, column in (("low_age", LOW_AGE), ("high_age", HIGH_AGE)):
        ages[name], message = _age(get(column))
        if message:
            (result.errors if ages[name] is None else result.notes).append(RowIssue(number, column, message))
    type_name, phase, status = get(TYPE), get(PHASE), get(STATUS).casefold()
    kind = institution_type(type_name, phase, ages["high_age"])
    if kind is None:
        scope = "primary" if phase.casefold() in PRIMARY_PHASES else (type_name or "no establishment type")
        result.notes = [RowIssue(number, TYPE if scope != "primary" else PHASE, f"not in scope: {scope}")]
        result.errors = []
        return result
    if status in NOT_YET_OPEN:
        result.notes = [RowIssue(number, STATUS, "not imported yet: proposed to open")]
        result.errors = []
        return result
    region = get(REGION)
    ukprn = get(UKPRN_COLUMN)
    if ukprn and not UKPRN.match(ukprn):
        result.notes.append(
            RowIssue(number, UKPRN_COLUMN, "not a UKPRN (8 digits starting with 1): left out")
        )
        ukprn = ""
    raw = {
        "name": get(NAME),
        "institution_type": kind,
        "urn": urn,
        "ukprn": ukprn,
        "local_authority": get(LA_NAME),
        "region": region if region in REGIONS else None,
        "trust": get(TRUST),
        "postcode": get(POSTCODE),
        "website": get(WEBSITE),
    }
    details, errors = normalise_details(raw)
    details.update(ages)
    for name, messages in errors.items():
        result.errors.extend(RowIssue(number, COLUMN_OF[name], m) for m in messages)
    low, high = ages["low_age"], ages["high_age"]
    if low is not None and high is not None and low > high:
        result.errors.append(RowIssue(number, HIGH_AGE, "The highest age is below the lowest age."))
    if result.errors:
        return result
    record = GiasRecord(number, urn, details, notes=result.notes)
    if status in CLOSED_STATUSES:
        record.closed = True
        record.closed_on = _date(get(CLOSE_DATE))
        record.closed_reason = get(CLOSE_REASON) or record.closed_reason
    result.record = record
    return result


def _age(text: str) -> tuple[int | None, str | None]:
    """The age, and a message: an error when the age is missing from the answer,
    a note when it was brought into Waymark's range."""
    if not text:
        return None, None
    try:
        age = int(text)
    except ValueError:
        return None, f"Enter an age in whole years, not {text[:10]!r}."
    if age < 0 or age > 99:
        return None, f"{age} is not an age for a school or college."
    if age < MIN_AGE:
        return MIN_AGE, f"{age} is under {MIN_AGE}: recorded as {MIN_AGE}"
    if age > MAX_AGE:
        return MAX_AGE, f"{age} is over {MAX_AGE}: recorded as {MAX_AGE}"
    return age, None


def _date(text: str) -> str | None:
    """GIAS writes dates as ``31-08-2024`` (ISO accepted too); ``None`` if unreadable."""
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def today() -> str:
    return date.today().isoformat()
