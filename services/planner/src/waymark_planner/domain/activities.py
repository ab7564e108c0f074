"""An activity's fields, checked: what a careers leader types (a form or the API) in,
the values events and tables hold out, or field errors.

Pure: what the check needs from elsewhere (the plan's academic year and objectives,
and what directory says of a named provider) is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.vocabulary import (
    ACTIVITY_TYPES,
    BENCHMARKS,
    DEFAULT_BENCHMARKS,
    DELIVERY,
    IN_PERSON,
    MEANINGFUL_CHECKLIST,
    SUBJECTS,
    TERMS,
    YEAR_GROUPS,
)

Errors = dict[str, list[str]]

# Every field an activity has, in the order events carry them.
FIELDS = (
    "title",
    "activity_type",
    "benchmarks",
    "criteria",
    "year_groups",
    "subjects",
    "provider_id",
    "provider_name",
    "date",
    "term",
    "delivery",
    "provider_access_encounter",
    "meaningful",
    "owner",
    "objective_ids",
    "achieve_by",
    "description",
)
LIST_FIELDS = ("benchmarks", "criteria", "year_groups", "subjects", "meaningful", "objective_ids")
_CRITERION = re.compile(r"^([1-8])\.(\d{1,2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TRUE = {True, "true", "on", "yes", "1"}
_FALSE = {False, "false", "off", "no", "0", None, ""}


@dataclass(frozen=True)
class ProviderFound:
    """What directory's events say of a provider an activity names."""

    name: str
    listed: bool
    withdrawn: bool


# A provider id to what planner knows of it (None: never heard of).
ProviderLookup = Callable[[str], ProviderFound | None]


@dataclass(frozen=True)
class PlanContext:
    """What an activity is checked against: its plan's year and objectives."""

    academic_year: AcademicYear
    objective_ids: frozenset[str]


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def parse_date(value: object) -> date | None:
    """A date, or an ISO 8601 ``YYYY-MM-DD`` string; None when empty. ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(value)


def _as_list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str | int):
        return [value]
    return list(value)  # type: ignore[call-overload]


def _ints(value: object, allowed: Iterable[int]) -> list[int] | None:
    """Sorted distinct integers from ``allowed``; None when one is not."""
    allowed = set(allowed)
    found = set()
    for item in _as_list(value):
        try:
            number = int(item)
        except (TypeError, ValueError):
            return None
        if isinstance(item, bool) or number not in allowed:
            return None
        found.add(number)
    return sorted(found)


def _choices(value: object, allowed: Iterable[str]) -> list[str] | None:
    """Distinct choices from ``allowed`` in ``allowed``'s order; None when one is not."""
    allowed = list(allowed)
    given = [str(item) for item in _as_list(value)]
    if any(item not in allowed for item in given):
        return None
    return [item for item in allowed if item in given]


def _text(value: object, limit: int) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


class _Checker:
    def __init__(self, plan: PlanContext, providers: ProviderLookup):
        self.plan = plan
        self.providers = providers
        self.errors: Errors = {}

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self, given: Mapping[str, Any]) -> dict[str, Any]:  # noqa: C901, PLR0912 (one rule per field)
        out: dict[str, Any] = {}
        title = _text(given.get("title"), 200)
        if title is None:
            self.error("title", "Enter a title for the activity.")
        elif len(title) > 200:
            self.error("title", "The title must be 200 characters or fewer.")
        out["title"] = title
        activity_type = given.get("activity_type")
        if activity_type not in ACTIVITY_TYPES:
            self.error("activity_type", "Choose the type of activity.")
        out["activity_type"] = activity_type
        benchmarks = given.get("benchmarks")
        if benchmarks is None and activity_type in ACTIVITY_TYPES:
            benchmarks = DEFAULT_BENCHMARKS[activity_type]
        out["benchmarks"] = _ints(benchmarks, BENCHMARKS)
        if out["benchmarks"] is None:
            self.error("benchmarks", "Choose benchmarks from 1 to 8.")
        out["criteria"] = self._criteria(given.get("criteria"), out)
        out["year_groups"] = _ints(given.get("year_groups"), YEAR_GROUPS)
        if out["year_groups"] is None:
            self.error("year_groups", "Choose year groups from Year 7 to Year 14.")
        out["subjects"] = _choices(given.get("subjects"), SUBJECTS)
        if out["subjects"] is None:
            self.error("subjects", "Choose subjects from the list.")
        self._provider(given, out)
        self._when(given, out)
        delivery = given.get("delivery") or IN_PERSON
        if delivery not in DELIVERY:
            self.error("delivery", "Choose in person or virtual.")
        out["delivery"] = delivery
        encounter = given.get("provider_access_encounter", False)
        if encounter not in _TRUE and encounter not in _FALSE:
            self.error(
                "provider_access_encounter", "Say whether it is a Provider Access Legislation encounter."
            )
        out["provider_access_encounter"] = encounter in _TRUE
        out["meaningful"] = _choices(given.get("meaningful"), MEANINGFUL_CHECKLIST)
        if out["meaningful"] is None:
            self.error("meaningful", "Choose from the meaningful checklist.")
        out["owner"] = self._limited(given, "owner", 200, "The owner must be 200 characters or fewer.")
        objective_ids = [str(item) for item in _as_list(given.get("objective_ids"))]
        if any(item not in self.plan.objective_ids for item in objective_ids):
            self.error("objective_ids", "Choose objectives of this plan.")
        out["objective_ids"] = list(dict.fromkeys(objective_ids))
        out["description"] = self._limited(
            given, "description", 5000, "The description must be 5,000 characters or fewer."
        )
        return out

    def _limited(self, given: Mapping[str, Any], field: str, limit: int, message: str) -> str | None:
        text = _text(given.get(field), limit)
        if text is not None and len(text) > limit:
            self.error(field, message)
        return text

    def _criteria(self, value: object, out: dict[str, Any]) -> list[str]:
        criteria = [str(item).strip() for item in _as_list(value) if str(item).strip()]
        bad = [item for item in criteria if not _CRITERION.match(item)]
        if bad:
            self.error(
                "criteria", f"Criteria are written like 5.1 (benchmark 5, criterion 1): not {', '.join(bad)}."
            )
            return criteria
        criteria = sorted(set(criteria), key=lambda c: tuple(int(part) for part in c.split(".")))
        if out["benchmarks"] is not None:
            # A criterion addresses its benchmark.
            out["benchmarks"] = sorted(set(out["benchmarks"]) | {int(c.split(".")[0]) for c in criteria})
        return criteria

    def _provider(self, given: Mapping[str, Any], out: dict[str, Any]) -> None:
        provider_id = _text(given.get("provider_id"), 36)
        provider_name = _text(given.get("provider_name"), 200)
        out["provider_id"], out["provider_name"] = None, None
        if provider_id is not None:
            found = self.providers(provider_id) if is_uuid(provider_id) else None
            if found is None:
                self.error(
                    "provider_id", "Choose a provider listed in the directory, or type the provider's name."
                )
            elif found.withdrawn:
                self.error(
                    "provider_id",
                    f"{found.name} has been withdrawn from the directory: choose another, or type the name.",
                )
            elif not found.listed:
                self.error(
                    "provider_id", f"{found.name} is not listed in the directory yet: type the name instead."
                )
            out["provider_id"] = provider_id.lower()
        elif provider_name is not None:
            if len(provider_name) > 200:
                self.error("provider_name", "The provider's name must be 200 characters or fewer.")
            out["provider_name"] = provider_name

    def _when(self, given: Mapping[str, Any], out: dict[str, Any]) -> None:
        year = self.plan.academic_year
        day = self._date(given, "date")
        out["date"] = day.isoformat() if day else None
        term = given.get("term") or None
        if day is not None and year.contains(day):
            term = year.term_of(day)  # a date implies its term
        elif term not in TERMS and "date" not in self.errors:
            self.error("term", "Choose a term, or give a date.")
        out["term"] = term
        achieve_by = self._date(given, "achieve_by")
        out["achieve_by"] = achieve_by.isoformat() if achieve_by else None

    def _date(self, given: Mapping[str, Any], field: str) -> date | None:
        try:
            day = parse_date(given.get(field))
        except ValueError:
            self.error(field, "Enter a real date, like 2026-10-14.")
            return None
        if day is not None and not self.plan.academic_year.contains(day):
            self.error(field, self.plan.academic_year.date_error())
        return day


def check_activity(
    given: Mapping[str, Any], plan: PlanContext, providers: ProviderLookup
) -> tuple[dict[str, Any], Errors]:
    """A new activity's fields (every one in :data:`FIELDS`, defaults filled in) and the
    errors found; unknown field names are errors too."""
    checker = _Checker(plan, providers)
    for name in sorted(set(given) - set(FIELDS)):
        checker.error(name, "Unknown field.")
    return checker.check(given), checker.errors


def check_changes(
    current: Mapping[str, Any], changes: Mapping[str, Any], plan: PlanContext, providers: ProviderLookup
) -> tuple[dict[str, Any], Errors]:
    """The fields ``changes`` really changes on an activity whose fields are ``current``,
    checked as the whole activity they make; and the errors. Naming a provider from the
    directory clears a typed name, and the other way round."""
    merged = dict(current)
    if changes.get("provider_id"):
        merged["provider_name"] = None
    elif changes.get("provider_name"):
        merged["provider_id"] = None
    if changes.get("date") and "term" not in changes:
        merged["term"] = None
    merged.update(changes)
    if "objective_ids" not in changes:
        # An objective since taken off the plan is dropped, not an error in a change of something else.
        merged["objective_ids"] = [o for o in current.get("objective_ids") or () if o in plan.objective_ids]
    unchanged_provider = merged.get("provider_id") == current.get("provider_id")
    lookup = providers
    if unchanged_provider and current.get("provider_id"):
        # An activity keeps a provider directory has since withdrawn.
        lookup = _keeping(current["provider_id"], providers)
    checked, errors = check_activity(merged, plan, lookup)
    changed = {name: value for name, value in checked.items() if value != current.get(name)}
    return changed, errors


def _keeping(provider_id: str, providers: ProviderLookup) -> ProviderLookup:
    def lookup(wanted: str) -> ProviderFound | None:
        found = providers(wanted)
        if wanted == provider_id:
            return ProviderFound(found.name if found else wanted, listed=True, withdrawn=False)
        return found

    return lookup
