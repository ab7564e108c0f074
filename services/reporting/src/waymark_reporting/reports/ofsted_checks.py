"""The Ofsted pack's checklists: the statutory careers information a school's website
must (maintained schools) or should (academies) carry, and what inspectors typically
check that Waymark holds (domain.md sections 3 and 5.1).

Waymark does not read the school's website, nor hold the careers leader's contact
details or the review date, so those items say what to look for ("check"); an item is
"missing" only when what Waymark holds shows the thing the website must describe is
not there (no plan to summarise, nothing measured).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from waymark_reporting.exports.document import Checklist, ChecklistItem
from waymark_reporting.reports.destinations import KS4, CohortDestinations
from waymark_reporting.wording import day

RECENT_EVALUATION = timedelta(days=183)  # "a recent Compass (within 6 months)"


def careers_leader_item(
    label: str, leaders: int, *, then: str, status: Literal["met", "check"] = "met"
) -> ChecklistItem:
    """Whether anyone holds the careers leader role in Waymark: ``status`` if so, with
    ``then`` (what is left to check); "check" if not (one may be appointed without
    using Waymark)."""
    if leaders:
        holders = f"{leaders} account{'s hold' if leaders != 1 else ' holds'}"
        return ChecklistItem(label, status, f"{holders} the careers leader role in Waymark. {then}")
    return ChecklistItem(
        label,
        "check",
        "No one holds the careers leader role in Waymark: check a careers leader is appointed "
        "(the statutory guidance expects one) and invite them in directory.",
    )


def website_checklist(
    *, year: str, plan_year: str | None, delivery: dict[str, Any] | None, history: list[dict[str, Any]],
    destination_cohorts: int, provider_encounters: int, careers_leaders: int,
) -> Checklist:  # fmt: skip
    planned = delivery["totals"]["planned"] if delivery else 0
    if plan_year == year and planned:
        covered = [f"BM{row['benchmark']}" for row in delivery["by_benchmark"] if row["planned"]]  # type: ignore[index]
        programme = ChecklistItem(
            "A summary of the careers programme, and how pupils, parents, teachers and employers can find out about it",
            "check",
            f"The {year} plan has {planned} activities for {', '.join(covered)}. Check the website summarises "
            "it and says how pupils, parents, teachers and employers can find out more.",
        )
    else:
        programme = ChecklistItem(
            "A summary of the careers programme, and how pupils, parents, teachers and employers can find out about it",
            "missing",
            f"There is no careers plan with activities for {year} in Waymark, so there is no programme to summarise.",
        )
    ratings = delivery["ratings"]["respondents"] if delivery else 0
    if history or destination_cohorts or ratings:
        impact = ChecklistItem(
            "How the school measures and assesses the programme's impact on pupils",
            "check",
            f"Waymark holds {len(history)} benchmark evaluation{'s' if len(history) != 1 else ''}, "
            f"{ratings} response{'s' if ratings != 1 else ''} to activity evaluations and destinations of {destination_cohorts} "
            "leaving cohort(s). Check the website says how these are used to judge impact.",
        )
    else:
        impact = ChecklistItem(
            "How the school measures and assesses the programme's impact on pupils",
            "missing",
            "Waymark holds no evaluation, rating or destination yet: nothing shows how impact is measured.",
        )
    policy_evidence = (
        f"{provider_encounters} provider encounter{'s' if provider_encounters != 1 else ''} delivered this year. "
        if provider_encounters
        else "No provider encounter has been delivered this year, so the statement is not being followed yet. "
    )
    return Checklist(
        "Statutory careers information on the website",
        (
            careers_leader_item(
                "The careers leader's name, email address and telephone number",
                careers_leaders,
                status="check",
                then="Waymark does not hold staff contact details for reports: check the careers page names "
                "the careers leader with an email address and a telephone number.",
            ),
            programme,
            impact,
            ChecklistItem(
                "The date of the next review of the published information",
                "check",
                "Waymark does not hold the website's review date: check one is published and has not passed.",
            ),
            ChecklistItem(
                "The provider access policy statement (access requests, grounds for refusing, premises, "
                "the times access is given and how the encounter duty is met)",
                "missing" if not provider_encounters else "check",
                policy_evidence + "Check the statement is published, ideally on its own page.",
            ),
        ),
    )


def inspector_checklist(
    *, today: date, history: list[dict[str, Any]], destinations: dict[str, list[CohortDestinations]],
    provider_access: list[dict[str, Any]], provider_encounters: int,
) -> Checklist:  # fmt: skip
    latest = history[-1] if history else None
    if latest and date.fromisoformat(latest["completed_at"][:10]) >= today - RECENT_EVALUATION:
        recent = ChecklistItem(
            "A benchmark evaluation in the last six months",
            "met",
            f"Completed {day(latest['completed_at'])}.",
        )
    else:
        detail = (
            f"The latest was completed {day(latest['completed_at'])}."
            if latest
            else "None has been completed."
        )
        recent = ChecklistItem("A benchmark evaluation in the last six months", "missing", detail)
    ks4 = destinations.get(KS4, [])
    cohorts = ", ".join(c.cohort for c in ks4) or "none"
    three = ChecklistItem(
        "Destinations for the last three years",
        "met" if len(ks4) >= 3 else "missing",
        f"Year 11 leaving cohorts with destinations recorded: {cohorts}.",
    )
    missed = sum(p["missed"] for row in provider_access for p in row["phases"] if p["mandatory"])
    due = sum(
        p["still_needing"]
        for row in provider_access
        for p in row["phases"]
        if p["mandatory"] and p["status"] == "open"
    )
    compliance = ChecklistItem(
        "Provider Access Legislation: every learner has the mandatory encounters",
        "missing" if missed else "met",
        f"Mandatory phases missed by learners: {missed}; learners still to meet a phase open now: {due}; "
        f"provider encounters delivered this year: {provider_encounters}.",
    )
    return Checklist("What inspectors check that Waymark holds", (recent, three, compliance))
