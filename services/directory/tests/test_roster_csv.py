"""Reading and validating MIS roster exports (pure domain; no database)."""

from datetime import date

import pytest

from waymark_directory.domain.roster_csv import (
    TEMPLATE_HEADERS,
    cohort_for,
    decode_csv,
    expected_birth_range,
    parse_roster,
    template_csv,
)
from waymark_directory.domain.upn import make_upn

TODAY = date(2026, 12, 1)  # academic year 2026/27
UPN1, UPN2, UPN3 = make_upn("383900126001"), make_upn("383900126002"), make_upn("383900126003")
HEADER = ",".join(TEMPLATE_HEADERS)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_roster(text, TODAY)


def test_a_template_shaped_file_parses():
    text = f"{HEADER}\n{UPN1},Smith,Olivia,,Liv,14/03/2013,Year 9,9R,K,Y,\n"
    parsed = parse(text)
    assert parsed.errors == [] and parsed.file_errors == []
    (row,) = parsed.rows
    assert (row.row, row.upn, row.legal_surname, row.preferred_forename) == (2, UPN1, "Smith", "Liv")
    assert (row.date_of_birth, row.year_group, row.form_group) == (date(2013, 3, 14), 9, "9R")
    assert (row.sen_status, row.disadvantaged, row.leaving_date) == ("K", True, None)


def test_header_variants_are_matched_case_insensitively_and_extra_columns_ignored():
    text = f"upn;SURNAME;Forename;DOB;Year;Reg;Gender;FSM\n{UPN1};Smith;Olivia;2013-03-14;9;9R;F;N\n"
    parsed = parse(text)
    assert parsed.errors == [] and parsed.ignored_columns == ["Gender"]
    assert parsed.rows[0].form_group == "9R" and parsed.rows[0].sen_status == "N"


def test_missing_required_columns_are_a_file_error():
    parsed = parse("UPN,Surname,Year\n")
    assert parsed.file_errors == ["Missing required column(s): Legal Forename, Date of Birth."]


def test_two_columns_for_one_field_are_a_file_error():
    parsed = parse("UPN,Surname,Legal Surname,Forename,DOB,Year\n")
    assert "both look like Legal Surname" in parsed.file_errors[0]


def test_an_empty_file_is_a_file_error():
    assert parse("").file_errors and parse("\n\n").file_errors


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ({"upn": "A123"}, "UPN", "13 characters"),
        ({"upn": "A801200005001"}, "UPN", "check letter"),
        ({"surname": ""}, "Legal Surname", "Enter the legal surname"),
        ({"forename": ""}, "Legal Forename", "Enter the legal forename"),
        ({"forename": "x" * 101}, "Legal Forename", "at most 100"),
        ({"dob": ""}, "Date of Birth", "Enter the date of birth"),
        ({"dob": "31/02/2013"}, "Date of Birth", "must be a date"),
        ({"dob": "01/01/2030"}, "Date of Birth", "in the past"),
        ({"dob": "14/03/2006"}, "Date of Birth", "does not fit Year 9"),
        ({"year": "6"}, "Year Group", "7 to 14"),
        ({"year": "15"}, "Year Group", "7 to 14"),
        ({"year": "Reception"}, "Year Group", "7 to 14"),
        ({"year": ""}, "Year Group", "Enter the year group"),
        ({"sen": "X"}, "SEN Status", "N (none), K"),
        ({"fsm": "maybe"}, "Disadvantaged", "Y or N"),
        ({"left": "yesterday"}, "Leaving Date", "must be a date"),
        ({"left": "01/09/2027"}, "Leaving Date", "in the future"),
        ({"left": "01/01/2012"}, "Leaving Date", "after the date of birth"),
        ({"form": "F" * 21}, "Form Group", "at most 20"),
    ],
)
def test_row_errors_name_row_and_column_and_never_echo_the_value(cells, column, fragment):
    values = {"upn": UPN1, "surname": "Smith", "forename": "Olivia", "dob": "14/03/2013", "year": "9",
              "form": "9R", "sen": "N", "fsm": "N", "left": ""} | cells  # fmt: skip
    row = ",".join(values[k] for k in ("upn", "surname", "forename"))
    row += f",,,{values['dob']},{values['year']},{values['form']},{values['sen']},{values['fsm']},{values['left']}"
    good = f"{UPN2},Jones,Noah,,,02/02/2013,9,9A,N,N,"
    parsed = parse(f"{HEADER}\n{good}\n{row}\n")
    assert [r.upn for r in parsed.rows] == [UPN2]
    (error,) = parsed.errors
    assert (error.row, error.column) == (3, column)
    assert fragment in error.message
    if len(error.value) > 2:
        assert error.value not in error.message


def test_duplicate_upns_within_the_file_invalidate_every_copy():
    rows = [f"{UPN1},Smith,Olivia,,,14/03/2013,9,,,,", f"{UPN2},Jones,Noah,,,02/02/2013,9,,,,",
            f"{UPN1.lower()},Smyth,Olivia,,,14/03/2013,9,,,,"]  # fmt: skip
    parsed = parse("\n".join([HEADER, *rows]))
    assert [r.upn for r in parsed.rows] == [UPN2]
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "UPN"), (4, "UPN")]
    assert "row 4" in parsed.errors[0].message and "row 2" in parsed.errors[1].message
    assert parsed.invalid_rows == 2 and parsed.invalid_upns == {UPN1}


def test_blank_rows_are_skipped_and_rows_numbered_as_in_a_spreadsheet():
    text = f"{HEADER}\n\n,,,,\n{UPN1},Smith,Olivia,,,14/03/2013,9,,,,bad\n"
    parsed = parse(text)
    assert parsed.total_rows == 1 and parsed.errors[0].row == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Y10", 10), ("Year 10", 10), ("yr10", 10), ("10", 10), ("07", 7), ("NC 12", 12)],
)
def test_year_group_spellings(text, expected):
    born = expected_birth_range(expected, TODAY)[0].strftime("%d/%m/%Y")
    parsed = parse(f"UPN,Surname,Forename,DOB,Year\n{UPN1},Smith,Olivia,{born},{text}\n")
    assert parsed.errors == []
    assert parsed.rows[0].year_group == expected


@pytest.mark.parametrize(("text", "value"), [("SEN support", "K"), ("EHC Plan", "E"), ("e", "E"), ("", "N")])
def test_sen_status_spellings(text, value):
    parsed = parse(f"UPN,Surname,Forename,DOB,Year,SEN\n{UPN1},Smith,Olivia,14/03/2013,9,{text}\n")
    assert parsed.rows[0].sen_status == value


def test_dates_in_several_formats():
    for text in ("2013-03-14", "14/03/2013", "14-03-2013", "14.03.2013"):
        parsed = parse(f"UPN,Surname,Forename,DOB,Year\n{UPN1},Smith,Olivia,{text},9\n")
        assert parsed.rows[0].date_of_birth == date(2013, 3, 14)


def test_windows_1252_and_utf8_bom_exports_decode():
    assert decode_csv("Zoë".encode("cp1252")) == "Zoë"
    assert decode_csv(b"\xef\xbb\xbfUPN") == "UPN"


def test_cohort_is_the_academic_year_in_year_11():
    assert cohort_for(11, TODAY) == "2026/27"
    assert cohort_for(7, TODAY) == "2030/31"
    assert cohort_for(13, TODAY) == "2024/25"
    # A learner moving up a year in September keeps their cohort.
    assert cohort_for(8, date(2027, 9, 6)) == cohort_for(7, TODAY)
    assert cohort_for(9, date(2099, 12, 31)) == "2101/02"


def test_birth_range_for_a_year_group():
    assert expected_birth_range(7, TODAY) == (date(2014, 9, 1), date(2015, 8, 31))


def test_template_has_the_documented_headers_only():
    assert template_csv().strip() == HEADER
    assert parse(template_csv()).file_errors == []


def test_an_unreadable_csv_is_a_file_error_without_its_content():
    parsed = parse(f'{HEADER}\n{UPN1},"Smith' + "x" * 200_000 + '",Olivia,,,14/03/2013,9,,,,\n')
    assert parsed.rows == [] and "not a readable CSV" in parsed.file_errors[0]
    assert "xxxx" not in parsed.file_errors[0]


def test_too_many_rows_is_a_file_error():
    from waymark_directory.domain import roster_csv

    rows = "\n".join(f"{UPN1},Smith,Olivia,,,14/03/2013,9,,,," for _ in range(roster_csv.MAX_ROWS + 1))
    parsed = parse(f"{HEADER}\n{rows}\n")
    assert parsed.file_errors == [f"The file has more than {roster_csv.MAX_ROWS:,} learner rows."]
