"""How reporting words dates, times, ages and shares, on pages and in reports (dates and
times in England's time)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


def day(value: date | str | None) -> str:
    """``2027-02-28`` as "28 February 2027"."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10]) if len(value) <= 10 else _moment(value).date()
    return f"{value.day} {value:%B %Y}"


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ENGLAND)


def when(text: str | None) -> str:
    """A moment as "1 December 2026 at 10:04:05"."""
    if not text:
        return ""
    moment = _moment(text)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M:%S}"


def duration(seconds: float | None) -> str:
    """ "under a second", "42 seconds", "3 minutes", "2 hours", "5 days"."""
    if seconds is None:
        return ""
    if seconds < 1:
        return "under a second"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return ""


def share(value: dict | None) -> str:
    """``{"met": 54, "learners": 120, "percentage": 45}`` as "45% (54 of 120)"."""
    if value is None:
        return "–"
    if value["percentage"] is None:
        return "no learners"
    return f"{value['percentage']}% ({value['met']} of {value['learners']})"


def year_group(number: int | str) -> str:
    return f"Year {number}"


FILTERS = {"day": day, "when": when, "duration": duration, "share": share, "year_group": year_group}
