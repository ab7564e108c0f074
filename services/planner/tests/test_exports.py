"""The Word and Excel exports, opened again the way a reader's software would: headings,
tables and the picture through python-docx, sheets, filters, charts and dates through
openpyxl, and each file rendered to PDF by LibreOffice where it is installed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from waymark_planner.exports.docx import log_document, plan_document
from waymark_planner.exports.files import CONTENT_TYPES, download_name
from waymark_planner.exports.model import MEANINGFUL_CHECKLIST, ExportActivity, ExportFeedback, PlanExport
from waymark_planner.exports.samples import BENCHMARK_TITLES, sample_plan
from waymark_planner.exports.xlsx import log_workbook, plan_workbook

OBJECTIVE = "Every pupil in Years 7 to 11 has a meaningful employer encounter"
ODD_TITLE = 'Careers & <jobs> "fair"\x0b'  # XML's special characters and one XML cannot hold


def activity(title: str, **fields: object) -> ExportActivity:
    defaults: dict[str, object] = {
        "title": title,
        "activity_type_label": "Employer talk",
        "benchmarks": (5,),
        "criteria": ("5.1",),
        "year_groups": (9,),
        "term_label": "Autumn term",
        "date": date(2026, 10, 5),
        "provider": "Harbour Engineering Ltd",
        "delivery_label": "In person",
        "provider_access_encounter": False,
        "meaningful_labels": (),
        "owner": "Careers leader",
        "status": "planned",
        "delivered_on": None,
        "participants": 0,
        "average_rating": None,
        "feedback_count": 0,
        "objectives": (OBJECTIVE,),
    }
    return ExportActivity(**{**defaults, **fields})  # type: ignore[arg-type]


def handful() -> PlanExport:
    delivered = activity(
        "Talk from Harbour Engineering",
        year_groups=(9, 10),
        status="delivered",
        delivered_on=date(2026, 10, 6),
        participants=180,
        participants_by_year_group={9: 100, 10: 80},
        meaningful_labels=tuple(item for item in MEANINGFUL_CHECKLIST if item != "A task set"),
        average_rating=4.2,
        feedback_count=31,
        feedback=(ExportFeedback("Learners", 4.2, 28), ExportFeedback("Staff", 4.0, 3)),
        outcomes=((OBJECTIVE, "Partly met"),),
        evaluation_summary="Year 10 asked for a workplace visit next.",
    )
    return PlanExport(
        institution_name="Oakwood Academy",
        academic_year="2026/27",
        generated_at=datetime(2026, 12, 1, 12, 35, tzinfo=UTC),
        objectives=(OBJECTIVE, "All Year 11 pupils have a guidance interview"),
        activities=(
            activity(
                "Summer options evening",
                activity_type_label="Parent and carer event",
                benchmarks=(1, 2),
                criteria=(),
                term_label="Summer term",
                date=None,
                provider=None,
            ),
            delivered,
            activity(
                "Guidance interviews",
                activity_type_label="Personal guidance meeting",
                benchmarks=(8,),
                criteria=("8.1",),
                year_groups=(11,),
                term_label="Spring term",
                date=date(2027, 1, 12),
            ),
            activity(
                "Apprenticeship assembly",
                activity_type_label="Provider encounter",
                benchmarks=(7,),
                criteria=("7.2",),
                year_groups=(8, 9),
                term_label="Spring term",
                date=date(2027, 2, 3),
                provider_access_encounter=True,
            ),
            activity("Cancelled visit", benchmarks=(6,), status="cancelled", year_groups=(10,)),
            activity(ODD_TITLE, date=date(2026, 11, 20)),
        ),  # fmt: skip
        benchmark_titles=dict(BENCHMARK_TITLES),
        evaluation_summary="Based on the evaluation completed 20 November 2026: 3 of 8 benchmarks achieved",
    )


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def headings(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(document, first_header: str, second_header: str):
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[:2] == [first_header, second_header]:
            yield table


# -- Word -----------------------------------------------------------------------------


def test_the_plan_document_is_a4_with_word_headings_for_the_navigation_pane():
    document = open_docx(plan_document(handful()))

    assert headings(document, "Title") == ["Careers plan 2026/27"]
    assert headings(document, "Heading 1") == [
        "Objectives", "Summary", "Activities by benchmark and year group", "Activities by term",
    ]  # fmt: skip
    assert headings(document, "Heading 2") == [
        "The chart's figures", "Autumn term (3 activities)", "Spring term (2 activities)",
        "Summer term (1 activity)",
    ]  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Oakwood Academy" in text
    assert "1 September 2026 to 31 August 2027" in text
    assert "Generated by Waymark on 1 December 2026 at 12:35" in text  # UK time: GMT in December
    assert "3 of 8 benchmarks achieved" in text
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"][0] == OBJECTIVE
    first, tables = document.sections[0], document.sections[-1]
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(tables.page_width.cm, 1), round(tables.page_height.cm, 1)) == (29.7, 21.0)
    assert document.core_properties.title == "Careers plan 2026/27"


def test_the_plan_document_embeds_the_chart_with_alt_text_and_its_figures_as_a_table():
    document = open_docx(plan_document(handful()))

    assert len(document.inline_shapes) == 1
    shape = document.inline_shapes[0]
    assert shape.width == Cm(17)
    assert "by benchmark" in shape._inline.docPr.get("descr")
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = document.part.related_parts[blip]
    assert image.content_type == "image/png"
    assert image.blob.startswith(b"\x89PNG")
    [figures] = find_table(document, "Benchmark", "Year 8")
    rows = table_texts(figures)
    assert rows[0] == ["Benchmark", "Year 8", "Year 9", "Year 10", "Year 11", "Activities"]
    assert [r[0] for r in rows[1:]] == [f"{n}. {t}" for n, t in BENCHMARK_TITLES.items()]
    # Benchmark 5: the delivered talk (Years 9 and 10) and the odd-titled one (Year 9); the
    # cancelled visit (benchmark 6) is left out.
    assert rows[5] == ["5. Encounters with employers and employees", "0", "2", "1", "0", "2"]
    assert rows[6][1:] == ["0", "0", "0", "0", "0"]
    assert rows[7][1:] == ["1", "1", "0", "0", "1"]


def test_the_plan_document_lists_the_activities_by_term_with_repeated_header_rows():
    document = open_docx(plan_document(handful()))

    [summary] = find_table(document, "Measure", "Number")
    assert dict(table_texts(summary)[1:]) | {} == {
        "Activities in the plan": "6",
        "Planned (not yet delivered)": "4",
        "Delivered": "1",
        "Cancelled": "1",
        "Provider access encounters (planned or delivered)": "1",
        "Provider access encounters delivered": "0",
        "Participants in delivered activities": "180",
        "Delivered activities meeting the whole meaningful checklist": "0",
        "Average feedback rating": "4.2 out of 5",
    }
    autumn, spring, summer = find_table(document, "Date", "Activity")
    header = [c.text for c in autumn.rows[0].cells]
    assert header == ["Date", "Activity", "Type", "Benchmarks (criteria)", "Year groups", "Provider",
                      "Delivery", "Provider access", "Owner", "Status"]  # fmt: skip
    for table in (autumn, spring, summer):
        assert (
            table.rows[0]._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
            )
            is not None
        )
    assert [r[:2] for r in table_texts(autumn)[1:]] == [
        ["5 Oct 2026", "Cancelled visit"],
        ["6 Oct 2026", "Talk from Harbour Engineering"],
        ["20 Nov 2026", 'Careers & <jobs> "fair"'],
    ]
    assert table_texts(autumn)[1][-1] == "Cancelled"
    assert table_texts(autumn)[2][3:5] == ["5 (5.1)", "9, 10"]
    assert table_texts(spring)[2][7] == "Yes"
    assert table_texts(summer)[1] == ["Not set", "Summer options evening", "Parent and carer event", "1, 2",
                                      "9", "", "In person", "No", "Careers leader", "Planned"]  # fmt: skip


def test_the_log_document_shows_what_was_delivered_with_participation_and_evaluation():
    document = open_docx(log_document(handful()))

    assert headings(document, "Title") == ["Careers activity log 2026/27"]
    assert "Delivered activities" in headings(document, "Heading 1")
    assert "Evaluation" in headings(document, "Heading 1")
    assert len(document.inline_shapes) == 1
    [delivered] = find_table(document, "Delivered", "Activity")
    assert table_texts(delivered) == [
        ["Delivered", "Activity", "Type", "Benchmarks (criteria)", "Year groups", "Participants",
         "Average rating", "Meaningful checklist met", "Provider access"],
        ["6 Oct 2026", "Talk from Harbour Engineering", "Employer talk", "5 (5.1)", "9, 10", "180",
         "4.2 (31 responses)", "5 of 6; not: A task set", "No"],
    ]  # fmt: skip
    [by_year] = find_table(document, "Year group", "Delivered activities")
    assert table_texts(by_year)[1:] == [["Year 9", "1", "100"], ["Year 10", "1", "80"]]
    [evaluation] = find_table(document, "Activity", "Delivered")
    assert table_texts(evaluation)[1] == [
        "Talk from Harbour Engineering", "6 Oct 2026", "Learners: 4.2 (28)\nStaff: 4.0 (3)",
        f"{OBJECTIVE}: Partly met", "Year 10 asked for a workplace visit next.",
    ]  # fmt: skip
    everything = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Guidance interviews" not in everything  # planned, not delivered
    assert "Cancelled visit" not in everything


def test_an_empty_plan_still_exports_and_says_so():
    empty = replace(handful(), activities=(), objectives=())
    document = open_docx(plan_document(empty))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The plan has no activities yet." in text
    assert "No objectives have been set for this plan." in text
    assert "No activity has been delivered yet." in "\n".join(
        p.text for p in open_docx(log_document(empty)).paragraphs
    )
    workbook = load_workbook(io.BytesIO(plan_workbook(empty)))
    assert workbook["Activities"].auto_filter.ref == "A1:S1"
    assert load_workbook(io.BytesIO(log_workbook(empty)))["Delivered"].max_row == 1


# -- Excel ----------------------------------------------------------------------------


def test_the_plan_workbook_has_a_filtered_sheet_per_view_with_real_dates():
    workbook = load_workbook(io.BytesIO(plan_workbook(handful())))

    assert workbook.sheetnames == ["Summary", "Activities", "By benchmark", "By year group", "By term"]
    summary = workbook["Summary"]
    assert summary["A1"].value == "Careers plan 2026/27"
    assert summary["B2"].value == "Oakwood Academy"
    assert summary["B4"].value == datetime(2026, 12, 1, 12, 35)
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Delivered"] == 1
    assert values["Participants in delivered activities"] == 180
    assert values["Average feedback rating"] == 4.2
    activities = workbook["Activities"]
    header = [c.value for c in activities[1]]
    assert header[:8] == [
        "Activity",
        "Type",
        "Benchmarks",
        "Criteria",
        "Year groups",
        "Subjects",
        "Term",
        "Date",
    ]
    assert activities.freeze_panes == "A2"
    assert activities.auto_filter.ref == "A1:S7"
    rows = {row[0].value: row for row in activities.iter_rows(min_row=2)}
    talk = rows["Talk from Harbour Engineering"]
    assert talk[header.index("Date")].value == datetime(2026, 10, 5)
    assert talk[header.index("Date")].is_date
    assert "mmm" in talk[header.index("Date")].number_format
    assert talk[header.index("Delivered on")].value == datetime(2026, 10, 6)
    assert talk[header.index("Participants")].value == 180
    assert talk[header.index("Average rating")].value == 4.2
    assert talk[header.index("Meaningful checklist met")].value == 5
    assert rows['Careers & <jobs> "fair"'][header.index("Status")].value == "Planned"
    for name in ("By benchmark", "By year group", "By term"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"


def test_the_plan_workbook_draws_native_bar_charts_per_benchmark_and_year_group():
    workbook = load_workbook(io.BytesIO(plan_workbook(handful())))

    by_benchmark = workbook["By benchmark"]
    assert [c.value for c in by_benchmark[1]] == [
        "Benchmark", "Planned", "Delivered", "Cancelled", "Provider access encounters", "Participants",
    ]  # fmt: skip
    assert [c.value for c in by_benchmark[6]] == [
        "5. Encounters with employers and employees",
        1,
        1,
        0,
        0,
        180,
    ]
    [chart] = by_benchmark._charts
    assert isinstance(chart, BarChart)
    assert len(chart.series) == 2
    by_year = workbook["By year group"]
    assert [c.value for c in by_year[1]][:4] == ["Year group", "Planned", "Delivered", "Participants"]
    assert [c.value for c in by_year[3]][:4] == ["Year 9", 3, 1, 100]  # options evening, assembly, odd
    assert len(by_year._charts) == 1
    by_term = workbook["By term"]
    assert [c.value for c in by_term["A"]] == ["Term", "Autumn term", "Spring term", "Summer term"]


def test_the_log_workbook_has_delivered_participation_and_evaluation_sheets():
    workbook = load_workbook(io.BytesIO(log_workbook(handful())))

    assert workbook.sheetnames == ["Summary", "Delivered", "Participation", "Evaluation"]
    assert len(workbook["Summary"]._charts) == 2
    delivered = workbook["Delivered"]
    header = [c.value for c in delivered[1]]
    assert header[0] == "Delivered on"
    assert set(MEANINGFUL_CHECKLIST) <= set(header)
    assert delivered.max_row == 2
    row = [c.value for c in delivered[2]]
    assert row[0] == datetime(2026, 10, 6)
    assert row[header.index("A task set")] == "No"
    assert row[header.index("Two-way interaction")] == "Yes"
    assert delivered.auto_filter.ref == f"A1:{delivered.cell(1, len(header)).column_letter}2"
    participation = workbook["Participation"]
    assert [[c.value for c in r] for r in participation.iter_rows(min_row=2)] == [
        [datetime(2026, 10, 6), "Talk from Harbour Engineering", 9, 100],
        [datetime(2026, 10, 6), "Talk from Harbour Engineering", 10, 80],
    ]
    evaluation = workbook["Evaluation"]
    header = [c.value for c in evaluation[1]]
    assert header == ["Delivered on", "Activity", "Average rating", "Responses", "Learners rating",
                      "Learners responses", "Staff rating", "Staff responses", "Outcomes", "Summary"]  # fmt: skip
    assert [c.value for c in evaluation[2]][2:] == [
        4.2, 31, 4.2, 28, 4.0, 3, f"{OBJECTIVE}: Partly met", "Year 10 asked for a workplace visit next.",
    ]  # fmt: skip
    assert evaluation.freeze_panes == "A2"


# -- size and rendering ---------------------------------------------------------------


def test_a_plan_of_500_activities_exports_every_activity():
    model = sample_plan(500)
    delivered = sum(1 for a in model.activities if a.status == "delivered")
    document = open_docx(plan_document(model))
    term_rows = sum(len(t.rows) - 1 for t in find_table(document, "Date", "Activity"))
    assert term_rows == 500
    log = open_docx(log_document(model))
    assert sum(len(t.rows) - 1 for t in find_table(log, "Delivered", "Activity")) == delivered
    assert load_workbook(io.BytesIO(plan_workbook(model)))["Activities"].max_row == 501
    assert load_workbook(io.BytesIO(log_workbook(model)))["Delivered"].max_row == delivered + 1


@pytest.mark.slow
def test_libreoffice_renders_each_export_to_pages(tmp_path: Path):
    # make test installs LibreOffice (scripts/ensure-system-packages): its absence is a failure.
    assert shutil.which("libreoffice"), "LibreOffice is missing: run scripts/ensure-system-packages"
    model = sample_plan(30)
    files = {
        "plan.docx": plan_document(model),
        "log.docx": log_document(model),
        "plan-sheets.xlsx": plan_workbook(model),
        "log-sheets.xlsx": log_workbook(model),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    profile = (tmp_path / "profile").as_uri()  # its own profile: another LibreOffice may be running
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *files],
        cwd=tmp_path, check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    for name in files:
        pdf = tmp_path / f"{name.rsplit('.', 1)[0]}.pdf"
        assert pdf.exists(), f"{name} was not rendered"
        assert pdf_pages(pdf) >= (3 if name.endswith(".docx") else 2), name


def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_downloads_are_named_after_the_plan_in_plain_ascii():
    model = replace(handful(), institution_name="St Mary's C of E (Aided) School")
    assert download_name(model, "plan", "docx") == "careers-plan-2026-27-st-mary-s-c-of-e-aided-school.docx"
    assert (
        download_name(model, "log", "xlsx")
        == "careers-activity-log-2026-27-st-mary-s-c-of-e-aided-school.xlsx"
    )
    assert CONTENT_TYPES["xlsx"].endswith("spreadsheetml.sheet")


def test_characters_xml_cannot_hold_are_dropped_not_fatal():
    model = replace(
        handful(),
        institution_name="Oakwood\x01 Academy",
        objectives=("Employer encounters\x0c for all",),
        evaluation_summary="3 of 8\x1f achieved",
    )
    document = open_docx(plan_document(model))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Oakwood Academy" in text
    assert "Employer encounters for all" in text
    assert "3 of 8 achieved" in text
    assert open_docx(log_document(model)).core_properties.subject == "Oakwood Academy"
    workbook = load_workbook(io.BytesIO(plan_workbook(model)))
    assert workbook["Summary"]["B2"].value == "Oakwood Academy"
    assert load_workbook(io.BytesIO(log_workbook(model)))["Summary"]["B2"].value == "Oakwood Academy"
