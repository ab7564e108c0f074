"""The activity log workbook's sheets: what was delivered, who took part (counted by
year group) and how it was evaluated, and the Summary sheet's two charts."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.worksheet import Worksheet

from waymark_planner.exports import tallies
from waymark_planner.exports.model import ExportActivity, ExportFeedback, PlanExport
from waymark_planner.exports.xlsx_sheets import HEADER_FONT, RATING_FORMAT, bar_chart, write_table

SUMMARY_CHART_CM = 18
LONG_TEXT = ("Activity", "Outcomes", "Summary")


def summary_charts(ws: Worksheet, model: PlanExport, delivered: Sequence[ExportActivity], row: int) -> None:
    benchmarks = tallies.benchmark_numbers(model)
    per_benchmark = tallies.activities_per_benchmark(delivered, benchmarks)
    ws.cell(row=row, column=1, value="Benchmark").font = HEADER_FONT
    ws.cell(row=row, column=2, value="Delivered activities").font = HEADER_FONT
    for offset, number in enumerate(benchmarks, start=1):
        ws.cell(row=row + offset, column=1, value=tallies.benchmark_label(model, number))
        ws.cell(row=row + offset, column=2, value=per_benchmark[number])
    last = row + len(benchmarks)
    bar_chart(ws, title="Delivered activities per benchmark", categories=(1, row + 1, last), series=(2, 2),
              header_row=row, anchor=f"A{last + 2}", axis_title="Delivered activities",
              category_title="Benchmark", width_cm=SUMMARY_CHART_CM)  # fmt: skip
    years = tallies.year_groups(delivered)
    start = last + 22
    ws.cell(row=start, column=1, value="Year group").font = HEADER_FONT
    ws.cell(row=start, column=2, value="Participants").font = HEADER_FONT
    for offset, year in enumerate(years, start=1):
        ws.cell(row=start + offset, column=1, value=tallies.year_group_label(year))
        ws.cell(row=start + offset, column=2, value=sum(tallies.participants_in(a, year) for a in delivered))
    bar_chart(ws, title="Participants per year group", categories=(1, start + 1, start + len(years)),
              series=(2, 2), header_row=start, anchor=f"A{start + len(years) + 2}", axis_title="Participants",
              category_title="Year group", horizontal=False, width_cm=SUMMARY_CHART_CM)  # fmt: skip


def delivered_sheet(ws: Worksheet, model: PlanExport, delivered: Sequence[ExportActivity]) -> None:
    checklist = model.meaningful_checklist
    headers = ("Delivered on", "Activity", "Type", "Benchmarks", "Criteria", "Year groups", "Term",
               "Provider", "Delivery", "Provider access encounter", "Participants", "Average rating",
               "Feedback responses", "Meaningful checklist met", *checklist, "Owner")  # fmt: skip
    rows = [
        (
            a.delivered_on,
            a.title,
            a.activity_type_label,
            ", ".join(str(b) for b in a.benchmarks),
            ", ".join(a.criteria),
            tallies.year_groups_text(a.year_groups),
            a.term_label,
            a.provider,
            a.delivery_label,
            tallies.yes_no(a.provider_access_encounter),
            a.participants,
            a.average_rating,
            a.feedback_count or None,
            sum(1 for item in checklist if item in a.meaningful_labels),
            *(tallies.yes_no(item in a.meaningful_labels) for item in checklist),
            a.owner,
        )
        for a in delivered
    ]
    widths = {"Activity": 40, **dict.fromkeys(checklist, 14)}
    write_table(ws, headers, rows, formats={"Average rating": RATING_FORMAT}, widths=widths, wrap=LONG_TEXT)


def participation_sheet(ws: Worksheet, delivered: Sequence[ExportActivity]) -> None:
    rows: list[tuple[object, ...]] = []
    for a in delivered:
        by_year = a.participants_by_year_group
        if by_year:
            rows += [(a.delivered_on, a.title, year, count) for year, count in sorted(by_year.items())]
        else:
            rows.append((a.delivered_on, a.title, "Not recorded", a.participants))
    write_table(ws, ("Delivered on", "Activity", "Year group", "Participants"), rows,
                widths={"Activity": 40}, wrap=LONG_TEXT)  # fmt: skip


def evaluation_sheet(ws: Worksheet, delivered: Sequence[ExportActivity]) -> None:
    sources = tallies.feedback_sources(delivered)
    headers = ("Delivered on", "Activity", "Average rating", "Responses",
               *(f"{s} {what}" for s in sources for what in ("rating", "responses")),
               "Outcomes", "Summary")  # fmt: skip
    rows = []
    for a in delivered:
        feedback = {f.source_label: f for f in a.feedback}
        rows.append(
            (
                a.delivered_on,
                a.title,
                a.average_rating,
                a.feedback_count or None,
                *(value for s in sources for value in _feedback_cells(feedback.get(s))),
                "\n".join(f"{objective}: {outcome}" for objective, outcome in a.outcomes),
                a.evaluation_summary,
            )
        )
    formats = {"Average rating": RATING_FORMAT, **{f"{s} rating": RATING_FORMAT for s in sources}}
    write_table(ws, headers, rows, formats=formats, widths={"Activity": 40, "Outcomes": 50, "Summary": 50},
                wrap=LONG_TEXT)  # fmt: skip


def _feedback_cells(feedback: ExportFeedback | None) -> tuple[float | None, int | None]:
    return (feedback.average_rating, feedback.responses) if feedback else (None, None)
