"""A realistic report as a :class:`Document`, built by hand: every kind of block, for the
exports' tests and their benchmark (the report builders make the real ones)."""

from __future__ import annotations

from waymark_reporting.exports.document import (
    Chart,
    Checklist,
    ChecklistItem,
    Document,
    KeyFigures,
    Paragraph,
    Section,
    Table,
)

BENCHMARKS = (
    "1. A stable careers programme",
    "2. Learning from career and labour market information",
    "3. Addressing the needs of each pupil",
    "4. Linking curriculum learning to careers",
    "5. Encounters with employers and employees",
    "6. Experiences of workplaces",
    "7. Encounters with further and higher education",
    "8. Personal guidance",
)
YEARS = ("Year 7", "Year 8", "Year 9", "Year 10", "Year 11")


def sample_document(*, extra_sections: int = 0) -> Document:
    """Five sections with every block kind; ``extra_sections`` more, each with two tables
    and a chart (seven make the size of a large Ofsted pack: 12 sections, 20 tables)."""
    sections = [_overview(), _benchmarks(), _encounters(), _provider_access(), _destinations()]
    sections += [_extra(number) for number in range(1, extra_sections + 1)]
    return Document(
        kind="ofsted-pack",
        title="Careers provision: evidence for inspection",
        institution_name="St Mary’s C of E (Aided) High School",
        institution_id="inst-000123",
        subtitle="Academic year 2026–27, autumn term",
        as_of="Figures as of 1 December 2026, 09:00 – events up to 30 November",
        sections=tuple(sections),
    )


def _overview() -> Section:
    return Section(
        heading="Summary",
        anchor="summary",
        blocks=(
            Paragraph("How the careers programme meets the Gatsby Benchmarks this year.", kind="lead"),
            KeyFigures(
                (
                    ("Benchmarks fully met", "5 of 8", "up from 3 last year"),
                    ("Pupils with a guidance interview", "86%", "Year 11, 172 of 200"),
                    ("Employer encounters", "1,204", "£0 spent on providers – all volunteers"),
                    ("Sustained destinations", "93%", "2025 leavers"),
                )
            ),
            Paragraph(
                "Figures come from the school’s careers plan, its activity log and Compass+ evaluations."
            ),
        ),
    )


def _benchmarks() -> Section:
    achieved = (100.0, 87.5, 75.0, 62.5, 100.0, 50.0, 80.0, 95.0)
    last_year = (100.0, 75.0, 50.0, 50.0, 90.0, 40.0, None, 90.0)
    return Section(
        heading="Gatsby Benchmarks",
        anchor="benchmarks",
        blocks=(
            Table(
                caption="Benchmarks achieved (% of criteria met)",
                columns=("Benchmark", "This year (%)", "Last year (%)", "Criteria met"),
                rows=tuple(
                    (name, now, then, f"{round(now / 12.5)} of 8")
                    for name, now, then in zip(BENCHMARKS, achieved, last_year, strict=True)
                ),
                numeric=frozenset({1, 2}),
            ),
            Chart(
                caption="Benchmarks achieved, this year and last",
                kind="bar",
                categories=BENCHMARKS,
                series=(("2026–27", achieved), ("2025–26", last_year)),
                unit="%",
                y_label="Criteria met",
            ),
        ),
    )


def _encounters() -> Section:
    pupils = (200, 198, 201, 199, 200)
    encounters = (112, 150, 231, 340, 371)
    return Section(
        heading="Encounters with employers",
        anchor="encounters",
        blocks=(
            Paragraph("Every pupil should have at least one meaningful encounter each year."),
            Table(
                caption="Encounters by year group",
                columns=("Year group", "Pupils", "Encounters", "Pupils with one or more", "Share (%)"),
                rows=tuple(
                    (year, n, e, None if share is None else round(n * share / 100), share)
                    for year, n, e, share in zip(
                        YEARS, pupils, encounters, (56.0, 71.2, 88.1, 97.5, None), strict=True
                    )
                ),
                numeric=frozenset({1, 2, 3, 4}),
            ),
            Chart(
                caption="Pupils with an encounter, by year group",
                kind="bar",
                categories=YEARS,
                series=(("Share of pupils", (56.0, 71.2, 88.1, 97.5, None)),),
                unit="%",
            ),
            Paragraph("Year 11 figures are not final until the summer term.", kind="note"),
        ),
    )


def _provider_access() -> Section:
    return Section(
        heading="Provider access",
        anchor="provider-access",
        blocks=(
            Checklist(
                caption="Provider access legislation",
                items=(
                    ChecklistItem(
                        "Six provider encounters planned",
                        "met",
                        "Six in the plan: two in Year 8, two in Year 10, two in Year 12",
                    ),
                    ChecklistItem("Year 10 encounter delivered", "missing", "None recorded yet this year"),
                    ChecklistItem(
                        "Policy statement published",
                        "check",
                        "Waymark cannot see your website: check it is there",
                    ),
                ),
            ),
            Table(
                caption="Provider visits this term",
                columns=("Provider", "Date", "Pupils"),
                rows=(),
                numeric=frozenset({2}),
                empty="No provider visits recorded this term.",
            ),
        ),
    )


def _destinations() -> Section:
    cohorts = ("2021", "2022", "2023", "2024", "2025")
    return Section(
        heading="Destinations",
        anchor="destinations",
        blocks=(
            Table(
                caption="Sustained destinations of leavers",
                columns=(
                    "Leavers",
                    "Pupils",
                    "Education (%)",
                    "Apprenticeship (%)",
                    "Employment (%)",
                    "Not sustained (%)",
                ),
                rows=(
                    ("2023", 190, 84.2, 5.3, 3.7, 6.8),
                    ("2024", 196, 85.0, 6.1, None, 5.5),
                    ("2025", 201, 86.1, 5.0, 2.0, None),
                ),
                numeric=frozenset({1, 2, 3, 4, 5}),
            ),
            Chart(
                caption="Sustained destinations over five years",
                kind="line",
                categories=cohorts,
                series=(
                    ("This school", (88.0, 90.5, 93.2, None, 93.0)),
                    ("Local authority", (91.0, 92.0, 92.4, 92.9, 93.1)),
                ),
                unit="%",
            ),
        ),
    )


def _extra(number: int) -> Section:
    terms = ("Autumn", "Spring", "Summer")
    return Section(
        heading=f"Activity area {number}",
        anchor=f"area-{number}",
        blocks=(
            Paragraph(f"Activities in area {number}, by term and by year group."),
            Table(
                caption=f"Activities in area {number} by term",
                columns=("Term", "Planned", "Delivered", "Pupils reached", "Average rating"),
                rows=tuple(
                    (term, 10 + number, 8 + number, 150 * (i + 1), 4.1 + i / 10)
                    for i, term in enumerate(terms)
                ),
                numeric=frozenset({1, 2, 3, 4}),
            ),
            Table(
                caption=f"Area {number} activities by year group",
                columns=("Year group", *terms),
                rows=tuple((year, i + number, i * 2, None if i == 4 else i) for i, year in enumerate(YEARS)),
                numeric=frozenset({1, 2, 3}),
            ),
            Chart(
                caption=f"Area {number}: delivered by term",
                kind="bar",
                categories=terms,
                series=(("Planned", (10.0 + number, 11.0, 12.0)), ("Delivered", (8.0 + number, 9.0, None))),
            ),
        ),
    )
