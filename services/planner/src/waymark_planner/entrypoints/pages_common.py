"""What planner's pages share: the blueprint, rendering with the vocabulary's labels,
the refusals of the service layer shown as GOV.UK errors, and how dates, terms and
learners are written. Learners are directory's pseudonymous ids: a page shows a short
reference with the year and form group ("Learner ab12cd34 · 9K"), never a name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template

from waymark_planner.domain import vocabulary
from waymark_planner.domain.academic_year import AcademicYear
from waymark_shared.web.pages import form_errors

planner_pages = Blueprint("planner_pages", __name__)
SCHOOL_TIME = ZoneInfo("Europe/London")
STATUS_TAGS = {
    vocabulary.PLANNED: "govuk-tag--blue",
    vocabulary.DELIVERED: "govuk-tag--green",
    vocabulary.CANCELLED: "govuk-tag--grey",
}
# The service layer's field names where a form names them differently.
DATE_FIELDS = {"date", "achieve_by", "delivered_on"}
FIELD_ON_FORM = {"counts": "count-7", "feedback": "rating-learners", "outcomes": "outcomes", "add": "add"}


def page(template: str, status: int = 200, **context: Any):  # type: ignore[no-untyped-def]
    return render_template(f"planner/{template}", **context), status


def errors_for(errors: Mapping[str, list[str]]) -> Any:
    """The service layer's or a form's field errors as the error summary shows them."""
    named: dict[str, list[str]] = {}
    for name, messages in errors.items():
        head = name.split(".", 1)[0]
        target = name if name in ("_schema",) else FIELD_ON_FORM.get(head, head)
        named.setdefault(target, []).extend(messages)
    found = form_errors(named)
    for link in found["summary"]:
        if link.get("href", "").lstrip("#") in DATE_FIELDS:
            link["href"] += "-day"  # a date's first input, as GOV.UK's date input asks
    return found


def stale(message: str) -> Any:
    return form_errors({"_schema": [message]})


def today() -> date:
    return datetime.now(SCHOOL_TIME).date()


def this_year() -> AcademicYear:
    return AcademicYear.from_date(today())


def long_day(value: date | str | None) -> str:
    """``2026-10-14`` as "14 October 2026"."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def when(moment: datetime | str | None) -> str:
    """A moment as the day and time in England: "14 October 2026, 10:15"."""
    if not moment:
        return ""
    at = (
        moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    )
    if at.tzinfo is not None:
        at = at.astimezone(SCHOOL_TIME)
    return f"{at.day} {at:%B %Y}, {at:%H:%M}"


def learner_ref(learner_id: str) -> str:
    """A pseudonymous learner id, shortened for people: "ab12cd34"."""
    return str(learner_id).replace("-", "")[:8]


def learner_label(learner: Mapping[str, Any]) -> str:
    """ "Learner ab12cd34 · 9K" (or "· Year 9" without a form group)."""
    group = learner.get("form_group") or (
        f"Year {learner['year_group']}" if learner.get("year_group") else ""
    )
    return f"Learner {learner_ref(learner['learner_id'])}" + (f" · {group}" if group else "")


def year_groups_text(year_groups: Any) -> str:
    years = sorted(int(y) for y in year_groups or ())
    if not years:
        return "All year groups"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"Years {years[0]} to {years[-1]}"
    return (
        ("Year " if len(years) == 1 else "Years ")
        + ", ".join(str(y) for y in years[:-1])
        + (f" and {years[-1]}" if len(years) > 1 else str(years[-1]))
    )


def when_text(activity: Mapping[str, Any]) -> str:
    """When it happened (once delivered), else when it is planned: a date or a term."""
    if activity.get("delivered_on"):
        return f"Delivered {long_day(activity['delivered_on'])}"
    if activity.get("date"):
        return long_day(activity["date"])
    term = activity.get("term")
    return vocabulary.TERM_LABELS.get(term, "No term yet") if term else "No term yet"


HISTORY = {
    "ActivityPlanned": "Planned",
    "ActivityUpdated": "Details changed",
    "ActivityLogged": "Logged as delivered",
    "ParticipationCorrected": "Who took part corrected",
    "ActivityEvaluated": "Evaluated",
    "ActivityCancelled": "Cancelled",
}


def history_text(item: Mapping[str, Any]) -> str:
    return HISTORY.get(item.get("type", ""), item.get("type", ""))


def actor_text(actor: str | None) -> str:
    """Who did it, as far as planner knows: an account, shortened (names stay in directory)."""
    if not actor:
        return ""
    return f"by account {str(actor).replace('-', '')[:8]}"


def learners_text(count: int) -> str:
    return f"{count} learner" + ("" if count == 1 else "s")


@planner_pages.app_context_processor
def _vocabulary() -> dict[str, Any]:
    return {
        "v": vocabulary,
        "status_tags": STATUS_TAGS,
        "long_day": long_day,
        "when": when,
        "learner_ref": learner_ref,
        "learner_label": learner_label,
        "year_groups_text": year_groups_text,
        "when_text": when_text,
        "history_text": history_text,
        "actor_text": actor_text,
        "learners_text": learners_text,
    }
