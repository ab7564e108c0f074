"""The worklist: the institution's tracked learners whose destination needs doing
something about, most urgent first, each with why it is on the list.

Tracked: learners within three years of the end of Key Stage 4 who reached a leaving
point at the institution (and Year 11s and Year 13s still there, for their intended
destination). Urgency, most urgent first (see docs/destinations.md):

0. NEET: in nothing; the local authority should be helping them;
1. no destination recorded, or not known, after the September Guarantee deadline
   (30 September after leaving): nobody knows where they are;
2. no destination recorded, or not known, before that deadline;
3. a sustained judgement due: the DfE period has passed and it is not judged, so the
   destination is lapsing unconfirmed;
4. a leaver with no recorded consent to be tracked beyond 16 (only the local
   authority's status can be kept);
5. a Year 11 or Year 13 on roll with no intended destination.

Within a level, the longest waiting first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from waymark_destinations.adapters.institutions import institution
from waymark_destinations.adapters.tables import consents, destinations, learners
from waymark_destinations.domain import calendar, consent, sustained
from waymark_destinations.domain.categories import (
    KS4,
    LEAVING_POINT_NAMES,
    LEAVING_YEAR_GROUP,
    NEET,
    NOT_KNOWN,
    POST16,
    name_of,
)
from waymark_destinations.service_layer.clock import today
from waymark_shared.db.engine import reading
from waymark_shared.service import ServiceRuntime

NEET_LEVEL, UNKNOWN_LATE, UNKNOWN, JUDGEMENT_DUE, NO_CONSENT, NO_INTENTION = range(6)
LEVEL_NAMES = {
    NEET_LEVEL: "NEET",
    UNKNOWN_LATE: "Destination not known",
    UNKNOWN: "Destination not known",
    JUDGEMENT_DUE: "Sustained judgement due",
    NO_CONSENT: "No consent",
    NO_INTENTION: "No intended destination",
}


def _tracked_cohorts(day: date) -> list[str]:
    """Year 11 cohorts within their three years of tracking (this year's among them)."""
    current = calendar.start_year(calendar.academic_year_of(day))
    found = [calendar.year_name(current - back) for back in range(calendar.TRACKING_YEARS + 2)]
    return [c for c in found if calendar.tracking_ends(c) >= day]


@dataclass(frozen=True)
class _Dates:
    """What the rules need of one Year 11 cohort at one leaving point, worked out once
    for the cohort rather than for each of its learners."""

    leaving_cohort: str
    begins: date  # the leaving year's first day
    ends: date  # the end of its summer term
    last_day: date  # 31 August: a learner who left by then left that year
    tracking_ends: date
    guarantee_deadline: date

    @classmethod
    def of(cls, cohort: str, point: str) -> _Dates:
        year = calendar.leaving_cohort(cohort, point)
        ends = calendar.end_of_leaving_year(year)
        return cls(year, date(calendar.start_year(year), 9, 1), ends, date(ends.year, 8, 31),
                   calendar.tracking_ends(cohort), calendar.september_guarantee_deadline(year))  # fmt: skip


def worklist(runtime: ServiceRuntime, institution_id: str) -> dict[str, Any]:
    """JSON-ready (dates as ISO 8601): the API returns it as it is."""
    day = today(runtime)
    found = institution(runtime, institution_id) or {}
    high_age = found.get("high_age")
    points = (KS4, POST16) if consent.has_sixth_form(high_age) else (KS4,)
    cohorts = sorted(set(_tracked_cohorts(day)))
    dates = {(c, p): _Dates.of(c, p) for c in cohorts for p in points}
    t, c, d = learners.c, consents.c, destinations.c
    query = (
        select(t.learner_id, t.year_group, t.cohort, t.form_group, t.on_roll, t.leaving_date, c.consent)
        .outerjoin(consents, c.learner_id == t.learner_id)
        .where(t.institution_id == institution_id, t.cohort.in_(cohorts))
    )
    rows_query = select(
        d.learner_id, d.leaving_point, d.category, d.sustained, d.judged_from, d.intended_category
    ).where(d.institution_id == institution_id)
    with reading(runtime.engine) as conn:
        people = conn.execute(query).all()
        current = {(r.learner_id, r.leaving_point): r for r in conn.execute(rows_query)}
    items: list[dict[str, Any]] = []
    for person in people:
        for point in points:
            item = _item(person, point, dates[(person.cohort, point)], current.get((person.learner_id, point)), day,
                         high_age)  # fmt: skip
            if item is not None:
                items.append(item)
                break  # one line a learner: the most pressing leaving point
    items.sort(key=lambda item: (item["level"], item["since"], item["form_group"] or "", item["learner_id"]))
    return {"institution_id": institution_id, "today": day.isoformat(), "tracked": len(people), "items": items}


def _stayed(person: Any, dates: _Dates, high_age: int | None) -> bool:
    """In the institution's own sixth form after Year 11 (see domain/consent.py)."""
    if not consent.has_sixth_form(high_age):
        return False
    if person.on_roll:
        return (person.year_group or 0) >= 12
    return person.leaving_date is not None and person.leaving_date > dates.last_day


def _item(  # noqa: PLR0911, PLR0917 (one return a reason)
    person: Any, point: str, dates: _Dates, row: Any, day: date, high_age: int | None
) -> dict[str, Any] | None:
    left_on = person.leaving_date
    if left_on is not None and left_on < dates.begins:
        return None  # left before the leaving year: another institution's leaver
    if day > dates.tracking_ends:
        return None
    left = min(left_on, dates.ends) if left_on is not None and left_on <= dates.last_day else dates.ends
    category = row.category if row is not None else None
    base = (person, point, dates.leaving_cohort, category)
    if day < left:
        in_leaving_year = person.on_roll and person.year_group == LEAVING_YEAR_GROUP[point]
        if in_leaving_year and (row is None or row.intended_category is None):
            return _line(base, NO_INTENTION, dates.begins,
                         f"In Year {person.year_group} with no intended destination recorded.")  # fmt: skip
        return None
    if category == NEET:
        return _line(base, NEET_LEVEL, left, "NEET: not in education, employment or training. Check the "
                     "local authority knows and is offering support.")  # fmt: skip
    if category in (None, NOT_KNOWN):
        what = "No destination recorded" if category is None else "Destination not known"
        deadline = dates.guarantee_deadline
        if point == KS4 and day > deadline:
            return _line(base, UNKNOWN_LATE, left, f"{what} since leaving on {_text(left)}; the September "
                         f"Guarantee deadline ({_text(deadline)}) has passed.")  # fmt: skip
        return _line(base, UNKNOWN, left, f"{what} since leaving on {_text(left)}.")
    if row.sustained == sustained.PENDING and row.judged_from is not None and day >= row.judged_from:
        return _line(base, JUDGEMENT_DUE, row.judged_from, f"{name_of(category)}: whether it was sustained can "
                     f"be judged since {_text(row.judged_from)} and has not been.")  # fmt: skip
    needs = point != KS4 or not _stayed(person, dates, high_age)
    if needs and person.consent != consent.GIVEN:
        return _line(base, NO_CONSENT, left, f"Left after {LEAVING_POINT_NAMES[point]} with no consent to track "
                     "beyond 16: only the local authority's status can be kept.")  # fmt: skip
    return None


def _line(base: tuple[Any, str, str, str | None], level: int, since: date, reason: str) -> dict[str, Any]:
    person, point, leaving_cohort, category = base
    return {
        "learner_id": person.learner_id,
        "form_group": person.form_group,
        "leaving_point": point,
        "leaving_cohort": leaving_cohort,
        "category": category,
        "category_name": name_of(category),
        "level": level,
        "level_name": LEVEL_NAMES[level],
        "since": _iso(since),
        "reason": reason,
    }


@lru_cache(maxsize=4096)
def _iso(day: date) -> str:
    return day.isoformat()


@lru_cache(maxsize=4096)
def _text(day: date) -> str:
    """``17 July 2026``: most of a cohort left on the same few days."""
    return f"{day:%-d %B %Y}"
