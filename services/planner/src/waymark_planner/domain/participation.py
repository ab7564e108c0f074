"""Who took part in a delivered activity: learners by directory's pseudonymous ids, and
counts per year group for whole-cohort events where no one is named. Pure checks of
what a careers leader gives; the service layer checks the ids against the roster."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from waymark_planner.domain.activities import is_uuid
from waymark_planner.domain.vocabulary import MEANINGFUL_CHECKLIST, YEAR_GROUPS

Errors = dict[str, list[str]]
MAX_COUNT = 100_000


def check_counts(given: object, errors: Errors, field: str = "counts") -> list[dict[str, int]]:
    """Counts per year group, as ``[{"year_group", "count"}]`` or ``{year_group: count}``,
    as events carry them: by year group, the zeros left out."""
    if given is None:
        return []
    if isinstance(given, Mapping):
        given = [{"year_group": year, "count": count} for year, count in given.items()]
    counts: dict[int, int] = {}
    for item in given:  # type: ignore[attr-defined]
        try:
            year, count = int(item["year_group"]), int(item["count"])
        except (KeyError, TypeError, ValueError):
            errors.setdefault(field, []).append("Give each count as a whole number for a year group.")
            continue
        if year not in YEAR_GROUPS:
            errors.setdefault(field, []).append(f"Year {year} is not a year group from 7 to 14.")
        elif year in counts:
            errors.setdefault(field, []).append(f"Year {year} is counted twice: give one count for it.")
        elif not 0 <= count <= MAX_COUNT:
            errors.setdefault(field, []).append(f"The count for Year {year} must be from 0 to {MAX_COUNT:,}.")
        else:
            counts[year] = count
    return [{"year_group": year, "count": counts[year]} for year in sorted(counts) if counts[year]]


def check_learner_ids(given: Iterable[Any], errors: Errors, field: str = "learner_ids") -> list[str]:
    """Distinct learner ids (lower case), in the order given; malformed ones are errors."""
    ids = [str(item).strip().lower() for item in given if str(item).strip()]
    malformed = [item for item in ids if not is_uuid(item)]
    if malformed:
        errors.setdefault(field, []).append(
            f"{_learners(len(malformed))} not a learner id from the roster: {', '.join(malformed[:5])}."
        )
    return list(dict.fromkeys(item for item in ids if is_uuid(item)))


def check_meaningful(given: Iterable[Any], errors: Errors) -> list[str]:
    chosen = {str(item) for item in given}
    unknown = chosen - set(MEANINGFUL_CHECKLIST)
    if unknown:
        errors.setdefault("meaningful", []).append("Choose from the meaningful checklist.")
    return [item for item in MEANINGFUL_CHECKLIST if item in chosen]


def _learners(count: int) -> str:
    return "1 is" if count == 1 else f"{count} are"


def describe_learners(count: int, what: str) -> str:
    """``"3 learners are not on the roster"``-style messages."""
    return f"{count} learner{'s' if count != 1 else ''} {'is' if count == 1 else 'are'} {what}"


def total(learner_ids: Iterable[str], counts: Iterable[Mapping[str, int]]) -> int:
    """Everyone who took part: the learners named and those counted."""
    return len(list(learner_ids)) + sum(item["count"] for item in counts)
