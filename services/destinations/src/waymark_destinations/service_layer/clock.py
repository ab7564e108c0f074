"""The date it is, for the destination rules: ``runtime.extras["today"]`` (a date, or a
function giving one) when given, so tests and demos can stand on a chosen day; else
today in the UK."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from waymark_shared.service import ServiceRuntime

UK = ZoneInfo("Europe/London")
TODAY = "today"


def today(runtime: ServiceRuntime) -> date:
    given = runtime.extras.get(TODAY)
    if isinstance(given, date):
        return given
    if callable(given):
        found = given()
        assert isinstance(found, date)
        return found
    return datetime.now(UK).date()


def stand_on(runtime: ServiceRuntime, day: date | Callable[[], date] | None) -> None:
    """Make ``day`` today for ``runtime`` (None: back to the real date)."""
    if day is None:
        runtime.extras.pop(TODAY, None)
    else:
        runtime.extras[TODAY] = day
