"""Reads: who is in each leaving cohort with their current destination, the cohort
view (counts, percentages, sustained rate, change over the years), a learner's
history and the export in DfE category terms. The worklist is in ``worklist.py``.

A leaving cohort is the institution's learners who reached the leaving point there:
for Key Stage 4 those of that Year 11 cohort who had not left before Year 11; for 16
to 18 those who were still there in Year 13 (only at an institution with a sixth
form). Learners with no destination recorded count in the cohort, as not known.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, or_, select

from waymark_destinations.adapters.institutions import institution
from waymark_destinations.adapters.tables import consents, destination_details, destinations, learners
from waymark_destinations.domain import calendar, consent, sustained
from waymark_destinations.domain.categories import (
    BY_CODE,
    GROUP_NAMES,
    KS4,
    NEET,
    NOT_KNOWN,
    POST16,
    YEARS_AFTER_YEAR_11,
    categories_for,
)
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.recording import EVENT_CLASSES, facts_from_row, stream_id
from waymark_shared.db.engine import reading
from waymark_shared.events.mapping import to_domain
from waymark_shared.service import ServiceRuntime

COHORTS_SHOWN = 3


def leaving_cohorts(leaving_point: str, day: date, count: int = COHORTS_SHOWN) -> list[str]:
    """The latest ``count`` leaving cohorts that have reached the leaving point, newest first."""
    latest = calendar.start_year(calendar.academic_year_of(day)) - 1
    return [calendar.year_name(latest - back) for back in range(count)]


def year_11_cohort(leaving_cohort: str, leaving_point: str) -> str:
    return calendar.year_name(calendar.start_year(leaving_cohort) - YEARS_AFTER_YEAR_11[leaving_point])


def cohort_members(
    runtime: ServiceRuntime, institution_id: str, leaving_point: str, cohorts: list[str]
) -> dict[str, list[Any]]:
    """Leaving cohort → its learners, each a row (attributes) with their destination's values."""
    d, t = destinations.c, learners.c
    by_year_11 = {year_11_cohort(c, leaving_point): c for c in cohorts}
    query = (
        select(
            t.learner_id, t.institution_id, t.year_group, t.cohort, t.form_group, t.on_roll, t.leaving_date,
            d.category, d.start_date, d.source, d.sustained, d.judged_from, d.september_guarantee,
            d.intended_category, consents.c.consent,
        )
        .select_from(learners)
        .outerjoin(destinations, and_(d.learner_id == t.learner_id, d.leaving_point == leaving_point))
        .outerjoin(consents, consents.c.learner_id == t.learner_id)
        .where(t.institution_id == institution_id, t.cohort.in_(list(by_year_11)))
        .order_by(t.form_group, t.learner_id)
    )  # fmt: skip
    found: dict[str, list[Any]] = {c: [] for c in cohorts}
    # Who left before the leaving year began is another institution's leaver.
    begins = {year_11: date(calendar.start_year(c), 9, 1) for year_11, c in by_year_11.items()}
    with reading(runtime.engine) as conn:
        for row in conn.execute(query):
            if row.leaving_date is not None and row.leaving_date < begins[row.cohort]:
                continue
            found[by_year_11[row.cohort]].append(row)
    return found


def _percent(count: int, size: int) -> float | None:
    return round(100.0 * count / size, 1) if size else None


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 1)


class Tally(NamedTuple):
    """Learners of a leaving cohort with the same destination, judgement and offer."""

    category: str | None
    sustained: str | None
    september_guarantee: str | None
    learners: int
    had_intention: int  # of whom this many had an intended destination recorded
    as_intended: int  # and this many went where they intended


def cohort_tallies(
    runtime: ServiceRuntime, institution_id: str, leaving_point: str, cohorts: list[str]
) -> dict[str, list[Tally]]:
    """Leaving cohort → (category, sustained, September Guarantee, learners) counted by
    the database: the cohort view needs no learner's row."""
    d, t = destinations.c, learners.c
    by_year_11 = {year_11_cohort(c, leaving_point): c for c in cohorts}
    stayed = or_(*(
        and_(t.cohort == year_11, or_(t.leaving_date.is_(None), t.leaving_date >= date(calendar.start_year(c), 9, 1)))
        for year_11, c in by_year_11.items()
    ))  # fmt: skip
    had_intention = func.sum(case((d.intended_category.is_not(None), 1), else_=0))
    as_intended = func.sum(case((d.intended_category == d.category, 1), else_=0))
    query = (
        select(t.cohort, d.category, d.sustained, d.september_guarantee, func.count(), had_intention, as_intended)
        .select_from(learners)
        .outerjoin(destinations, and_(d.learner_id == t.learner_id, d.leaving_point == leaving_point))
        .where(t.institution_id == institution_id, stayed)
        .group_by(t.cohort, d.category, d.sustained, d.september_guarantee)
    )
    found: dict[str, list[Tally]] = {c: [] for c in cohorts}
    with reading(runtime.engine) as conn:
        for cohort, category, judged, guarantee, count, intended, matched in conn.execute(query):
            found[by_year_11[cohort]].append(
                Tally(category, judged, guarantee, int(count), int(intended or 0), int(matched or 0))
            )
    return found


def _summary(leaving_cohort: str, tallies: list[Tally], leaving_point: str) -> dict[str, Any]:
    size = sum(tally.learners for tally in tallies)
    intended = sum(tally.had_intention for tally in tallies)
    matched = sum(tally.as_intended for tally in tallies)
    counts: dict[str, int] = {}
    sustained_count = not_sustained = pending = 0
    guarantee: dict[str, int] = {}
    for category, judged, offer, count, _, _ in tallies:
        code = category or "none"
        counts[code] = counts.get(code, 0) + count
        sustained_count += count if judged == sustained.SUSTAINED else 0
        not_sustained += count if judged == sustained.NOT_SUSTAINED else 0
        pending += count if judged == sustained.PENDING else 0
        if leaving_point == KS4 and category:
            status = offer or "not_recorded"
            guarantee[status] = guarantee.get(status, 0) + count
    categories = [
        {"code": c.code, "name": c.name, "group": c.group, "count": counts.get(c.code, 0),
         "percentage": _percent(counts.get(c.code, 0), size)}
        for c in categories_for(leaving_point)
    ]  # fmt: skip
    groups: dict[str, int] = {}
    for item in categories:
        groups[item["group"]] = groups.get(item["group"], 0) + item["count"]
    return {
        "leaving_cohort": leaving_cohort,
        "size": size,
        "recorded": size - counts.get("none", 0),
        "categories": categories,
        "groups": [
            {"group": g, "name": GROUP_NAMES[g], "count": n, "percentage": _percent(n, size)}
            for g, n in groups.items()
        ],
        "sustained": sustained_count,
        # None until a destination of the cohort has been judged (none can be before
        # the April after leaving): 0% would read as a failure.
        "sustained_rate": _percent(sustained_count, size) if sustained_count + not_sustained else None,
        "judged_from": date(calendar.start_year(leaving_cohort) + 2, 4, 1).isoformat(),
        "not_sustained": not_sustained,
        "pending": pending,
        "neet": counts.get(NEET, 0),
        "not_known": counts.get(NOT_KNOWN, 0) + counts.get("none", 0),
        "no_destination": counts.get("none", 0),
        "september_guarantee": guarantee,
        "had_intention": intended,
        "as_intended": matched,
        "as_intended_rate": _percent(matched, intended),
    }


def cohort_view(runtime: ServiceRuntime, institution_id: str, leaving_point: str) -> dict[str, Any]:
    """The latest three leaving cohorts, newest first, each compared with the one before."""
    day = today(runtime)
    cohorts = leaving_cohorts(leaving_point, day, COHORTS_SHOWN + 1)
    found = institution(runtime, institution_id) or {}
    if leaving_point == POST16 and not consent.has_sixth_form(found.get("high_age")):
        return {"leaving_point": leaving_point, "today": day.isoformat(), "cohorts": [], "sixth_form": False}
    tallies = cohort_tallies(runtime, institution_id, leaving_point, cohorts)
    summaries = [_summary(c, tallies[c], leaving_point) for c in cohorts]
    for index, summary in enumerate(summaries[:-1]):
        before = summaries[index + 1]
        if not before["recorded"]:
            continue  # nothing recorded for the cohort before: no change to show
        previous = {item["code"]: item["percentage"] for item in before["categories"]}
        for item in summary["categories"]:
            item["change"] = _change(item["percentage"], previous[item["code"]])
        summary["sustained_change"] = _change(summary["sustained_rate"], before["sustained_rate"])
    for summary in summaries:
        summary.setdefault("sustained_change", None)
        for item in summary["categories"]:
            item.setdefault("change", None)
    return {
        "leaving_point": leaving_point,
        "today": day.isoformat(),
        "sixth_form": consent.has_sixth_form(found.get("high_age")),
        "cohorts": summaries[:COHORTS_SHOWN],
    }


# -- one learner ---------------------------------------------------------------------------


def learner_view(runtime: ServiceRuntime, learner_id: str) -> dict[str, Any] | None:
    with reading(runtime.engine) as conn:
        row = conn.execute(select(learners).where(learners.c.learner_id == learner_id)).first()
        if row is None:
            return None
        current = {
            r.leaving_point: dict(r._mapping)
            for r in conn.execute(select(destinations).where(destinations.c.learner_id == learner_id))
        }
        agreed = conn.execute(select(consents).where(consents.c.learner_id == learner_id)).first()
        details = {
            r.stream_version: dict(r._mapping)
            for r in conn.execute(
                select(destination_details).where(destination_details.c.learner_id == learner_id)
            )
        }
    learner = dict(row._mapping)
    found = institution(runtime, learner["institution_id"]) or {}
    facts = facts_from_row(learner)
    history = []
    for event in runtime.store.read_stream(stream_id(learner_id)):
        data = vars(to_domain(event, EVENT_CLASSES)).copy()
        detail = details.get(event.stream_version, {})
        history.append(
            {"event": event.name, "recorded_at": event.time, "actor": event.actor, "version": event.stream_version,
             **data, "provider": detail.get("provider"), "notes": detail.get("notes")}
        )  # fmt: skip
    history.reverse()
    points = {}
    for point in (KS4, POST16):
        if point == POST16 and not consent.has_sixth_form(found.get("high_age")):
            continue
        if learner["cohort"] is None or consent.left_before(facts, point):
            continue
        points[point] = {
            **(current.get(point) or {}),
            "leaving_cohort": calendar.leaving_cohort(learner["cohort"], point),
            "leaving_day": consent.leaving_day(facts, point),
            "needs_consent": consent.needs_consent(facts, point, found.get("high_age")),
        }
    return {
        **learner,
        "institution": found,
        "points": points,
        "consent": None if agreed is None else dict(agreed._mapping),
        "tracking_ends": calendar.tracking_ends(learner["cohort"]) if learner["cohort"] else None,
        "history": history,
    }


# -- the export ---------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "learner_id", "form_group", "leaving_point", "leaving_cohort", "dfe_group", "dfe_category",
    "destination_measure", "category", "start_date", "sustained", "september_guarantee", "source",
)  # fmt: skip


def _measure(row: Any) -> tuple[str, str, str]:
    """(DfE group, DfE category, the destination measure's verdict) for a learner's row."""
    code = row.category
    if code is None or code == NOT_KNOWN:
        return GROUP_NAMES["unknown"], BY_CODE["activity_not_captured"].name, "Activity not captured"
    category = BY_CODE[code]
    if code == NEET:
        return GROUP_NAMES["not_sustained"], BY_CODE["not_sustained"].name, "Not sustained"
    if not category.can_be_sustained:
        return GROUP_NAMES[category.group], category.name, GROUP_NAMES[category.group]
    verdict = {
        sustained.SUSTAINED: "Sustained",
        sustained.NOT_SUSTAINED: "Not sustained",
    }.get(row.sustained, f"To be judged from {row.judged_from}")
    if row.sustained == sustained.NOT_SUSTAINED:
        return GROUP_NAMES["not_sustained"], BY_CODE["not_sustained"].name, verdict
    return GROUP_NAMES[category.group], category.name, verdict


def export_rows(
    runtime: ServiceRuntime, institution_id: str, leaving_point: str, cohorts: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for leaving_cohort, members in cohort_members(runtime, institution_id, leaving_point, cohorts).items():
        for row in members:
            group, category, verdict = _measure(row)
            rows.append(
                {"learner_id": row.learner_id, "form_group": row.form_group, "leaving_point": leaving_point,
                 "leaving_cohort": leaving_cohort, "dfe_group": group, "dfe_category": category,
                 "destination_measure": verdict, "category": row.category or "",
                 "start_date": row.start_date.isoformat() if row.start_date else "",
                 "sustained": row.sustained or "", "september_guarantee": row.september_guarantee or "",
                 "source": row.source or ""}
            )  # fmt: skip
    return rows


