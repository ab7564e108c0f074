"""A learner's destinations, event sourced (one stream a learner, ``destination-<id>``):
intended, actual and sustained, per leaving point, and their consent to be tracked.

Each ``decide_*`` checks a request against the learner's roster facts, the
institution, the consent and the date it is, and returns the events to append (none
when the request changes nothing), or raises :class:`Refusal`: 422 when the request
itself is wrong (a field named), 409 when it is right but cannot be done now (too
early, tracking ended). Pure: "today" is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from waymark_destinations.domain import calendar, consent, sustained
from waymark_destinations.domain.categories import (
    BY_CODE,
    LEAVING_POINT_NAMES,
    LEAVING_POINTS,
    LEAVING_YEAR_GROUP,
    LOCAL_AUTHORITY,
    NOT_RECORDED,
    POST16,
    SEPTEMBER_GUARANTEE,
    SOURCES,
    category_error,
    intended_error,
)
from waymark_destinations.domain.consent import GIVEN, LearnerFacts
from waymark_destinations.domain.events import (
    DestinationConsentRecorded,
    DestinationIntended,
    DestinationNotSustained,
    DestinationRecorded,
    DestinationSustained,
)

MAX_DAYS_AHEAD = 92  # a start date may be up to three months ahead (a place accepted)


class Refusal(ValueError):
    def __init__(self, status: int, title: str, errors: dict[str, list[str]]):
        super().__init__(f"{status} {title}: {errors}")
        self.status, self.title, self.errors = status, title, errors

    @property
    def detail(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)


def _invalid(errors: dict[str, list[str]]) -> Refusal:
    return Refusal(422, "The destination is not valid", errors)


def _conflict(name: str, message: str, title: str = "Cannot record this now") -> Refusal:
    return Refusal(409, title, {name: [message]})


@dataclass
class LeavingPointState:
    intended: dict[str, Any] | None = None
    actual: dict[str, Any] | None = None
    judgement: dict[str, Any] | None = None  # {"outcome", "period_ended", "source", "evidence_date"}


@dataclass
class LearnerDestinations:
    learner_id: str
    points: dict[str, LeavingPointState] = field(
        default_factory=lambda: {point: LeavingPointState() for point in LEAVING_POINTS}
    )
    consent: dict[str, Any] | None = None
    version: int = 0

    @classmethod
    def from_history(cls, learner_id: str, events: list[Any]) -> LearnerDestinations:
        state = cls(learner_id)
        for event in events:
            state.apply(event)
        return state

    def apply(self, event: Any) -> None:
        self.version += 1
        if isinstance(event, DestinationConsentRecorded):
            self.consent = vars(event).copy()
            return
        point = self.points[event.leaving_point]
        data = vars(event).copy()
        if isinstance(event, DestinationIntended):
            point.intended = data
        elif isinstance(event, DestinationRecorded):
            point.actual, point.judgement = {**data, "version": self.version}, None
        elif isinstance(event, DestinationSustained):
            point.judgement = {**data, "outcome": sustained.SUSTAINED}
        elif isinstance(event, DestinationNotSustained):
            point.judgement = {**data, "outcome": sustained.NOT_SUSTAINED}

    @property
    def consented(self) -> bool:
        return self.consent is not None and self.consent["consent"] == GIVEN


@dataclass(frozen=True)
class Context:
    """Everything a decision needs besides the learner's own history."""

    learner: LearnerFacts
    institution_open: bool
    high_age: int | None
    today: date


# -- shared checks -----------------------------------------------------------------------


def _common(ctx: Context, leaving_point: str, source: str, evidence_date: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if leaving_point not in LEAVING_POINTS:
        errors["leaving_point"] = [f"Choose one of {', '.join(LEAVING_POINTS)}."]
    if source not in SOURCES:
        errors["source"] = [f"Choose one of {', '.join(SOURCES)}."]
    if evidence_date > ctx.today:
        errors["evidence_date"] = ["The date of the evidence cannot be in the future."]
    if ctx.learner.cohort is None:
        errors["learner_id"] = ["Directory has not said which cohort this learner is in."]
    if leaving_point == POST16 and not consent.has_sixth_form(ctx.high_age):
        errors["leaving_point"] = ["The institution has no sixth form: record the Key Stage 4 destination."]
    if not errors and consent.left_before(ctx.learner, leaving_point):
        left = ctx.learner.leaving_date
        errors["learner_id"] = [
            f"The learner left on {left:%-d %B %Y}, before {LEAVING_POINT_NAMES[leaving_point]}: "
            "their destination is for the institution they moved to."
        ]
    return errors


def _within_tracking(ctx: Context) -> None:
    assert ctx.learner.cohort is not None
    ends = calendar.tracking_ends(ctx.learner.cohort)
    if ctx.today > ends:
        raise _conflict(
            "learner_id",
            f"Tracking ended on {ends:%-d %B %Y}, three years after the end of Key Stage 4: "
            "nothing more is recorded for this learner.",
            "Tracking has ended",
        )
    if not ctx.institution_open:
        raise _conflict("institution_id", "The institution has closed: it records no new destinations.")


def _allowed_without_consent(
    state: LearnerDestinations, ctx: Context, leaving_point: str, source: str, has_detail: bool
) -> dict[str, list[str]]:
    if state.consented or not consent.needs_consent(ctx.learner, leaving_point, ctx.high_age):
        return {}
    if source != LOCAL_AUTHORITY:
        return {
            "source": [
                "There is no recorded consent to track this learner beyond 16: only the status the local "
                "authority reports can be kept. Record their consent first, or choose local authority."
            ]
        }
    if has_detail:
        return {"provider": ["Without consent no provider, employer or notes are kept: leave them out."]}
    return {}


# -- decisions ---------------------------------------------------------------------------


def decide_intended(
    state: LearnerDestinations,
    ctx: Context,
    *,
    leaving_point: str,
    category: str,
    source: str,
    evidence_date: date,
) -> list[Any]:
    errors = _common(ctx, leaving_point, source, evidence_date)
    if leaving_point in LEAVING_POINTS:
        problem = intended_error(leaving_point, category)
        if problem:
            errors["category"] = [problem]
    if errors:
        raise _invalid(errors)
    _within_tracking(ctx)
    year_group = LEAVING_YEAR_GROUP[leaving_point]
    if not ctx.learner.on_roll or ctx.learner.year_group != year_group:
        raise _conflict(
            "leaving_point",
            f"An intended destination is recorded while the learner is in Year {year_group}.",
        )
    assert ctx.learner.cohort is not None
    event = DestinationIntended(
        state.learner_id,
        ctx.learner.institution_id,
        leaving_point,
        calendar.leaving_cohort(ctx.learner.cohort, leaving_point),
        category,
        source,
        evidence_date.isoformat(),
    )
    current = state.points[leaving_point].intended
    if current is not None and (current["category"], current["source"]) == (category, source):
        return []
    return [event]


def decide_recorded(
    state: LearnerDestinations,
    ctx: Context,
    *,
    leaving_point: str,
    category: str,
    start_date: date,
    source: str,
    evidence_date: date,
    september_guarantee: str = NOT_RECORDED,
    has_detail: bool = False,
    detail_changed: bool = False,
) -> list[Any]:
    """``has_detail``: a provider, employer or notes come with it; ``detail_changed``:
    they differ from those kept with the current destination."""
    errors = _common(ctx, leaving_point, source, evidence_date)
    if leaving_point in LEAVING_POINTS:
        problem = category_error(leaving_point, category)
        if problem:
            errors["category"] = [problem]
    if september_guarantee not in SEPTEMBER_GUARANTEE:
        errors["september_guarantee"] = [f"Choose one of {', '.join(SEPTEMBER_GUARANTEE)}."]
    elif leaving_point == POST16 and september_guarantee != NOT_RECORDED:
        errors["september_guarantee"] = ["The September Guarantee is for Year 11 leavers (Key Stage 4)."]
    if errors:
        raise _invalid(errors)
    _within_tracking(ctx)
    left = consent.leaving_day(ctx.learner, leaving_point)
    if ctx.today < left:
        raise _conflict(
            "leaving_point",
            f"The learner reaches the end of {LEAVING_POINT_NAMES[leaving_point]} on {left:%-d %B %Y}: "
            "record their intended destination until then.",
        )
    assert ctx.learner.cohort is not None
    ends = calendar.tracking_ends(ctx.learner.cohort)
    if start_date < left:
        errors["start_date"] = [f"The start date is before the learner left, on {left:%-d %B %Y}."]
    elif start_date > ends:
        errors["start_date"] = [f"The start date is after tracking ends, on {ends:%-d %B %Y}."]
    elif start_date > ctx.today + timedelta(days=MAX_DAYS_AHEAD):
        errors["start_date"] = ["The start date is more than three months ahead: record an intention instead."]
    errors.update(_allowed_without_consent(state, ctx, leaving_point, source, has_detail))
    if errors:
        raise _invalid(errors)
    event = DestinationRecorded(
        state.learner_id,
        ctx.learner.institution_id,
        leaving_point,
        calendar.leaving_cohort(ctx.learner.cohort, leaving_point),
        category,
        start_date.isoformat(),
        source,
        evidence_date.isoformat(),
        september_guarantee,
    )
    current = state.points[leaving_point].actual
    if current is not None and not detail_changed and _same_destination(current, event):
        return []
    return [event]


def _same_destination(current: dict[str, Any], event: DestinationRecorded) -> bool:
    keys = ("category", "start_date", "source", "september_guarantee")
    return all(current[k] == getattr(event, k) for k in keys)


def decide_judgement(
    state: LearnerDestinations,
    ctx: Context,
    *,
    leaving_point: str,
    outcome: str,
    source: str,
    evidence_date: date,
) -> list[Any]:
    errors = _common(ctx, leaving_point, source, evidence_date)
    if outcome not in (sustained.SUSTAINED, sustained.NOT_SUSTAINED):
        errors["outcome"] = ["Choose sustained or not_sustained."]
    if errors:
        raise _invalid(errors)
    _within_tracking(ctx)
    actual = state.points[leaving_point].actual
    if actual is None:
        raise _conflict("leaving_point", "Record the destination the learner started first.")
    category = BY_CODE[actual["category"]]
    if not category.can_be_sustained:
        raise _invalid({"category": [f"{category.name} is not a destination that can be sustained."]})
    start = date.fromisoformat(actual["start_date"])
    period = sustained.period_for(category.code, start, actual["leaving_cohort"])
    if ctx.today < period.judged_from:
        raise _conflict(
            "outcome",
            f"Sustained means {period.rule}; that period ends on {period.ends:%-d %B %Y}, so it can be "
            f"judged from {period.judged_from:%-d %B %Y}.",
            "Too early to judge",
        )
    if outcome == sustained.SUSTAINED:
        problem = sustained.why_it_cannot_be_sustained(category.code, start, actual["leaving_cohort"])
        if problem:
            raise _invalid({"outcome": [problem]})
    errors = _allowed_without_consent(state, ctx, leaving_point, source, False)
    if errors:
        raise _invalid(errors)
    kind = DestinationSustained if outcome == sustained.SUSTAINED else DestinationNotSustained
    event = kind(
        state.learner_id,
        ctx.learner.institution_id,
        leaving_point,
        actual["leaving_cohort"],
        category.code,
        actual["start_date"],
        period.ends.isoformat(),
        source,
        evidence_date.isoformat(),
    )
    judged = state.points[leaving_point].judgement
    if judged is not None and judged["outcome"] == outcome:
        return []
    return [event]


def decide_consent(
    state: LearnerDestinations,
    ctx: Context,
    *,
    status: str,
    given_by: str,
    consent_date: date,
    recorded_by: str,
    recorded_at: str,
) -> list[Any]:
    errors: dict[str, list[str]] = {}
    if status not in consent.CONSENTS:
        errors["consent"] = [f"Choose one of {', '.join(consent.CONSENTS)}."]
    if given_by not in consent.GIVERS:
        errors["given_by"] = ["Say who gave it: the learner or a parent."]
    if consent_date > ctx.today:
        errors["consent_date"] = ["The date cannot be in the future."]
    if ctx.learner.cohort is None:
        errors["learner_id"] = ["Directory has not said which cohort this learner is in."]
    if errors:
        raise _invalid(errors)
    _within_tracking(ctx)
    current = state.consent
    if current is not None and (current["consent"], current["given_by"]) == (status, given_by):
        return []
    return [
        DestinationConsentRecorded(
            state.learner_id,
            ctx.learner.institution_id,
            status,
            given_by,
            consent_date.isoformat(),
            recorded_by,
            recorded_at,
        )
    ]


