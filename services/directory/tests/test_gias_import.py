"""Importing a GIAS establishment extract: mapping, row report, idempotent re-import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from waymark_directory import views
from waymark_directory.adapters.gias_csv import GiasFile
from waymark_directory.adapters.institution_tables import institution_imports
from waymark_directory.domain import gias
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer.gias_import import GiasFileError, import_gias, load_import
from waymark_directory.service_layer.handlers import register_institution

SAMPLE = Path(__file__).parent / "fixtures" / "gias_sample.csv"


def _sample() -> bytes:
    return SAMPLE.read_bytes()


def _edited(edit) -> bytes:  # type: ignore[no-untyped-def]
    """The sample with ``edit(rows)`` applied, written back as Windows-1252."""
    rows = list(csv.DictReader(io.StringIO(_sample().decode("cp1252"))))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")


def _by_urn(runtime) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {row["urn"]: row for row in views.list_institutions(runtime)}


def test_the_sample_is_windows_1252_like_the_real_extract():
    data = _sample()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    names = [row[gias.NAME] for _, row in GiasFile(io.BytesIO(data)).rows()]
    assert "Brontë Park Academy" in names
    assert "St Mary’s Catholic High School" in names  # 0x92 in Windows-1252, not Latin-1


def test_utf8_with_a_byte_order_mark_reads_the_same():
    data = "\ufeff".encode() + _sample().decode("cp1252").encode("utf-8")
    source = GiasFile(io.BytesIO(data))
    assert source.header[0] == "URN"
    assert "Café Quarter Sixth Form Centre" in [row[gias.NAME] for _, row in source.rows()]


def test_an_import_registers_what_is_in_scope_and_reports_every_row_it_skips(runtime):
    report = import_gias(io.BytesIO(_sample()), runtime, filename="edubasealldata.csv", actor="admin-1")

    assert (report.rows, report.registered, report.updated, report.closed, report.skipped) == (12, 7, 0, 0, 5)
    assert report.error_count == 3
    assert {(e["row"], e["column"]) for e in report.errors} == {
        (10, "URN"),
        (11, "StatutoryLowAge"),
        (11, "SchoolWebsite"),
    }
    notes = {(n["row"], n["message"]) for n in report.notes}
    assert (8, "not in scope: primary") in notes
    assert (9, "closed: not registered") in notes
    assert (13, "not in scope: Online provider") in notes
    assert (4, "2 is under 4: recorded as 4") in notes

    schools = _by_urn(runtime)
    assert set(schools) == {"990101", "990102", "990103", "990104", "990105", "990106", "990111"}
    assert {u: s["institution_type"] for u, s in schools.items()} == {
        "990101": "mainstream_secondary",
        "990102": "mainstream_secondary",
        "990103": "special_school",
        "990104": "alternative_provision",
        "990105": "fe_college",
        "990106": "sixth_form_college",
        "990111": "mainstream_secondary",
    }
    bronte = schools["990101"]
    assert bronte["name"] == "Brontë Park Academy"
    assert (bronte["trust"], bronte["ukprn"], bronte["region"]) == (
        "Aire Valley Learning Trust",
        "10090101",
        "Yorkshire and the Humber",
    )
    assert (bronte["postcode"], bronte["local_authority"], bronte["local_authority_code"]) == (
        "LS9 8AB",
        "Leeds",
        "E08000035",
    )
    assert bronte["website"] == "https://www.bronte-park.sch.uk"
    assert (schools["990103"]["low_age"], schools["990105"]["high_age"]) == (4, 25)
    assert runtime.store.count_after() == 7


def test_importing_the_same_file_again_changes_nothing(runtime):
    import_gias(io.BytesIO(_sample()), runtime)
    before = runtime.store.count_after()

    again = import_gias(io.BytesIO(_sample()), runtime)

    assert runtime.store.count_after() == before
    assert (again.registered, again.updated, again.closed, again.unchanged) == (0, 0, 0, 7)
    with runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(institution_imports)).scalar_one() == 2


def test_changed_rows_become_updates_and_closures(runtime):
    import_gias(io.BytesIO(_sample()), runtime)
    hub = register_institution(
        RegisterInstitution("Hub-only College", "fe_college", ukprn="10090999"), runtime
    )

    def edit(rows):  # type: ignore[no-untyped-def]
        rows[0][gias.TRUST] = "Leeds Learning Partnership"
        rows[1][gias.POSTCODE] = "M13 9PL"
        rows[2].update({gias.STATUS: "Closed", gias.CLOSE_DATE: "31-08-2025", gias.CLOSE_REASON: "Closure"})
        rows.append(
            {
                **rows[4],
                gias.URN_COLUMN: "990199",
                gias.NAME: "Hub-only College",
                gias.UKPRN_COLUMN: "10090999",
            }
        )

    report = import_gias(io.BytesIO(_edited(edit)), runtime)

    assert (report.registered, report.updated, report.closed) == (0, 3, 1)
    schools = _by_urn(runtime)
    assert schools["990101"]["trust"] == "Leeds Learning Partnership"
    assert schools["990102"]["local_authority_code"] == "E08000003"
    assert (schools["990103"]["status"], schools["990103"]["closed_on"]) == ("closed", "2025-08-31")
    assert schools["990199"]["institution_id"] == hub.institution_id  # the UKPRN-only record gained its URN
    updates = [e for e in runtime.store.read_all() if e.name == "InstitutionUpdated"]
    assert {"trust": "Leeds Learning Partnership"} in [e.data["changes"] for e in updates]
    assert import_gias(io.BytesIO(_edited(edit)), runtime).updated == 0


def test_a_ukprn_already_held_elsewhere_is_left_out_with_a_note(runtime):
    register_institution(RegisterInstitution("Other", "fe_college", urn="990777", ukprn="10090101"), runtime)

    report = import_gias(io.BytesIO(_sample()), runtime)

    assert _by_urn(runtime)["990101"]["ukprn"] is None
    assert any(n["column"] == "UKPRN" and n["row"] == 2 for n in report.notes)


def test_duplicate_urns_in_one_file_are_reported(runtime):
    report = import_gias(io.BytesIO(_edited(lambda rows: rows.append(dict(rows[0])))), runtime)
    assert {"row": 14, "column": "URN", "message": "URN 990101 is also on row 2."} in report.errors


def test_a_file_that_is_not_an_extract_is_refused_and_writes_nothing(runtime):
    with pytest.raises(GiasFileError, match="EstablishmentName"):
        import_gias(io.BytesIO(b"URN,Name\r\n100000,School\r\n"), runtime)
    assert runtime.store.count_after() == 0


def test_a_failure_part_way_writes_nothing(runtime):
    def edit(rows):  # type: ignore[no-untyped-def]
        rows.append({**rows[0], gias.URN_COLUMN: "990150", gias.NAME: 'Broken "quote'})

    data = _edited(edit) + b'990151,"unterminated\x00\r\n'
    with pytest.raises(GiasFileError):
        import_gias(io.BytesIO(data), runtime)
    assert runtime.store.count_after() == 0
    assert views.list_institutions(runtime) == []


def test_the_import_record_keeps_the_report(runtime):
    report = import_gias(io.BytesIO(_sample()), runtime, filename="edubase.csv", actor="admin-1")

    stored = load_import(runtime, report.import_id)

    assert (stored.filename, stored.rows, stored.error_count, stored.sha256) == (
        "edubase.csv",
        12,
        3,
        report.sha256,
    )
    assert stored.errors == json.loads(json.dumps(report.errors))


@pytest.mark.parametrize(
    ("type_name", "phase", "expected"),
    [
        ("Academy sponsor led", "Secondary", "mainstream_secondary"),
        ("Academy Sponsor Led", "All-through", "mainstream_secondary"),
        ("Foundation school", "Middle deemed secondary", "mainstream_secondary"),
        ("Voluntary aided school", "Primary", None),
        ("Academy converter", "16 plus", "sixth_form_college"),
        ("Non-maintained special school", "Not applicable", "special_school"),
        ("Academy alternative provision converter", "Not applicable", "alternative_provision"),
        ("Further education", "16 plus", "fe_college"),
        ("Sixth form centres", "16 plus", "sixth_form_college"),
        ("Other independent school", "Secondary", None),
        ("Higher education institutions", "Not applicable", None),
    ],
)
def test_gias_types_map_to_ours(type_name, phase, expected):
    assert gias.institution_type(type_name, phase, 16) == expected


def test_a_windows_file_whose_first_accent_comes_late_still_reads_right():
    header, first = _sample().split(b"\r\n")[:2]
    filler = b"\r\n".join([first.replace(b"\xeb", b"e")] * 400)  # > 64 KB of ASCII rows
    late = first.replace(b"990101", b"990199")
    source = GiasFile(io.BytesIO(header + b"\r\n" + filler + b"\r\n" + late + b"\r\n"))
    names = [row[gias.NAME] for _, row in source.rows()]
    assert source.encoding == "utf-8-sig"
    assert names[-1] == "Brontë Park Academy"
    assert GiasFile(io.BytesIO(_sample())).encoding == "cp1252"
