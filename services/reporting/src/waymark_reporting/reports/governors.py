"""The governors' termly report: this term's progress (delivered against planned),
compliance (the governors' typical questions, domain.md section 5.3), risks, and what
changed since the term began. Aggregates only: governors never see a learner."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from waymark_reporting.domain import evidence as ev
from waymark_reporting.domain import provider_access as pal
from waymark_reporting.domain.calendar import academic_year
from waymark_reporting.domain.vocabulary import BENCHMARKS, TERM_LABELS
from waymark_reporting.exports.document import (
    Checklist,
    ChecklistItem,
    Document,
    KeyFigures,
    Paragraph,
    Section,
    Table,
)
from waymark_reporting.readmodels import careers_leaders
from waymark_reporting.reports import blocks, common
from waymark_reporting.reports import destinations as destination_report
from waymark_reporting.reports.ofsted_checks import careers_leader_item
from waymark_reporting.views import evidence
from waymark_reporting.wording import day
from waymark_shared.service import ServiceRuntime

DUE_SOON = timedelta(days=92)  # a mandatory phase closing within about a term


def governors_report(runtime: ServiceRuntime, institution_id: str, *, now: datetime) -> Document | None:
    report = common.read(runtime, institution_id, build, now)
    return report.document if report else None


def build(conn: Connection, found: dict[str, Any], now: datetime) -> Document:
    institution_id, today = found["institution_id"], now.date()
    term, began = common.term_of(today)
    read = common.programme(conn, institution_id, today)
    history, latest, plan, delivered = read.history, read.latest, read.plan, read.delivered
    cohorts = evidence.cohorts(conn, institution_id, today)
    compliance = evidence.compliance_rows(pal.by_cohort(cohorts.compliance, today))
    by_year = evidence.evidence_rows(ev.by_year_group(cohorts.evidence), "year_group")
    leavers = destination_report.cohorts(conn, institution_id).get(destination_report.KS4, [])
    since = [a for a in delivered if (a["delivered_on"] or "") >= began.isoformat()]
    label = f"{TERM_LABELS[term]} {academic_year(today)}"
    this_year = academic_year(today)
    if read.plan_year != this_year:  # the latest plan is an earlier year's: not this term's
        plan, since = None, []
    sections = (
        _progress(label, term, plan, since, this_year=this_year, latest_plan=read.plan_year),
        _compliance(latest, by_year, compliance, careers_leaders.holding(conn, institution_id)),
        _risks(today, latest, compliance, leavers),
        _changes(began, history, since),
    )
    return Document(
        kind="governors-report",
        title="Governors' termly careers report",
        institution_name=found["name"],
        institution_id=institution_id,
        subtitle=f"{label}: progress, compliance, risks and what changed since {day(began)}",
        as_of="",
        sections=sections,
    )


def _progress(
    label: str, term: str, plan: dict[str, Any] | None, since: list[dict[str, Any]], *,
    this_year: str, latest_plan: str | None,
) -> Section:  # fmt: skip
    if plan is None:
        words = f"There is no careers plan for {this_year} yet" + (
            f" (the latest is {latest_plan}'s)." if latest_plan else "."
        )
        return Section("Progress this term", (Paragraph(words),), "progress")
    this_term = next(row for row in plan["by_term"] if row["term"] == term)
    totals = plan["totals"]
    figures = KeyFigures(
        (
            ("Delivered this term", f"{this_term['delivered']} of {this_term['planned']}", f"planned for the {label}"),
            ("Delivered this year", f"{totals['delivered']} of {totals['planned']}", f"{totals['cancelled']} cancelled"),
            ("Participants this term", f"{sum(a['named'] + a['counted'] for a in since):,}", "learners counted once per activity"),
        )
    )  # fmt: skip
    return Section(
        "Progress this term",
        (figures, blocks.delivery_by_benchmark_chart(plan["by_benchmark"], plan["academic_year"])),
        "progress",
    )


def _guidance(by_year: list[dict[str, Any]]) -> ChecklistItem:
    """Guidance by 16 in Year 11 and by 18 in Year 13: met when every leaver has had it."""
    shares = {row["year_group"]: row["measures"] for row in by_year}
    found = [
        (year, key, shares[year][key])
        for year, key in ((11, "guidance_by_16"), (13, "guidance_by_18"))
        if year in shares
    ]
    label = "Does every pupil get a guidance interview by 16, and another by 18?"
    if not found:
        return ChecklistItem(label, "check", "There is no Year 11 or Year 13 on roll to tell from.")
    words = "; ".join(
        f"Year {year}: {s['percentage']}% ({s['met']} of {s['learners']})" for year, _, s in found
    )
    met = all(s["percentage"] == 100 for _, _, s in found)
    return ChecklistItem(label, "met" if met else "missing", words)


def _compliance(
    latest: dict[str, Any] | None, by_year: list[dict[str, Any]], pal_rows: list[dict[str, Any]], leaders: int
) -> Section:
    if latest:
        not_yet = [
            f"BM{b['number']}"
            for b in latest["benchmarks"]
            if b["percentage"] is not None and not b["achieved"]
        ]
        words = f"{latest['benchmarks_achieved']} of {latest['applicable']} achieved"
        words += f"; not yet: {', '.join(not_yet)}." if not_yet else "."
        benchmark_item = ChecklistItem(
            "Is the programme meeting the Gatsby Benchmarks?", "missing" if not_yet else "met", words
        )
    else:
        benchmark_item = ChecklistItem(
            "Is the programme meeting the Gatsby Benchmarks?", "missing", "No evaluation completed yet."
        )
    missed = sum(p["missed"] for row in pal_rows for p in row["phases"] if p["mandatory"])
    pal_item = ChecklistItem(
        "Does every pupil get the provider encounters the law requires?",
        "missing" if missed else "met",
        f"Mandatory phases missed by learners: {missed}."
        if missed
        else "No learner has missed a mandatory phase.",
    )
    checklist = Checklist(
        "The governors' questions",
        (
            careers_leader_item("Is a careers leader appointed, on or with access to the senior team?", leaders,
                                then="Check they sit on, or report to, the senior leadership team."),
            benchmark_item,
            pal_item,
            _guidance(by_year),
            ChecklistItem(
                "Are the careers leader, programme and provider access policy published on the website and up to date?",
                "check",
                "Waymark does not read the website: see the checklist in the Ofsted pack.",
            ),
            ChecklistItem(
                "Is careers discussed at the board at least annually, with minutes?",
                "check",
                "Waymark does not hold board minutes: minute the discussion of this report.",
            ),
        ),
    )  # fmt: skip
    return Section("Compliance", (checklist, blocks.provider_access_table(pal_rows)), "compliance")


def _risks(today, latest, pal_rows, leavers) -> Section:  # type: ignore[no-untyped-def]
    risks: list[tuple[str, str]] = []
    for row in pal_rows:
        for p in row["phases"]:
            if not p["mandatory"]:
                continue
            deadline = datetime.fromisoformat(p["deadline"]).date()
            if p["status"] == "open" and p["still_needing"] and deadline - today <= DUE_SOON:
                risks.append(
                    (
                        "Provider Access phase closing soon",
                        f"Year {row['year_group']}: {p['still_needing']} learners still need encounters by {day(p['deadline'])}.",
                    )
                )
            if p["missed"]:
                risks.append(
                    (
                        "Provider Access phase missed",
                        f"Year {row['year_group']}: {p['missed']} learners missed the {p['label']} phase.",
                    )
                )
    if latest:
        for b in latest["benchmarks"]:
            if b["percentage"] is not None and not b["achieved"]:
                risks.append(
                    (
                        "Benchmark not achieved",
                        f"{common.benchmark_title(b['number'])}: {b['percentage']}% of criteria.",
                    )
                )
    if leavers:
        newest = leavers[0]
        unknown = newest.groups[destination_report.national.UNKNOWN]
        if unknown:
            risks.append(
                ("Destinations not known", f"{unknown} of {newest.learners} {newest.cohort} leavers.")
            )
    table = Table("Risks", ("Risk", "Detail"), tuple(risks), empty="No risk found in what Waymark holds.")
    return Section("Risks", (table,), "risks")  # fmt: skip


def _changes(began, history: list[dict[str, Any]], since: list[dict[str, Any]]) -> Section:  # type: ignore[no-untyped-def]
    then = common.evaluation_on(history, began.isoformat())
    now = history[-1] if history else None
    rows = []
    for n in BENCHMARKS:
        before = then["percentages"][n] if then else None
        after = now["percentages"][n] if now else None
        change = after - before if after is not None and before is not None else None
        rows.append((common.benchmark_title(n), before, after, change))
    rows.append(
        (
            "Benchmarks achieved",
            then and then["benchmarks_achieved"],
            now and now["benchmarks_achieved"],
            None,
        )
    )
    then_words = f"the evaluation completed {day(then['completed_at'])}" if then else "no evaluation yet"
    table = Table(
        f"Benchmark results at the start of term ({then_words}) and now (%)",
        ("Benchmark", "Start of term", "Now", "Change (points)"),
        tuple(rows),
        numeric=frozenset({1, 2, 3}),
    )
    return Section(
        "What changed since the start of term",
        (table, blocks.delivered_table(since, f"Activities delivered since {day(began)}")),
        "changes",
    )
