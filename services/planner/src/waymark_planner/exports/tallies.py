"""The counts and words both exports show, worked out once from a ``PlanExport``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from waymark_planner.exports.model import ExportActivity, PlanExport

TERM_ORDER = ("autumn", "spring", "summer")
NO_TERM = "No term set"
DEFAULT_YEAR_GROUPS = (7, 8, 9, 10, 11)
FEEDBACK_ORDER = ("learners", "staff", "employers", "parents and carers")


@dataclass(frozen=True)
class Summary:
    planned: int
    delivered: int
    cancelled: int
    provider_access_planned: int  # not cancelled
    provider_access_delivered: int
    participants: int
    average_rating: float | None  # over delivered activities with ratings, weighted by responses
    fully_meaningful: int  # delivered activities meeting the whole checklist

    @property
    def total(self) -> int:
        return self.planned + self.delivered + self.cancelled

    @property
    def rating_text(self) -> str:
        return f"{self.average_rating:.1f} out of 5" if self.average_rating is not None else "None yet"

    def rating(self, *, as_number: bool) -> float | str | None:
        if as_number:
            return round(self.average_rating, 2) if self.average_rating is not None else None
        return self.rating_text

    def rows(self, *, rating_as_number: bool = False) -> list[tuple[str, object]]:
        """The plan's summary, label and value."""
        return [
            ("Activities in the plan", self.total),
            ("Planned (not yet delivered)", self.planned),
            ("Delivered", self.delivered),
            ("Cancelled", self.cancelled),
            ("Provider access encounters (planned or delivered)", self.provider_access_planned),
            ("Provider access encounters delivered", self.provider_access_delivered),
            ("Participants in delivered activities", self.participants),
            ("Delivered activities meeting the whole meaningful checklist", self.fully_meaningful),
            ("Average feedback rating", self.rating(as_number=rating_as_number)),
        ]

    def log_rows(self, *, rating_as_number: bool = False) -> list[tuple[str, object]]:
        """The activity log's summary: only what was delivered."""
        return [
            ("Activities delivered", self.delivered),
            ("Participants in delivered activities", self.participants),
            ("Provider access encounters delivered", self.provider_access_delivered),
            ("Delivered activities meeting the whole meaningful checklist", self.fully_meaningful),
            ("Average feedback rating", self.rating(as_number=rating_as_number)),
        ]


def summary(model: PlanExport) -> Summary:
    status = Counter(a.status for a in model.activities)
    delivered = delivered_activities(model)
    checklist = set(model.meaningful_checklist)
    return Summary(
        planned=status["planned"],
        delivered=status["delivered"],
        cancelled=status["cancelled"],
        provider_access_planned=sum(
            1 for a in model.activities if a.provider_access_encounter and a.status != "cancelled"
        ),
        provider_access_delivered=sum(1 for a in delivered if a.provider_access_encounter),
        participants=sum(a.participants for a in delivered),
        average_rating=_weighted_rating(delivered),
        fully_meaningful=sum(1 for a in delivered if checklist and checklist <= set(a.meaningful_labels)),
    )


def _weighted_rating(activities: Iterable[ExportActivity]) -> float | None:
    total = weight = 0.0
    for activity in activities:
        if activity.average_rating is not None:
            responses = max(activity.feedback_count, 1)
            total += activity.average_rating * responses
            weight += responses
    return total / weight if weight else None


def live_activities(model: PlanExport) -> list[ExportActivity]:
    """What the plan still counts on: planned and delivered, not cancelled."""
    return [a for a in model.activities if a.status != "cancelled"]


def delivered_activities(model: PlanExport) -> list[ExportActivity]:
    return sorted(
        (a for a in model.activities if a.status == "delivered"),
        key=lambda a: (a.delivered_on or a.date or date.max, a.title),
    )


# -- benchmarks and year groups -------------------------------------------------------


def benchmark_numbers(model: PlanExport) -> list[int]:
    numbers = set(model.benchmark_titles) | {b for a in model.activities for b in a.benchmarks}
    return sorted(numbers)


def benchmark_label(model: PlanExport, number: int) -> str:
    title = model.benchmark_titles.get(number)
    return f"{number}. {title}" if title else f"Benchmark {number}"


def year_groups(activities: Sequence[ExportActivity]) -> list[int]:
    found = sorted({y for a in activities for y in a.year_groups})
    return found or list(DEFAULT_YEAR_GROUPS)


def benchmark_by_year(
    activities: Sequence[ExportActivity], benchmarks: Sequence[int], years: Sequence[int]
) -> dict[int, dict[int, int]]:
    """Activities addressing each benchmark for each year group (an activity for several
    year groups counts once in each)."""
    matrix = {b: dict.fromkeys(years, 0) for b in benchmarks}
    for activity in activities:
        for b in activity.benchmarks:
            row = matrix.get(b)
            if row is None:
                continue
            for y in activity.year_groups:
                if y in row:
                    row[y] += 1
    return matrix


def activities_per_benchmark(
    activities: Sequence[ExportActivity], benchmarks: Sequence[int]
) -> dict[int, int]:
    counts = dict.fromkeys(benchmarks, 0)
    for activity in activities:
        for b in set(activity.benchmarks):
            if b in counts:
                counts[b] += 1
    return counts


def participants_in(activity: ExportActivity, year: int) -> int:
    """Participants of ``year``; with no breakdown, all of them when it is the only year."""
    if activity.participants_by_year_group:
        return activity.participants_by_year_group.get(year, 0)
    return activity.participants if activity.year_groups == (year,) else 0


# -- terms ----------------------------------------------------------------------------


def by_term(activities: Iterable[ExportActivity]) -> list[tuple[str, list[ExportActivity]]]:
    """Activities grouped by term, autumn first, each term in date order (undated last)."""
    groups: dict[str, list[ExportActivity]] = {}
    for activity in activities:
        groups.setdefault(activity.term_label or NO_TERM, []).append(activity)
    for items in groups.values():
        items.sort(key=lambda a: (a.delivered_on or a.date or date.max, a.title))
    return sorted(groups.items(), key=lambda item: _term_rank(item[0]))


def by_term_flat(activities: Iterable[ExportActivity]) -> list[ExportActivity]:
    return [a for _, items in by_term(activities) for a in items]


def _term_rank(label: str) -> int:
    words = label.lower().split()
    first = words[0] if words else ""
    return TERM_ORDER.index(first) if first in TERM_ORDER else len(TERM_ORDER)


def feedback_sources(activities: Iterable[ExportActivity]) -> list[str]:
    labels = {f.source_label for a in activities for f in a.feedback}

    def rank(label: str) -> tuple[int, str]:
        low = label.lower()
        return (FEEDBACK_ORDER.index(low) if low in FEEDBACK_ORDER else len(FEEDBACK_ORDER), low)

    return sorted(labels, key=rank)


# -- words ----------------------------------------------------------------------------

# Characters XML 1.0 cannot hold at all: a stray one in a title must not break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


try:
    LONDON: ZoneInfo | None = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # pragma: no cover - no time zone data installed
    LONDON = None


def local_time(moment: datetime) -> datetime:
    """``moment`` as a naive UK wall-clock time (Excel has no time zones)."""
    if moment.tzinfo is None:
        return moment
    zone = LONDON or UTC
    return moment.astimezone(zone).replace(tzinfo=None)


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def generated_words(moment: datetime) -> str:
    local = local_time(moment)
    return f"{long_date(local)} at {local:%H:%M}"


def year_group_label(year: int) -> str:
    return f"Year {year}"


def year_groups_text(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def benchmarks_text(activity: ExportActivity) -> str:
    numbers = ", ".join(str(b) for b in activity.benchmarks)
    if activity.criteria:
        return f"{numbers} ({', '.join(activity.criteria)})"
    return numbers


def rating_text(activity: ExportActivity) -> str:
    if activity.average_rating is None:
        return "Not evaluated"
    count = activity.feedback_count
    return f"{activity.average_rating:.1f} ({count} {'response' if count == 1 else 'responses'})"


def meaningful_text(activity: ExportActivity, checklist: Sequence[str]) -> str:
    met = [item for item in checklist if item in activity.meaningful_labels]
    missing = [item for item in checklist if item not in activity.meaningful_labels]
    text = f"{len(met)} of {len(checklist)}"
    if missing and met:
        text += f"; not: {', '.join(missing)}"
    return text


def status_label(status: str) -> str:
    return status.capitalize()


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"
