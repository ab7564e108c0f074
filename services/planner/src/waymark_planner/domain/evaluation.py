"""A delivered activity's evaluation: ratings 1 to 5 with comments from learners,
staff, employers and parents and carers (a group's rating may stand for many
respondents), and its outcome against the plan's objectives. Pure checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from waymark_planner.domain.vocabulary import FEEDBACK_FROM, OUTCOMES, RATINGS

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def check_feedback(given: Iterable[Mapping[str, Any]], errors: Errors) -> list[dict[str, Any]]:
    """Feedback as events carry it: ``{"from", "rating", "comment", "responses"}``.
    Errors are keyed ``feedback.<index>.<field>``."""
    feedback = []
    for index, item in enumerate(given):
        where = f"feedback.{index}"
        source = item.get("from", item.get("respondent"))
        if source not in FEEDBACK_FROM:
            _add(
                errors,
                f"{where}.from",
                "Say whom the feedback is from: learners, staff, employers or parents and carers.",
            )
        rating = _whole(item.get("rating"))
        if rating not in RATINGS:
            _add(errors, f"{where}.rating", "Give a rating from 1 to 5.")
        responses = _whole(item.get("responses", 1) or 1)
        if responses is None or responses < 1:
            _add(errors, f"{where}.responses", "Give how many gave this rating, 1 or more.")
        comment = str(item.get("comment") or "").strip() or None
        if comment is not None and len(comment) > 2000:
            _add(errors, f"{where}.comment", "The comment must be 2,000 characters or fewer.")
        feedback.append({"from": source, "rating": rating, "comment": comment, "responses": responses})
    return feedback


def check_outcomes(
    given: Iterable[Mapping[str, Any]], objective_ids: Iterable[str], errors: Errors
) -> list[dict[str, Any]]:
    """Outcomes against the plan's objectives: ``{"objective_id", "outcome", "note"}``.
    Errors are keyed ``outcomes.<index>.<field>``."""
    known = set(objective_ids)
    seen: set[str] = set()
    outcomes = []
    for index, item in enumerate(given):
        where = f"outcomes.{index}"
        objective_id = str(item.get("objective_id") or "")
        if objective_id not in known:
            _add(errors, f"{where}.objective_id", "Choose an objective of this plan.")
        elif objective_id in seen:
            _add(errors, f"{where}.objective_id", "Give one outcome for each objective.")
        seen.add(objective_id)
        outcome = item.get("outcome")
        if outcome not in OUTCOMES:
            _add(errors, f"{where}.outcome", "Say whether the objective was met, partly met or not met.")
        note = str(item.get("note") or "").strip() or None
        if note is not None and len(note) > 2000:
            _add(errors, f"{where}.note", "The note must be 2,000 characters or fewer.")
        outcomes.append({"objective_id": objective_id, "outcome": outcome, "note": note})
    return outcomes


def average_rating(feedback: Iterable[Mapping[str, Any]]) -> float | None:
    """The mean rating over every respondent; None without feedback."""
    weighted = [(item["rating"], item.get("responses") or 1) for item in feedback]
    respondents = sum(count for _, count in weighted)
    if not respondents:
        return None
    return round(sum(rating * count for rating, count in weighted) / respondents, 2)


def respondents(feedback: Iterable[Mapping[str, Any]]) -> int:
    return sum(item.get("responses") or 1 for item in feedback)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
