"""A realistic made-up ``PlanExport`` of any size, for the export tests, the benchmark
and for looking at the files without a database. Seeded, so the same size gives the
same plan."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from waymark_planner.exports.model import MEANINGFUL_CHECKLIST, ExportActivity, ExportFeedback, PlanExport

BENCHMARK_TITLES = {
    1: "A stable careers programme",
    2: "Learning from careers and labour market information",
    3: "Addressing the needs of each young person",
    4: "Linking curriculum learning to careers",
    5: "Encounters with employers and employees",
    6: "Experiences of workplaces",
    7: "Encounters with further and higher education",
    8: "Personal guidance",
}
KINDS = (
    ("Employer talk", (5,), "Talk from {p}"),
    ("Careers fair", (5, 7), "Careers fair with {p}"),
    ("Workplace visit", (6,), "Visit to {p}"),
    ("FE college visit", (7,), "Taster day at {p}"),
    ("Apprenticeship or technical education provider encounter", (7,), "Apprenticeships assembly: {p}"),
    ("Personal guidance meeting", (8,), "Guidance interviews"),
    ("Careers in the curriculum lesson", (4,), "Careers in science lessons"),
    ("Labour market information session", (2,), "Local jobs and pay: LMI session"),
    ("Parent and carer event", (1, 2), "Options evening for parents and carers"),
    ("Enterprise challenge", (5, 4), "Enterprise day with {p}"),
)
PROVIDERS = (
    "Northfield College",
    "Riverside NHS Trust",
    "Harbour Engineering Ltd",
    "University of the Midlands",
    "Greenway Builders",
    "County Council",
    None,
)
OWNERS = ("Careers leader", "Head of Year 9", "Careers adviser", "Science department", None)
OBJECTIVES = (
    "Every pupil in Years 7 to 11 has at least one meaningful employer encounter",
    "All Year 11 pupils have a personal guidance interview before February",
    "Parents and carers of Year 9 pupils attend an options event",
)
TERMS = (
    ("Autumn term", date(2026, 9, 7)),
    ("Spring term", date(2027, 1, 5)),
    ("Summer term", date(2027, 4, 12)),
)


def sample_plan(activities: int = 30, *, seed: int = 5, delivered_share: float = 0.55) -> PlanExport:
    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    return PlanExport(
        institution_name="Oakwood Academy",
        academic_year="2026/27",
        generated_at=datetime(2026, 12, 1, 12, 35, tzinfo=UTC),
        objectives=OBJECTIVES,
        activities=tuple(_activity(rng, i, delivered_share) for i in range(activities)),
        benchmark_titles=dict(BENCHMARK_TITLES),
        evaluation_summary="Based on the evaluation completed 20 November 2026: 3 of 8 benchmarks achieved.",
    )


def _activity(rng: random.Random, index: int, delivered_share: float) -> ExportActivity:
    kind, benchmarks, title = KINDS[index % len(KINDS)]
    provider = rng.choice(PROVIDERS)
    term, start = TERMS[rng.randrange(len(TERMS))]
    day = start + timedelta(days=rng.randrange(0, 70)) if rng.random() < 0.8 else None
    years = tuple(sorted(rng.sample(range(7, 14), rng.choice((1, 1, 2, 3)))))
    roll = rng.random()
    status = "delivered" if roll < delivered_share else ("cancelled" if roll > 0.95 else "planned")
    delivered = status == "delivered"
    by_year = {y: rng.randrange(20, 200) for y in years} if delivered else {}
    meaningful = tuple(item for item in MEANINGFUL_CHECKLIST if rng.random() < 0.75)
    feedback = (
        (
            ExportFeedback("Learners", round(rng.uniform(2.5, 5), 1), rng.randrange(5, 60)),
            ExportFeedback("Staff", round(rng.uniform(3, 5), 1), rng.randrange(1, 4)),
        )
        if delivered and rng.random() < 0.7
        else ()
    )
    responses = sum(f.responses for f in feedback)
    rating = sum(f.average_rating * f.responses for f in feedback) / responses if responses else None
    objectives = (OBJECTIVES[index % len(OBJECTIVES)],)
    return ExportActivity(
        title=title.format(p=provider or "a local employer") + (f" ({index + 1})" if index >= 10 else ""),
        activity_type_label=kind,
        benchmarks=benchmarks,
        criteria=tuple(f"{b}.{rng.randrange(1, 4)}" for b in benchmarks),
        year_groups=years,
        term_label=term,
        date=day,
        provider=provider,
        delivery_label="Virtual" if rng.random() < 0.2 else "In person",
        provider_access_encounter="Apprenticeship" in kind or "FE" in kind,
        meaningful_labels=meaningful,
        owner=rng.choice(OWNERS),
        status=status,
        delivered_on=(day or start + timedelta(days=20)) if delivered else None,
        participants=sum(by_year.values()),
        average_rating=round(rating, 2) if rating is not None else None,
        feedback_count=responses,
        objectives=objectives,
        subject_labels=("Science",) if kind.startswith("Careers in") else (),
        participants_by_year_group=by_year,
        feedback=feedback,
        outcomes=((objectives[0], rng.choice(("Met", "Partly met", "Not met"))),) if feedback else (),
        evaluation_summary="Pupils asked good questions; repeat next year." if feedback else None,
    )
