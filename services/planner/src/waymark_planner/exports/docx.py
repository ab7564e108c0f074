"""Word exports: the annual careers plan and its activity log.

A4 portrait for the front matter, summary and chart; the long activity tables go in
a landscape section. Word's own Title and Heading styles are used so the navigation
pane and any table of contents work, and the chart comes with its figures as a table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from waymark_planner.exports import tallies
from waymark_planner.exports.charts import benchmark_year_chart
from waymark_planner.exports.docx_tables import add_table, add_table_styles
from waymark_planner.exports.model import ExportActivity, PlanExport
from waymark_planner.exports.tallies import xml_safe

A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
PORTRAIT_WIDTH_CM = 17.0
BODY_FONT = "Calibri"  # the template's headings are Calibri Light; LibreOffice shows both as Carlito
PLAN_COLUMNS = (
    ("Date", 2.1),
    ("Activity", 4.7),
    ("Type", 3.2),
    ("Benchmarks (criteria)", 2.6),
    ("Year groups", 1.8),
    ("Provider", 3.2),
    ("Delivery", 1.9),
    ("Provider access", 2.0),
    ("Owner", 2.3),
    ("Status", 1.9),
)
LOG_COLUMNS = (
    ("Delivered", 2.1),
    ("Activity", 4.9),
    ("Type", 3.2),
    ("Benchmarks (criteria)", 2.6),
    ("Year groups", 1.8),
    ("Participants", 2.1),
    ("Average rating", 2.6),
    ("Meaningful checklist met", 4.4),
    ("Provider access", 2.0),
)
EVALUATION_COLUMNS = (
    ("Activity", 5.0),
    ("Delivered", 2.1),
    ("Feedback (average rating, responses)", 5.2),
    ("Outcomes against the plan's objectives", 7.6),
    ("Summary", 5.8),
)


def plan_document(model: PlanExport) -> bytes:
    """The year's plan: objectives, summary, chart and the activities term by term."""
    document = _new(model, f"Careers plan {model.academic_year}")
    _front(document, model, f"Careers plan {model.academic_year}")
    _objectives(document, model)
    _summary(document, tallies.summary(model).rows())
    _chart(
        document,
        model,
        tallies.live_activities(model),
        heading="Activities by benchmark and year group",
        what="planned and delivered activities (cancelled ones are left out)",
    )
    _landscape(document)
    document.add_heading("Activities by term", 1)
    if not model.activities:
        document.add_paragraph("The plan has no activities yet.")
    for term, activities in tallies.by_term(model.activities):
        document.add_heading(xml_safe(f"{term} ({_count(len(activities), 'activity', 'activities')})"), 2)
        add_table(document, _titles(PLAN_COLUMNS), [_plan_row(a) for a in activities], _widths(PLAN_COLUMNS))
    return _bytes(document)


def log_document(model: PlanExport) -> bytes:
    """What was delivered: participation, evaluation and the meaningful checklist."""
    document = _new(model, f"Careers activity log {model.academic_year}")
    _front(document, model, f"Careers activity log {model.academic_year}")
    delivered = tallies.delivered_activities(model)
    _summary(document, tallies.summary(model).log_rows())
    _chart(
        document,
        model,
        delivered,
        heading="Delivered activities by benchmark and year group",
        what="delivered activities",
    )
    _participation(document, delivered)
    _landscape(document)
    document.add_heading("Delivered activities", 1)
    if not delivered:
        document.add_paragraph("No activity has been delivered yet.")
    checklist = model.meaningful_checklist
    for term, activities in tallies.by_term(delivered):
        document.add_heading(xml_safe(f"{term} ({_count(len(activities), 'activity', 'activities')})"), 2)
        rows = [_log_row(a, checklist) for a in activities]
        add_table(document, _titles(LOG_COLUMNS), rows, _widths(LOG_COLUMNS))
    _evaluation(document, delivered)
    return _bytes(document)


# -- parts ------------------------------------------------------------------------------


def _new(model: PlanExport, title: str) -> Document:
    document = new_document()
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11)
    add_table_styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    _footer(section, xml_safe(f"{model.institution_name} · {title} · Page "))
    properties = document.core_properties
    properties.title = xml_safe(title)
    properties.subject = xml_safe(model.institution_name)
    properties.author = "Waymark"
    properties.language = "en-GB"
    properties.created = tallies.local_time(model.generated_at)
    return document


def _front(document: Document, model: PlanExport, title: str) -> None:
    document.add_heading(xml_safe(title), 0)
    document.add_paragraph(xml_safe(model.institution_name), style="Subtitle")
    document.add_paragraph(xml_safe(f"Academic year {_year_words(model.academic_year)}."))
    document.add_paragraph(f"Generated by Waymark on {tallies.generated_words(model.generated_at)}.")
    if model.evaluation_summary:
        document.add_paragraph(xml_safe(model.evaluation_summary))


def _objectives(document: Document, model: PlanExport) -> None:
    document.add_heading("Objectives", 1)
    if not model.objectives:
        document.add_paragraph("No objectives have been set for this plan.")
    for objective in model.objectives:
        document.add_paragraph(xml_safe(objective), style="List Number")


def _summary(document: Document, rows: Sequence[tuple[str, object]]) -> None:
    document.add_heading("Summary", 1)
    add_table(document, ("Measure", "Number"), rows, (12.5, 4.5))


def _chart(
    document: Document, model: PlanExport, activities: Sequence[ExportActivity], *, heading: str, what: str
) -> None:
    benchmarks = tallies.benchmark_numbers(model)
    years = tallies.year_groups(activities)
    matrix = tallies.benchmark_by_year(activities, benchmarks, years)
    labels = {b: tallies.benchmark_label(model, b) for b in benchmarks}
    document.add_heading(heading, 1)
    intro = document.add_paragraph(
        f"The number of {what} addressing each benchmark for each year group. An activity for "
        "several year groups counts once for each of them, and one addressing several benchmarks "
        "once for each benchmark."
    )
    intro.paragraph_format.keep_with_next = True  # the heading, this and the chart on one page
    png = benchmark_year_chart(
        matrix,
        labels,
        years,
        title=heading,
        x_label="Activities for each year group",
    )
    document.add_picture(io.BytesIO(png), width=Cm(PORTRAIT_WIDTH_CM))
    shape = document.inline_shapes[-1]
    shape._inline.docPr.set(
        "descr",
        f"Bar chart of {what} by benchmark, stacked by year group. The same figures follow as a table.",
    )
    document.add_paragraph(f"Figure: {heading.lower().capitalize()}.", style="Caption")
    document.add_heading("The chart's figures", 2)
    totals = tallies.activities_per_benchmark(activities, benchmarks)
    headers = ["Benchmark", *(tallies.year_group_label(y) for y in years), "Activities"]
    rows = [[labels[b], *(matrix[b][y] for y in years), totals[b]] for b in benchmarks]
    total_width, first_at_least = 2.2, 4.5
    year_width = min(1.4, (PORTRAIT_WIDTH_CM - total_width - first_at_least) / max(len(years), 1))
    first = PORTRAIT_WIDTH_CM - year_width * len(years) - total_width
    add_table(document, headers, rows, [first, *([year_width] * len(years)), total_width])


def _participation(document: Document, delivered: Sequence[ExportActivity]) -> None:
    by_year: dict[int, list[int]] = {}
    for activity in delivered:
        for year, count in activity.participants_by_year_group.items():
            entry = by_year.setdefault(year, [0, 0])
            entry[0] += 1
            entry[1] += count
    if not by_year:
        return
    document.add_heading("Participation by year group", 1)
    rows = [(tallies.year_group_label(y), n, people) for y, (n, people) in sorted(by_year.items())]
    add_table(document, ("Year group", "Delivered activities", "Participants"), rows, (7.0, 5.0, 5.0))


def _evaluation(document: Document, delivered: Sequence[ExportActivity]) -> None:
    document.add_heading("Evaluation", 1)
    evaluated = [a for a in delivered if a.feedback or a.outcomes or a.evaluation_summary]
    if not evaluated:
        document.add_paragraph("No delivered activity has been evaluated yet.")
        return
    rows = [
        (
            a.title,
            tallies.short_date(a.delivered_on),
            "\n".join(f"{f.source_label}: {f.average_rating:.1f} ({f.responses})" for f in a.feedback),
            "\n".join(f"{objective}: {outcome}" for objective, outcome in a.outcomes),
            a.evaluation_summary,
        )
        for a in evaluated
    ]
    add_table(document, _titles(EVALUATION_COLUMNS), rows, _widths(EVALUATION_COLUMNS))


def _plan_row(a: ExportActivity) -> list[object]:
    return [
        tallies.short_date(a.delivered_on or a.date) or "Not set",  # when it happened, once it has
        a.title,
        a.activity_type_label,
        tallies.benchmarks_text(a),
        tallies.year_groups_text(a.year_groups),
        a.provider,
        a.delivery_label,
        tallies.yes_no(a.provider_access_encounter),
        a.owner,
        tallies.status_label(a.status),
    ]


def _log_row(a: ExportActivity, checklist: Sequence[str]) -> list[object]:
    return [
        tallies.short_date(a.delivered_on),
        a.title,
        a.activity_type_label,
        tallies.benchmarks_text(a),
        tallies.year_groups_text(a.year_groups),
        a.participants,
        tallies.rating_text(a),
        tallies.meaningful_text(a, checklist),
        tallies.yes_no(a.provider_access_encounter),
    ]


# -- page set-up ------------------------------------------------------------------------


def _landscape(document: Document) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4[1], A4[0]


def _footer(section, text: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.add_run(text)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    label = OxmlElement("w:t")
    label.text = "1"
    run.append(label)
    field.append(run)
    paragraph._p.append(field)


def _year_words(academic_year: str) -> str:
    match = re.fullmatch(r"(\d{4})/(\d{2})", academic_year)
    if not match:
        return academic_year
    start = int(match.group(1))
    return f"{academic_year}: 1 September {start} to 31 August {start + 1}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _titles(columns: Sequence[tuple[str, float]]) -> list[str]:
    return [title for title, _ in columns]


def _widths(columns: Sequence[tuple[str, float]]) -> list[float]:
    return [width for _, width in columns]


def _bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
