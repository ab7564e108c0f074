"""Excel exports: the annual careers plan and its activity log, a sheet per view.

Every data sheet is one table: header in row 1, frozen, with a filter; dates are real
dates. The charts are Excel's own (openpyxl ``BarChart``), drawn from the sheet's
figures, so they follow any edit someone makes to them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from waymark_planner.exports import tallies, xlsx_log
from waymark_planner.exports.model import ExportActivity, PlanExport
from waymark_planner.exports.xlsx_sheets import (
    HEADER_FONT,
    RATING_FORMAT,
    bar_chart,
    clean,
    heading_block,
    print_setup,
    write_table,
)

PLAN_SHEETS = ("Summary", "Activities", "By benchmark", "By year group", "By term")
LOG_SHEETS = ("Summary", "Delivered", "Participation", "Evaluation")
ACTIVITY_HEADERS = (
    "Activity", "Type", "Benchmarks", "Criteria", "Year groups", "Subjects", "Term", "Date", "Provider",
    "Delivery", "Provider access encounter", "Meaningful checklist met", "Owner", "Status",
    "Delivered on", "Participants", "Average rating", "Feedback responses", "Objectives",
)  # fmt: skip
LONG_TEXT = ("Activity", "Objectives")


def plan_workbook(model: PlanExport) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = PLAN_SHEETS[0]
    _summary(
        summary,
        model,
        f"Careers plan {model.academic_year}",
        tallies.summary(model).rows(rating_as_number=True),
    )
    _activities(workbook.create_sheet(PLAN_SHEETS[1]), model)
    live = tallies.live_activities(model)
    _by_benchmark(workbook.create_sheet(PLAN_SHEETS[2]), model)
    _by_year_group(workbook.create_sheet(PLAN_SHEETS[3]), model, live)
    _by_term(workbook.create_sheet(PLAN_SHEETS[4]), model)
    return _bytes(workbook, model, "Careers plan")


def log_workbook(model: PlanExport) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = LOG_SHEETS[0]
    delivered = tallies.delivered_activities(model)
    title = f"Careers activity log {model.academic_year}"
    next_row = _summary(summary, model, title, tallies.summary(model).log_rows(rating_as_number=True))
    xlsx_log.summary_charts(summary, model, delivered, next_row)
    xlsx_log.delivered_sheet(workbook.create_sheet(LOG_SHEETS[1]), model, delivered)
    xlsx_log.participation_sheet(workbook.create_sheet(LOG_SHEETS[2]), delivered)
    xlsx_log.evaluation_sheet(workbook.create_sheet(LOG_SHEETS[3]), delivered)
    return _bytes(workbook, model, "Careers activity log")


# -- plan sheets ------------------------------------------------------------------------


def _summary(ws: Worksheet, model: PlanExport, title: str, rows: Sequence[tuple[str, object]]) -> int:
    lines: list[tuple[str, object]] = [
        ("Institution", model.institution_name),
        ("Academic year", model.academic_year),
        ("Generated", tallies.local_time(model.generated_at)),
    ]
    if model.evaluation_summary:
        lines.append(("Evaluation", model.evaluation_summary))
    row = heading_block(ws, title, lines)
    ws.cell(row=row, column=1, value="Objectives").font = HEADER_FONT
    for number, objective in enumerate(model.objectives, start=1):
        ws.cell(row=row + number, column=1, value=f"{number}. {clean(objective)}")
    row += len(model.objectives) + 2
    ws.cell(row=row, column=1, value="Measure").font = HEADER_FONT
    ws.cell(row=row, column=2, value="Number").font = HEADER_FONT
    for offset, (label, value) in enumerate(rows, start=1):
        ws.cell(row=row + offset, column=1, value=label)
        cell = ws.cell(row=row + offset, column=2, value=value)
        if isinstance(value, float):
            cell.number_format = RATING_FORMAT
    ws.column_dimensions["A"].width = 58
    ws.column_dimensions["B"].width = 40
    print_setup(ws, landscape=False)
    return row + len(rows) + 2


def _activities(ws: Worksheet, model: PlanExport) -> None:
    checklist = model.meaningful_checklist
    rows = [
        (
            a.title,
            a.activity_type_label,
            ", ".join(str(b) for b in a.benchmarks),
            ", ".join(a.criteria),
            tallies.year_groups_text(a.year_groups),
            ", ".join(a.subject_labels),
            a.term_label,
            a.date,
            a.provider,
            a.delivery_label,
            tallies.yes_no(a.provider_access_encounter),
            sum(1 for item in checklist if item in a.meaningful_labels),
            a.owner,
            tallies.status_label(a.status),
            a.delivered_on,
            a.participants if a.status == "delivered" else None,
            a.average_rating,
            a.feedback_count or None,
            "\n".join(a.objectives),
        )
        for a in tallies.by_term_flat(model.activities)
    ]
    write_table(
        ws,
        ACTIVITY_HEADERS,
        rows,
        formats={"Average rating": RATING_FORMAT},
        widths={"Activity": 40, "Objectives": 50, "Date": 12, "Delivered on": 12},
        wrap=LONG_TEXT,
    )


def _by_benchmark(ws: Worksheet, model: PlanExport) -> None:
    benchmarks = tallies.benchmark_numbers(model)
    headers = ("Benchmark", "Planned", "Delivered", "Cancelled", "Provider access encounters",
               "Participants")  # fmt: skip
    rows = []
    for number in benchmarks:
        mine = [a for a in model.activities if number in a.benchmarks]
        rows.append(
            (
                tallies.benchmark_label(model, number),
                sum(1 for a in mine if a.status == "planned"),
                sum(1 for a in mine if a.status == "delivered"),
                sum(1 for a in mine if a.status == "cancelled"),
                sum(1 for a in mine if a.provider_access_encounter and a.status != "cancelled"),
                sum(a.participants for a in mine if a.status == "delivered"),
            )
        )
    write_table(ws, headers, rows, widths={"Benchmark": 52})
    bar_chart(
        ws,
        title="Activities per benchmark",
        categories=(1, 2, len(rows) + 1),
        series=(2, 3),
        header_row=1,
        anchor=f"A{len(rows) + 4}",
        axis_title="Activities (cancelled left out)",
        category_title="Benchmark",
    )


def _by_year_group(ws: Worksheet, model: PlanExport, live: Sequence[ExportActivity]) -> None:
    years = tallies.year_groups(model.activities)
    benchmarks = tallies.benchmark_numbers(model)
    matrix = tallies.benchmark_by_year(live, benchmarks, years)
    headers = ("Year group", "Planned", "Delivered", "Participants",
               *(f"Benchmark {b}" for b in benchmarks))  # fmt: skip
    rows = []
    for year in years:
        mine = [a for a in live if year in a.year_groups]
        delivered = [a for a in mine if a.status == "delivered"]
        rows.append(
            (
                tallies.year_group_label(year),
                len(mine) - len(delivered),
                len(delivered),
                sum(tallies.participants_in(a, year) for a in delivered),
                *(matrix[b][year] for b in benchmarks),
            )
        )
    write_table(ws, headers, rows)
    bar_chart(
        ws,
        title="Activities per year group",
        categories=(1, 2, len(rows) + 1),
        series=(2, 3),
        header_row=1,
        anchor=f"A{len(rows) + 4}",
        axis_title="Activities (cancelled left out)",
        category_title="Year group",
        horizontal=False,
    )


def _by_term(ws: Worksheet, model: PlanExport) -> None:
    headers = ("Term", "Planned", "Delivered", "Cancelled", "Provider access encounters", "Participants")
    rows = [
        (
            term,
            sum(1 for a in items if a.status == "planned"),
            sum(1 for a in items if a.status == "delivered"),
            sum(1 for a in items if a.status == "cancelled"),
            sum(1 for a in items if a.provider_access_encounter and a.status != "cancelled"),
            sum(a.participants for a in items if a.status == "delivered"),
        )
        for term, items in tallies.by_term(model.activities)
    ]
    write_table(ws, headers, rows)


# -- helpers ----------------------------------------------------------------------------


def _bytes(workbook: Workbook, model: PlanExport, title: str) -> bytes:
    workbook.properties.title = clean(f"{title} {model.academic_year}: {model.institution_name}")
    workbook.properties.creator = "Waymark"
    workbook.properties.language = "en-GB"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
