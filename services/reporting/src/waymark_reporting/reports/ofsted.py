"""The Ofsted pack: the careers programme within personal development as intent,
implementation and impact; the statutory website information checklist and what
inspectors check; benchmarks; encounters; Provider Access compliance; three years of
destinations. Built from the dashboard's views over one connection (domain.md section
5.1: what inspectors typically check).

It is what an Ofsted share link opens, so it holds aggregates only: shares of learners,
never a learner.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.exports.document import Document, KeyFigures, Paragraph, Section, Table
from waymark_reporting.readmodels import careers_leaders
from waymark_reporting.reports import blocks, common
from waymark_reporting.reports import destinations as destination_report
from waymark_reporting.reports.ofsted_checks import inspector_checklist, website_checklist
from waymark_reporting.views import evidence
from waymark_reporting.wording import day
from waymark_shared.service import ServiceRuntime


def ofsted_pack(runtime: ServiceRuntime, institution_id: str, *, now: datetime) -> Document | None:
    report = common.read(runtime, institution_id, build, now)
    return report.document if report else None


def build(conn: Connection, found: dict[str, Any], now: datetime) -> Document:
    institution_id, today = found["institution_id"], now.date()
    year = academic_year(today)
    read = common.programme(conn, institution_id, today)
    history, latest, chosen, plan, delivered = read.history, read.latest, read.plan_year, read.plan, read.delivered
    cohorts = evidence.cohorts(conn, institution_id, today)
    compliance = evidence.compliance_rows(pal.by_cohort(cohorts.compliance, today))
    by_year = evidence.evidence_rows(ev.by_year_group(cohorts.evidence), "year_group")
    destinations = destination_report.cohorts(conn, institution_id)
    encounters = sum(1 for a in delivered if a["provider_access"])
    checks = (
        website_checklist(
            year=year, plan_year=chosen, delivery=plan, history=history,
            destination_cohorts=sum(len(v) for v in destinations.values()), provider_encounters=encounters,
            careers_leaders=careers_leaders.holding(conn, institution_id),
        ),
        inspector_checklist(
            today=today, history=history, destinations=destinations, provider_access=compliance,
            provider_encounters=encounters,
        ),
    )  # fmt: skip
    sections = (
        _summary(latest, plan, len(cohorts.learners)),
        _intent(chosen, plan, read.objectives),
        _implementation(plan, delivered, by_year),
        _impact(history, plan),
        *destination_report.sections_of(destinations),
        Section("Statutory information and inspection checks", checks, "checklist"),
        _benchmarks(latest),
        Section(
            "Provider Access Legislation",
            (_pal_note(), blocks.provider_access_table(compliance)),
            "provider-access",
        ),
    )
    return Document(
        kind="ofsted-pack",
        title="Ofsted pack: careers guidance",
        institution_name=found["name"],
        institution_id=institution_id,
        subtitle="The careers programme within personal development: intent, implementation and impact",
        as_of="",
        sections=sections,
    )


def _summary(latest: dict[str, Any] | None, plan: dict[str, Any] | None, learners: int) -> Section:
    figures = [
        (
            "Benchmarks achieved",
            f"{latest['benchmarks_achieved']} of {latest['applicable']}" if latest else "–",
            f"evaluation completed {day(latest['completed_at'])}"
            if latest
            else "no evaluation completed yet",
        ),
        (
            "Activities delivered",
            f"{plan['totals']['delivered']} of {plan['totals']['planned']}" if plan else "–",
            f"planned for {plan['academic_year']}" if plan else "no careers plan yet",
        ),
        ("Learners on roll", f"{learners:,}", "the evidence below is shares of them"),
    ]
    lead = Paragraph(
        "Careers education, information, advice and guidance is judged mainly within personal development: "
        "how the school prepares learners for their next steps. This pack sets out the programme's intent, "
        "how it was implemented and its impact, with the evidence Waymark holds.",
        "lead",
    )
    return Section("Summary", (lead, KeyFigures(tuple(figures))), "summary")


def _intent(year: str | None, plan: dict[str, Any] | None, objectives: list[str]) -> Section:
    if plan is None:
        return Section("Intent", (Paragraph("There is no careers plan yet."),), "intent")
    targeted = [row for row in plan["by_benchmark"] if row["planned"]]
    years = [row["year_group"] for row in plan["by_year_group"]]
    names = ", ".join(f"BM{row['benchmark']}" for row in targeted) or "none"
    aims = Paragraph(
        f"The {year} careers plan has {plan['totals']['planned']} activities aimed at "
        f"{len(targeted)} of the 8 benchmarks ({names}), "
        f"for {', '.join(f'Year {y}' for y in years) or 'no year group'}."
    )
    table = Table(
        "The plan's aims: activities planned for each benchmark",
        ("Benchmark", "Activities planned"),
        tuple((common.benchmark_title(row["benchmark"]), row["planned"]) for row in plan["by_benchmark"]),
        numeric=frozenset({1}),
    )
    written = Table(
        f"The {year} plan's objectives",
        ("", "Objective"),
        tuple((number, text) for number, text in enumerate(objectives, start=1)),
        numeric=frozenset({0}),
        empty="The plan has no written objectives yet: add them in the planner.",
    )
    return Section("Intent", (aims, written, table), "intent")


def _implementation(
    plan: dict[str, Any] | None, delivered: list[dict[str, Any]], by_year: list[dict[str, Any]]
) -> Section:
    if plan is None:
        return Section(
            "Implementation",
            (Paragraph("Nothing is planned yet."), blocks.evidence_table(by_year)),
            "implementation",
        )
    totals = plan["totals"]
    figures = KeyFigures(
        (
            (
                "Delivered",
                f"{totals['delivered']} of {totals['planned']}",
                f"{totals['cancelled']} cancelled",
            ),
            ("Participants", f"{totals['participants']:,}", "learners counted once per activity"),
            ("Provider Access encounters", str(totals["provider_access_delivered"]), "delivered this year"),
        )
    )
    by_term = Table(
        "Activities delivered and planned, by term",
        ("Term", "Delivered", "Planned"),
        tuple((row["label"], row["delivered"], row["planned"]) for row in plan["by_term"]),
        numeric=frozenset({1, 2}),
    )
    by_year_group = Table(
        "Activities delivered and planned, by year group (an activity for several counts in each)",
        ("Year group", "Delivered", "Planned"),
        tuple(
            (f"Year {row['year_group']}", row["delivered"], row["planned"]) for row in plan["by_year_group"]
        ),
        numeric=frozenset({1, 2}),
    )
    return Section(
        "Implementation",
        (
            figures,
            blocks.delivery_by_benchmark_chart(plan["by_benchmark"], plan["academic_year"]),
            by_term,
            by_year_group,
            blocks.delivered_table(
                delivered, f"Encounters and activities delivered in {plan['academic_year']}"
            ),
            blocks.evidence_table(by_year),
        ),
        "implementation",
    )


def _impact(history: list[dict[str, Any]], plan: dict[str, Any] | None) -> Section:
    found: list = []
    if len(history) > 1:
        found.append(common.trend_chart(history))
    elif history:
        found.append(Paragraph("One evaluation has been completed so far: the trend starts with the next."))
    else:
        found.append(Paragraph("No evaluation has been completed yet."))
    if plan:
        ratings = plan["ratings"]
        if ratings["average"] is not None:
            found.append(
                Paragraph(
                    f"Delivered activities were rated {ratings['average']:.1f} out of 5 on average, from "
                    f"{ratings['respondents']} responses ({ratings['evaluated']} of {ratings['delivered']} evaluated)."
                )
            )
        found.append(blocks.ratings_table(ratings["activities"][:10]))
    found.append(Paragraph("Destinations of the last three leaving cohorts follow.", "note"))
    return Section("Impact", tuple(found), "impact")


def _benchmarks(latest: dict[str, Any] | None) -> Section:
    if latest is None:
        return Section("Benchmarks", (Paragraph("No evaluation has been completed yet."),), "benchmarks")
    return Section("Benchmarks", (common.latest_benchmarks_table(latest),), "benchmarks")


def _pal_note() -> Paragraph:
    return Paragraph(
        "Every learner must have two encounters with providers of technical education or apprenticeships "
        "in Year 8 or by 28 February of Year 9, and two in Year 10 or by 28 February of Year 11; two must be "
        "offered in Years 12 and 13."
    )
