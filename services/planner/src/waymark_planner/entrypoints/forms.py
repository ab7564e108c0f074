"""Reading the pages' forms: GOV.UK date inputs (day, month, year), checkboxes (many
values of one name), radios, numbers. Each reader returns the values the service layer
takes and the field errors a person is shown; the service layer then judges what only
it can (dates in the plan's year, providers directory lists, learners on the roster)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from waymark_planner.domain.academic_year import AcademicYear
from waymark_planner.domain.vocabulary import (
    ACTIVITY_TYPES,
    BENCHMARKS,
    DELIVERY,
    FEEDBACK_FROM,
    MEANINGFUL_CHECKLIST,
    OUTCOMES,
    RATINGS,
    SUBJECTS,
    TERMS,
    YEAR_GROUPS,
)

Errors = dict[str, list[str]]
_CRITERION = re.compile(r"^[1-8]\.\d{1,2}$")


class Form:
    """A posted form (or one filled from a record) and the errors found reading it."""

    def __init__(self, data: MultiDict | Mapping[str, Any]):
        self.data = data if isinstance(data, MultiDict) else MultiDict(data)
        self.errors: Errors = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, *, required: str | None = None, limit: int = 200) -> str | None:
        value = (self.data.get(name) or "").strip()
        if not value:
            if required:
                self.error(name, required)
            return None
        if len(value) > limit:
            self.error(name, f"This must be {limit:,} characters or fewer.")
        return value

    def choice(self, name: str, options: Iterable[str], *, required: str | None = None) -> str | None:
        value = (self.data.get(name) or "").strip()
        if not value:
            if required:
                self.error(name, required)
            return None
        if value not in set(options):
            self.error(name, required or "Choose one of the options.")
            return None
        return value

    def choices(self, name: str, options: Iterable[str]) -> list[str]:
        allowed = list(options)
        values = [value for value in self.data.getlist(name) if value]
        unknown = [value for value in values if value not in allowed]
        if unknown:
            self.error(name, "Choose from the options shown.")
        return [value for value in allowed if value in values]

    def numbers(self, name: str, options: Iterable[int]) -> list[int]:
        chosen = self.choices(name, [str(option) for option in options])
        return [int(value) for value in chosen]

    def whole_number(self, name: str, what: str, *, maximum: int = 5000) -> int | None:
        value = (self.data.get(name) or "").strip().replace(",", "")
        if not value:
            return None
        if not value.isdigit():
            self.error(name, f"Enter {what} as a whole number, like 28.")
            return None
        if int(value) > maximum:
            self.error(name, f"Enter {what} of {maximum:,} or fewer.")
            return None
        return int(value)

    def day(
        self, name: str, what: str, *, required: bool = False, year: AcademicYear | None = None
    ) -> date | None:
        parts = [(self.data.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")]
        if not any(parts):
            if required:
                self.error(name, f"Enter {what}.")
            return None
        if not all(part.isdigit() for part in parts):
            self.error(name, f"Enter {what} with a day, month and year, like 14 10 2026.")
            return None
        day_, month, year_ = (int(part) for part in parts)
        try:
            found = date(year_, month, day_)
        except ValueError:
            self.error(name, f"Enter {what} as a real date, like 14 10 2026.")
            return None
        if year is not None and not year.contains(found):
            self.error(name, year.date_error())
        return found

    def checked(self, name: str) -> bool:
        return self.data.get(name) in ("yes", "true", "on")


ACTIVITY_FORM_ORDER = (
    "title", "activity_type", "benchmarks", "criteria", "year_groups", "subjects", "provider_id", "provider_name",
    "date", "term", "delivery", "provider_access_encounter", "meaningful", "objective_ids", "owner", "achieve_by",
    "description",
)  # fmt: skip
DELIVERY_FORM_ORDER = (
    "delivered_on",
    "form_groups",
    "learner_ids",
    *(f"count-{y}" for y in YEAR_GROUPS),
    "meaningful",
    "notes",
)


def in_order(errors: Mapping[str, list[str]], order: Iterable[str]) -> Errors:
    """Errors in the order the form asks its questions (the error summary's order)."""
    rank = {name: index for index, name in enumerate(order)}
    names = sorted(errors, key=lambda name: rank.get(name.split(".", 1)[0], len(rank)))
    return {name: list(errors[name]) for name in names}


def activity_fields(
    data: MultiDict, *, objectives: Iterable[str], providers: Iterable[str], year: AcademicYear
) -> tuple[dict, Errors]:
    """The add or edit activity form: every field of an activity."""
    form = Form(data)
    provider_id = form.choice("provider_id", providers)
    provider_name = form.text("provider_name")
    if provider_id and provider_name:
        form.error("provider_name", "Choose a provider from the directory or type one in, not both.")
    when = form.day("date", "the date", year=year)
    term = form.choice("term", TERMS)
    if when is None and term is None and "date" not in form.errors:
        form.error("term", "Choose the term, or give the date if it is fixed.")
    criteria_text = form.text("criteria") or ""
    criteria = [item.strip() for item in re.split(r"[,\s]+", criteria_text) if item.strip()]
    if any(not _CRITERION.match(item) for item in criteria):
        form.error("criteria", "Give criteria like 5.1 or 6.2, separated by commas.")
    values = {
        "title": form.text("title", required="Enter a title for the activity."),
        "activity_type": form.choice(
            "activity_type", ACTIVITY_TYPES, required="Choose the type of activity."
        ),
        "benchmarks": form.numbers("benchmarks", BENCHMARKS),
        "criteria": criteria,
        "year_groups": form.numbers("year_groups", YEAR_GROUPS),
        "subjects": form.choices("subjects", SUBJECTS),
        "provider_id": provider_id,
        "provider_name": provider_name,
        "date": when,
        "term": term,
        "delivery": form.choice("delivery", DELIVERY, required="Choose in person or virtual."),
        "provider_access_encounter": form.checked("provider_access_encounter"),
        "meaningful": form.choices("meaningful", MEANINGFUL_CHECKLIST),
        "owner": form.text("owner"),
        "objective_ids": form.choices("objective_ids", objectives),
        "achieve_by": form.day("achieve_by", "the date to achieve it by", year=year),
        "description": form.text("description", limit=4000),
    }
    return values, in_order(form.errors, ACTIVITY_FORM_ORDER)


def activity_form_data(activity: Mapping[str, Any]) -> MultiDict:
    """An activity (or a suggestion made into one) as the form shows it."""
    data: MultiDict = MultiDict()
    for name in (
        "title",
        "activity_type",
        "provider_id",
        "provider_name",
        "term",
        "delivery",
        "owner",
        "description",
    ):
        if activity.get(name):
            data.add(name, str(activity[name]))
    for name in ("benchmarks", "year_groups", "subjects", "meaningful", "objective_ids"):
        for value in activity.get(name) or ():
            data.add(name, str(value))
    if activity.get("criteria"):
        data.add("criteria", ", ".join(activity["criteria"]))
    if activity.get("provider_access_encounter"):
        data.add("provider_access_encounter", "yes")
    for name in ("date", "achieve_by"):
        add_day(data, name, activity.get(name))
    return data


def add_day(data: MultiDict, name: str, value: date | str | None) -> None:
    if not value:
        return
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    data.add(f"{name}-day", str(day.day))
    data.add(f"{name}-month", str(day.month))
    data.add(f"{name}-year", str(day.year))


def delivery_fields(
    data: MultiDict, *, learners: Iterable[str], form_groups: Iterable[str], year: AcademicYear, today: date
) -> tuple[dict, Errors]:
    """The log delivery form: when, who took part (form groups, year groups, learners
    chosen one by one, or counts for whole-cohort events), the checklist as delivered."""
    form = Form(data)
    counts = _counts(form)
    values = {
        "delivered_on": form.day("delivered_on", "the date it was delivered", required=True, year=year),
        "form_groups": form.choices("form_groups", form_groups),
        "year_groups": form.numbers("year_groups", YEAR_GROUPS),
        "learner_ids": form.choices("learner_ids", learners),
        "counts": counts,
        "meaningful": form.choices("meaningful", MEANINGFUL_CHECKLIST),
        "notes": form.text("notes", limit=4000),
    }
    if values["delivered_on"] and values["delivered_on"] > today and "delivered_on" not in form.errors:
        form.error("delivered_on", "The date is in the future: log an activity once it has been delivered.")
    chosen = any(values[name] for name in ("form_groups", "year_groups", "learner_ids", "counts"))
    if not chosen and not any(
        name.startswith(("count-", "learner_ids", "form_groups")) for name in form.errors
    ):
        form.error(
            "form_groups", "Choose who took part: form groups, year groups, learners, or give numbers."
        )
    return values, in_order(form.errors, DELIVERY_FORM_ORDER)


def _counts(form: Form) -> list[dict[str, int]]:
    counts = []
    for year in YEAR_GROUPS:
        count = form.whole_number(f"count-{year}", f"the number of learners in Year {year}")
        if count:
            counts.append({"year_group": year, "count": count})
    return counts


def correction_fields(
    data: MultiDict, *, participants: Iterable[str], learners: Iterable[str]
) -> tuple[dict, Errors]:
    """Correct participation: learners to take off, learners to add, the counts, why."""
    form = Form(data)
    values = {
        "remove": form.choices("remove", participants),
        "add": form.choices("add", learners),
        "counts": _counts(form),
        "reason": form.text("reason", required="Say why the participation is being corrected.", limit=1000),
    }
    return values, form.errors


def evaluation_fields(data: MultiDict, *, objectives: Iterable[str]) -> tuple[dict, Errors]:
    """Feedback by respondent group (a rating 1 to 5, how many gave it, a comment) and
    the outcome against each objective the activity serves."""
    form = Form(data)
    feedback = []
    for source, label in FEEDBACK_FROM.items():
        rating = form.choice(f"rating-{source}", [str(r) for r in RATINGS])
        responses = form.whole_number(f"responses-{source}", f"how many {label.lower()} gave feedback")
        comment = form.text(f"comment-{source}", limit=2000)
        if rating is None:
            if responses or comment:
                form.error(
                    f"rating-{source}",
                    f"Give the {label.lower()}'s rating from 1 to 5, or leave their feedback blank.",
                )
            continue
        feedback.append(
            {"from": source, "rating": int(rating), "responses": responses or 1, "comment": comment}
        )
    outcomes = []
    for objective_id in objectives:
        outcome = form.choice(f"outcome-{objective_id}", OUTCOMES)
        note = form.text(f"note-{objective_id}", limit=2000)
        if outcome:
            outcomes.append({"objective_id": objective_id, "outcome": outcome, "note": note})
        elif note:
            form.error(f"outcome-{objective_id}", "Choose met, partly met or not met for this objective.")
    summary = form.text("summary", limit=4000)
    if not feedback and not outcomes and not summary and not form.errors:
        form.error("rating-learners", "Give at least one rating, an outcome or a summary.")
    return {"feedback": feedback, "outcomes": outcomes, "summary": summary}, form.errors


def version(data: MultiDict) -> int | None:
    text = (data.get("version") or "").strip()
    return int(text) if text.isdigit() else None
