"""Reading a learner roster CSV exported from a school MIS, and validating every row.

Headers are matched case-insensitively, ignoring spaces and punctuation, against the
names below and their common variants (SIMS, Arbor and Bromcom exports differ). Rows
are numbered as a spreadsheet shows them: the header is row 1, the first learner row 2.

Errors say which row and column and what is wrong; they never contain the cell's value
in their message (they end up in logs and in the import history). ``RowError.value``
holds the value for the authorised user's response only.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from waymark_directory.domain.upn import normalise_upn, upn_error

SEN_STATUSES = {"N": "No special educational need", "K": "SEN support", "E": "EHC plan"}
MAX_ROWS = 20_000
MAX_NAME = 100
MAX_FORM_GROUP = 20


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as in the template
    required: bool
    aliases: tuple[str, ...]
    help: str


COLUMNS = (
    Column("upn", "UPN", True, ("upn", "uniquepupilnumber", "pupilupn"), "13 characters, e.g. A123456789012"),
    Column(
        "legal_surname",
        "Legal Surname",
        True,
        ("legalsurname", "surname", "lastname", "familyname", "legallastname"),
        "as on the MIS",
    ),
    Column(
        "legal_forename",
        "Legal Forename",
        True,
        ("legalforename", "forename", "forenames", "firstname", "givenname", "legalfirstname"),
        "as on the MIS",
    ),
    Column(
        "preferred_surname",
        "Preferred Surname",
        False,
        ("preferredsurname", "preferredlastname", "knownassurname"),
        "blank: the legal surname",
    ),
    Column(
        "preferred_forename",
        "Preferred Forename",
        False,
        ("preferredforename", "preferredfirstname", "preferredname", "knownas", "chosenname"),
        "blank: the legal forename",
    ),
    Column(
        "date_of_birth",
        "Date of Birth",
        True,
        ("dateofbirth", "dob", "birthdate"),
        "DD/MM/YYYY or YYYY-MM-DD",
    ),
    Column(
        "year_group",
        "Year Group",
        True,
        ("yeargroup", "year", "ncyear", "ncyeargroup", "curriculumyear", "nationalcurriculumyear", "yr"),
        '7 to 14 ("Year 9" and "Y9" are read too)',
    ),
    Column(
        "form_group",
        "Form Group",
        False,
        ("formgroup", "form", "reg", "reggroup", "registrationgroup", "tutorgroup", "formclass"),
        "e.g. 9R; up to 20 characters",
    ),
    Column(
        "sen_status",
        "SEN Status",
        False,
        ("senstatus", "sen", "senprovision", "send", "sendstatus"),
        "N (none), K (SEN support) or E (EHC plan); blank: N",
    ),
    Column(
        "disadvantaged",
        "Disadvantaged",
        False,
        ("disadvantaged", "fsm", "fsmeligible", "fsm6", "everfsm6", "pupilpremium", "disadvantagedfsm"),
        "Y or N (also Yes/No, True/False, 1/0); blank: N",
    ),
    Column(
        "leaving_date",
        "Leaving Date",
        False,
        ("leavingdate", "dateofleaving", "leavedate", "leftdate", "dateleft", "enddate"),
        "blank while on roll; not in the future",
    ),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
TEMPLATE_HEADERS = tuple(column.header for column in COLUMNS)
_ALIASES = {alias: column.field for column in COLUMNS for alias in column.aliases}
_YEAR = re.compile(r"^(?:year|yr|y|nc)?\s*0?(\d{1,2})$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f", ""}
_SEN = {
    "n": "N", "none": "N", "": "N", "no": "N",
    "k": "K", "sensupport": "K", "support": "K",
    "e": "E", "ehcplan": "E", "ehcp": "E", "ehc": "E", "s": "E", "statement": "E",
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a template header, or "" for the row as a whole
    message: str
    value: str = field(default="", compare=False)


@dataclass(frozen=True)
class RosterRow:
    """One valid learner row, parsed."""

    row: int
    upn: str
    legal_surname: str
    legal_forename: str
    preferred_surname: str
    preferred_forename: str
    date_of_birth: date
    year_group: int
    form_group: str | None
    sen_status: str
    disadvantaged: bool
    leaving_date: date | None


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    total_rows: int = 0
    invalid_upns: set[str] = field(default_factory=set)  # as written on rows with errors

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors})


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(TEMPLATE_HEADERS)
    return out.getvalue()


def parse_roster(text: str, today: date) -> ParsedRoster:
    """Every row of ``text`` parsed and validated against the roster as of ``today``."""
    parsed = ParsedRoster()
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        _parse(reader, _RowValidator(today), parsed)
    except csv.Error as error:
        # The csv module's messages describe the problem, never a cell's content.
        parsed.file_errors.append(f"The file is not a readable CSV (line {reader.line_num}: {error}).")
    return parsed


def _parse(reader: Any, validator: _RowValidator, parsed: ParsedRoster) -> None:
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        parsed.file_errors.append("The file is empty: the first row must name the columns.")
        return
    mapping = _map_headers(header, parsed)
    if parsed.file_errors:
        return
    _read_rows(reader, mapping, validator, parsed)
    if not parsed.file_errors:
        _refuse_duplicates(parsed)


def _read_rows(reader: Any, mapping: dict[int, str], validator: _RowValidator, parsed: ParsedRoster) -> None:
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        parsed.total_rows += 1
        if parsed.total_rows > MAX_ROWS:
            parsed.file_errors.append(f"The file has more than {MAX_ROWS:,} learner rows.")
            return
        values = {name: cells[i].strip() if i < len(cells) else "" for i, name in mapping.items()}
        row, errors = validator.validate(number, values)
        parsed.errors.extend(errors)
        if row is not None:
            parsed.rows.append(row)
        else:
            parsed.invalid_upns.add(normalise_upn(values["upn"]))


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return type("RosterDialect", (csv.excel,), {"delimiter": delimiter})


def _map_headers(header: list[str], parsed: ParsedRoster) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, text in enumerate(header):
        name = _ALIASES.get(header_key(text))
        if name is None:
            if text.strip():
                parsed.ignored_columns.append(text.strip()[:60])
            continue
        if name in seen:
            label = COLUMN_BY_FIELD[name].header
            parsed.file_errors.append(
                f"Columns '{seen[name]}' and '{text.strip()}' both look like {label}: keep one."
            )
            continue
        seen[name] = text.strip()
        mapping[index] = name
    missing = [c.header for c in COLUMNS if c.required and c.field not in seen]
    if missing:
        parsed.file_errors.append(f"Missing required column(s): {', '.join(missing)}.")
    return mapping


def _refuse_duplicates(parsed: ParsedRoster) -> None:
    rows_by_upn: dict[str, list[RosterRow]] = defaultdict(list)
    for row in parsed.rows:
        rows_by_upn[row.upn].append(row)
    duplicates = {id(r) for rows in rows_by_upn.values() if len(rows) > 1 for r in rows}
    if not duplicates:
        return
    for rows in rows_by_upn.values():
        if len(rows) > 1:
            numbers = [r.row for r in rows]
            parsed.invalid_upns.add(rows[0].upn)
            for row in rows:
                others = ", ".join(str(n) for n in numbers if n != row.row)
                message = f"The same UPN is on row {others}: each learner once."
                parsed.errors.append(RowError(row.row, "UPN", message, row.upn))
    parsed.rows = [row for row in parsed.rows if id(row) not in duplicates]
    parsed.errors.sort(key=lambda error: error.row)


def academic_year_start(day: date) -> int:
    """The calendar year in which ``day``'s academic year (1 September on) began."""
    return day.year if day.month >= 9 else day.year - 1


def cohort_for(year_group: int, today: date) -> str:
    """The academic year in which the learner is (was, or will be) in Year 11, e.g.
    ``"2027/28"``: fixed as a learner moves up a year group each September."""
    start = academic_year_start(today) + 11 - year_group
    return f"{start}/{(start + 1) % 100:02d}"


def expected_birth_range(year_group: int, today: date) -> tuple[date, date]:
    """Born in this range, a learner is in ``year_group`` this academic year."""
    first = academic_year_start(today) - year_group - 5
    return date(first, 9, 1), date(first + 1, 8, 31)


def parse_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class _RowValidator:
    def __init__(self, today: date):
        self.today = today

    def validate(self, number: int, values: dict[str, str]) -> tuple[RosterRow | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(name: str, message: str) -> None:
            errors.append(RowError(number, COLUMN_BY_FIELD[name].header, message, values.get(name, "")))

        upn = normalise_upn(values["upn"])
        if (problem := upn_error(upn)) is not None:
            fail("upn", problem)
        names = {}
        for name in ("legal_surname", "legal_forename", "preferred_surname", "preferred_forename"):
            text = " ".join(values.get(name, "").split())
            if COLUMN_BY_FIELD[name].required and not text:
                fail(name, f"Enter the {COLUMN_BY_FIELD[name].header.lower()}.")
            elif len(text) > MAX_NAME:
                fail(name, f"Names are at most {MAX_NAME} characters.")
            names[name] = text
        year_group = self._year_group(values["year_group"], fail)
        born = self._date_of_birth(values["date_of_birth"], year_group, fail)
        left = self._leaving_date(values.get("leaving_date", ""), born, fail)
        form_group = " ".join(values.get("form_group", "").split()) or None
        if form_group and len(form_group) > MAX_FORM_GROUP:
            fail("form_group", f"A form group is at most {MAX_FORM_GROUP} characters.")
        sen_status = _SEN.get(header_key(values.get("sen_status", "")))
        if sen_status is None:
            fail("sen_status", "Use N (none), K (SEN support) or E (EHC plan).")
        disadvantaged = self._flag(values.get("disadvantaged", ""), fail)
        if errors or year_group is None or born is None or sen_status is None or disadvantaged is None:
            return None, errors
        row = RosterRow(
            number,
            upn,
            names["legal_surname"],
            names["legal_forename"],
            names["preferred_surname"],
            names["preferred_forename"],
            born,
            year_group,
            form_group,
            sen_status,
            disadvantaged,
            left,
        )
        return row, errors

    @staticmethod
    def _year_group(text: str, fail) -> int | None:  # type: ignore[no-untyped-def]
        match = _YEAR.match(text.strip())
        if not text.strip():
            fail("year_group", "Enter the year group (7 to 14).")
            return None
        if not match or not 7 <= int(match.group(1)) <= 14:
            fail("year_group", "The year group must be a number from 7 to 14.")
            return None
        return int(match.group(1))

    def _date_of_birth(self, text: str, year_group: int | None, fail) -> date | None:  # type: ignore[no-untyped-def]
        if not text:
            fail("date_of_birth", "Enter the date of birth.")
            return None
        born = parse_date(text)
        if born is None:
            fail("date_of_birth", "The date of birth must be a date, e.g. 21/07/2012.")
            return None
        if born >= self.today:
            fail("date_of_birth", "The date of birth must be in the past.")
            return None
        if year_group is not None:
            first, last = expected_birth_range(year_group, self.today)
            # A year either side for learners taught out of their age group; FE and
            # sixth-form learners (Year 12 on) can be older, up to 25 with an EHC plan.
            earliest = date(first.year - (8 if year_group >= 12 else 2), 9, 1)
            latest = date(last.year + 1, 8, 31)
            if not earliest <= born <= latest:
                fail(
                    "date_of_birth",
                    f"The date of birth does not fit Year {year_group}: learners in it this year "
                    f"were born {first:%d/%m/%Y} to {last:%d/%m/%Y}.",
                )
                return None
        return born

    def _leaving_date(self, text: str, born: date | None, fail) -> date | None:  # type: ignore[no-untyped-def]
        if not text:
            return None
        left = parse_date(text)
        if left is None:
            fail("leaving_date", "The leaving date must be a date, e.g. 21/07/2027.")
        elif left > self.today:
            fail(
                "leaving_date",
                "The leaving date is in the future: leave it blank until the learner has left.",
            )
        elif born is not None and left <= born:
            fail("leaving_date", "The leaving date must be after the date of birth.")
        return left

    @staticmethod
    def _flag(text: str, fail) -> bool | None:  # type: ignore[no-untyped-def]
        key = text.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        fail("disadvantaged", "Use Y or N.")
        return None
