"""Demo destinations: for every open institution, its three latest leaving cohorts get
destinations in realistic national proportions, and this year's Year 11s (and Year 13s)
intentions.

The proportions are the 2014/15 national shape of KS4 destinations (domain.md §4: 94%
sustained overall; 37% FE, 37% school sixth form, 11% sixth-form college, 4%
apprenticeships, 3% employment; 5% not sustained; 1% unknown). A learner who stayed in
the institution's own sixth form goes to its sixth form. Most leavers gave consent; the
rest have only the local authority's status. Each destination was recorded in the
October after leaving; those whose period has passed were judged in April, except a
few left for the worklist, as are a few NEET and not known.

Everything goes through the domain's decisions (so every rule holds) at the past day it
happened, and is written per institution in one transaction. The randomness is seeded
by the learner's id, so the same roster gets the same destinations. With no learners
who left, nothing is seeded.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from waymark_destinations import views
from waymark_destinations.adapters.tables import consents, destination_details, institutions, learners
from waymark_destinations.domain import calendar, consent, sustained
from waymark_destinations.domain.categories import BY_CODE, KS4, LOCAL_AUTHORITY, POST16
from waymark_destinations.domain.destinations import (
    Context,
    LearnerDestinations,
    Refusal,
    decide_consent,
    decide_intended,
    decide_judgement,
    decide_recorded,
)
from waymark_destinations.domain.events import DestinationConsentRecorded, DestinationRecorded
from waymark_destinations.service_layer.clock import today
from waymark_destinations.service_layer.recording import Detail, facts_from_row, save_rows, stream_id
from waymark_shared.events.context import message_context
from waymark_shared.events.mapping import to_new_events
from waymark_shared.service import ServiceRuntime

DEMO_ACTOR = "demo-careers-leader"
# (category, share %) of leavers who did not stay in the institution's own sixth form.
KS4_SHAPE = (
    ("school_sixth_form", 37), ("fe_college", 37), ("sixth_form_college", 11), ("other_education", 1),
    ("apprenticeship_intermediate", 2.5), ("apprenticeship_advanced", 1.5), ("employment", 3),
    ("not_sustained", 5), ("unknown", 1),
)  # fmt: skip
POST16_SHAPE = (
    ("higher_education_degree", 48), ("higher_education_other", 5), ("deferred_he_offer", 5),
    ("fe_college", 6), ("apprenticeship_advanced", 6), ("apprenticeship_higher", 4), ("employment", 18),
    ("not_sustained", 7), ("unknown", 1),
)  # fmt: skip
PROVIDERS = {
    "fe_college": ("Leeds City College", "Bradford College", "Kirklees College", "Calderdale College"),
    "sixth_form_college": ("Notre Dame Sixth Form College", "Greenhead College", "New College Pontefract"),
    "school_sixth_form": ("Allerton Grange Sixth Form", "Roundhay School Sixth Form"),
    "apprenticeship_intermediate": ("Bramley Motors", "Aire Valley Care Homes"),
    "apprenticeship_advanced": ("Arla Foods", "Yorkshire Water", "Leeds Teaching Hospitals"),
    "apprenticeship_higher": ("Sky Betting & Gaming", "PwC Leeds"),
    "employment": ("Morrisons", "Asda House", "a family business"),
    "higher_education_degree": ("University of Leeds", "Leeds Beckett University", "University of Sheffield"),
    "higher_education_other": ("Leeds Conservatoire", "Leeds City College University Centre"),
}
CONSENT_RATE = 0.85
JUDGED_RATE = 0.92  # of destinations whose period has passed; the rest are on the worklist
INTENTION_RATE = 0.8
AS_INTENDED_RATE = 0.7


def _pick(rng: random.Random, shape: tuple[tuple[str, float], ...]) -> str:
    roll, total = rng.random() * sum(share for _, share in shape), 0.0
    for code, share in shape:
        total += share
        if roll < total:
            return code
    return shape[-1][0]


def seed_demo(runtime: ServiceRuntime) -> None:
    day = today(runtime)
    if runtime.store.count_after():
        return  # seeded already
    with runtime.engine.connect() as conn:
        open_ones = conn.execute(
            select(institutions.c.institution_id, institutions.c.high_age).where(institutions.c.status == "open")
        ).all()
    for institution_id, high_age in open_ones:
        _seed_institution(runtime, institution_id, high_age, day)


def _seed_institution(runtime: ServiceRuntime, institution_id: str, high_age: int | None, day: date) -> None:
    current = calendar.start_year(calendar.academic_year_of(day))
    cohorts = [calendar.year_name(current - back) for back in range(6)]
    with runtime.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(learners).where(learners.c.institution_id == institution_id, learners.c.cohort.in_(cohorts))
        )]  # fmt: skip
    plans = [plan for row in rows if (plan := _plan(row, high_age, day))]
    if not plans:
        return
    rows_later: list[Any] = []
    with message_context(None, actor=DEMO_ACTOR), runtime.engine.begin() as conn:
        for facts, steps in plans:
            _tell(conn, runtime, facts, steps, high_age, rows_later=rows_later)
        save_rows(conn, rows_later)


def _tell(conn: Any, runtime: ServiceRuntime, facts: Any, steps: list[Any], high_age: int | None, *,
          rows_later: list[Any]) -> None:  # fmt: skip
    """One learner's story: each step decided on the state the ones before left, the
    events appended at once (dated when they happened), the tables brought up to date."""
    state = LearnerDestinations(facts.learner_id)
    events: list[Any] = []
    details: list[dict[str, Any]] = []
    stamps: list[str] = []
    for when, decide, detail in steps:
        ctx = Context(facts, True, high_age, when)
        try:
            decided = decide(state, ctx)
        except Refusal:
            continue  # a learner the rules do not let us track: left alone, as staff would
        for event in decided:
            state.apply(event)
            events.append(event)
            stamps.append(datetime.combine(when, time(10), UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
            if detail and isinstance(event, DestinationRecorded):
                details.append({"learner_id": facts.learner_id, "stream_version": state.version,
                                "provider": detail.provider, "notes": detail.notes})  # fmt: skip
    if not events:
        return
    new = [replace(e, time=stamp) for e, stamp in zip(to_new_events(events, facts.institution_id), stamps, strict=True)]
    runtime.store.append(stream_id(facts.learner_id), 0, new, connection=conn)
    if details:
        conn.execute(destination_details.insert(), details)
    if state.consent is not None:
        row = {**state.consent, "consent_date": date.fromisoformat(state.consent["consent_date"])}
        conn.execute(consents.insert(), row)
    for point in {e.leaving_point for e in events if not isinstance(e, DestinationConsentRecorded)}:
        rows_later.append((state, facts.institution_id, point))


def _plan(row: dict[str, Any], high_age: int | None, day: date) -> tuple[Any, list[Any]] | None:
    """The learner's story as (day, decision, free text) steps, in the order they happened."""
    facts = facts_from_row(row)
    rng = random.Random(facts.learner_id)  # noqa: S311 (demo data, not secrets)
    steps: list[Any] = []
    points = [KS4] + ([POST16] if consent.has_sixth_form(high_age) else [])
    consented, asked = rng.random() < CONSENT_RATE, False
    for point in points:
        if facts.cohort is None or consent.left_before(facts, point):
            continue
        leaving_cohort = calendar.leaving_cohort(facts.cohort, point)
        this_year = leaving_cohort == calendar.academic_year_of(day)
        if leaving_cohort not in views.leaving_cohorts(point, day) and not this_year:
            continue
        left = consent.leaving_day(facts, point)
        if day < left:
            in_year = facts.on_roll and facts.year_group == (11 if point == KS4 else 13)
            if in_year and rng.random() < INTENTION_RATE:
                steps.append(_intention(rng, point, day))
            continue
        if rng.random() < INTENTION_RATE:  # recorded in the spring of Year 11 (or 13)
            steps.append(_intention(rng, point, date(left.year, 2, rng.randint(1, 28)), in_the_year=True,
                                    learner_id=facts.learner_id))  # fmt: skip
        needs = consent.needs_consent(facts, point, high_age)
        if needs and consented and not asked:
            asked, when = True, min(day, left - timedelta(days=rng.randint(10, 40)))
            steps.append((when, _consent_step(rng), None))
        steps.extend(_destination(rng, facts, point, leaving_cohort, left, day, consented or not needs, high_age))
    steps.sort(key=lambda step: step[0])
    return (facts, steps) if steps else None


def _drawn(learner_id: str, point: str) -> str:
    """The destination a leaver goes to, drawn from the national shape (the same each time)."""
    rng = random.Random(f"{learner_id}:{point}")  # noqa: S311 (demo data, not secrets)
    return _pick(rng, KS4_SHAPE if point == KS4 else POST16_SHAPE)


def _intention(rng: random.Random, point: str, day: date, *, in_the_year: bool = False,  # type: ignore[no-untyped-def]
               learner_id: str = "") -> Any:  # fmt: skip
    """An intention; ``in_the_year``: recorded on ``day`` of a leaver's last year, when
    they were still on roll there (the roster as it was then). Most leavers go where
    they intended (AS_INTENDED_RATE)."""
    shape = KS4_SHAPE if point == KS4 else POST16_SHAPE
    category = _pick(rng, shape[:-2])
    went = _drawn(learner_id, point) if learner_id else None
    if went in dict(shape[:-2]) and rng.random() < AS_INTENDED_RATE:
        category = went
    when = day if in_the_year else day - timedelta(days=rng.randint(1, 60))

    def decide(state: LearnerDestinations, ctx: Context) -> list[Any]:
        if in_the_year:
            then = replace(ctx.learner, on_roll=True, year_group=11 if point == KS4 else 13, leaving_date=None)
            ctx = replace(ctx, learner=then)
        return decide_intended(state, ctx, leaving_point=point, category=category, source="learner",
                               evidence_date=ctx.today)  # fmt: skip

    return (when, decide, None)


def _consent_step(rng: random.Random):  # type: ignore[no-untyped-def]
    given_by = "learner" if rng.random() < 0.7 else "parent"

    def decide(state: LearnerDestinations, ctx: Context) -> list[Any]:
        return decide_consent(state, ctx, status="given", given_by=given_by, consent_date=ctx.today,
                              recorded_by=DEMO_ACTOR, recorded_at=datetime.combine(ctx.today, time(10), UTC).isoformat())  # fmt: skip

    return decide


def _destination(  # noqa: PLR0917 (one learner's story)
    rng: random.Random,
    facts: Any,
    point: str,
    leaving_cohort: str,
    left: date,
    day: date,
    may_keep_detail: bool,
    high_age: int | None,
) -> list[Any]:
    stayed = point == KS4 and consent.stayed_in_own_sixth_form(facts, high_age)
    drawn = "school_sixth_form" if stayed else _drawn(facts.learner_id, point)
    recorded_on = min(day, date(left.year, 10, rng.randint(1, 28)))
    if drawn == "unknown":
        category = "not_known" if rng.random() < 0.5 else None
        if category is None:
            return []  # no destination recorded: on the worklist
        return [(recorded_on, _record(category, date(left.year, 9, 1), LOCAL_AUTHORITY, "not_recorded", point), None)]
    failed = drawn == "not_sustained"
    if failed:
        category = "neet" if rng.random() < 0.3 else rng.choice(("fe_college", "employment", "sixth_form_college"))
        if point == POST16 and category == "sixth_form_college":
            category = "employment"
    else:
        category = drawn
    group = BY_CODE[category].group
    start = date(left.year, 9, rng.randint(2, 10)) if group != "apprenticeship" else date(left.year, 9, rng.randint(10, 30))
    source = rng.choice(("learner", "parent", "provider")) if may_keep_detail else LOCAL_AUTHORITY
    detail = Detail(rng.choice(PROVIDERS[category])) if may_keep_detail and category in PROVIDERS else None
    guarantee = "not_recorded"
    if point == KS4:
        roll = rng.random()
        guarantee = ("offer_made" if roll < 0.94 else "offer_not_appropriate" if roll < 0.96
                     else "no_offer" if roll < 0.97 else "not_recorded")  # fmt: skip
    steps = [(recorded_on, _record(category, start, source, guarantee, point), detail)]
    if not BY_CODE[category].can_be_sustained:
        return steps
    period = sustained.period_for(category, start, leaving_cohort)
    judged_on = period.judged_from + timedelta(days=rng.randint(0, 40))
    if judged_on <= day and rng.random() < JUDGED_RATE:
        outcome = sustained.NOT_SUSTAINED if failed else sustained.SUSTAINED
        steps.append((judged_on, _judge(point, outcome, source), None))
    return steps


def _record(category: str, start: date, source: str, guarantee: str, point: str = KS4):  # type: ignore[no-untyped-def]
    def decide(state: LearnerDestinations, ctx: Context) -> list[Any]:
        return decide_recorded(state, ctx, leaving_point=point, category=category, start_date=start, source=source,
                               evidence_date=ctx.today, september_guarantee=guarantee,
                               has_detail=False)  # fmt: skip

    return decide


def _judge(point: str, outcome: str, source: str):  # type: ignore[no-untyped-def]
    def decide(state: LearnerDestinations, ctx: Context) -> list[Any]:
        return decide_judgement(state, ctx, leaving_point=point, outcome=outcome, source=source,
                                evidence_date=ctx.today)  # fmt: skip

    return decide
