"""What planner's commands refuse with. Pages and the API turn each into a 4xx: an
:class:`InvalidInput` into field-level messages, and nothing has been written."""

from __future__ import annotations

from waymark_shared.eventstore.store import ConcurrencyError

__all__ = ["ConcurrencyError", "Errors", "InvalidInput", "NotFound", "PlanExists"]

Errors = dict[str, list[str]]


class InvalidInput(ValueError):
    """Field errors: field name to messages a page can show beside it."""

    def __init__(self, errors: Errors):
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


class NotFound(LookupError):
    """No such plan, activity, suggestion or institution (as planner knows them)."""


class PlanExists(ValueError):
    """The institution has a plan for that academic year already (one each year)."""

    def __init__(self, plan_id: str, academic_year: str):
        super().__init__(f"There is a {academic_year} plan already: {plan_id}.")
        self.plan_id = plan_id
        self.academic_year = academic_year
