"""What a synthetic national dataset is made of, and the academic calendar it uses.

The defaults are the national run: 5,000 institutions (about the 4,863 that report
Compass) over three academic years. Learners are scaled down: ``learners_per_year_group``
is a mainstream school's year group (nationally about 200; 5 here makes a national
dataset of about 900,000 events, some 1/40 of one real national year). ``sized()``
chooses the institutions for a number of events.

For the demo, a dataset can reach the present and join the real demo's places:
``until`` leaves out what would happen after that day (activities after it stay
planned, later evaluations, rosters, leavers and destinations are not yet recorded);
``hubs`` and ``trusts`` name, per region, hubs and trusts that take the place of
invented ones (so a demo hub lead's hub has synthetic members too); and
``authority_codes`` gives local authorities (by name) their real codes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Parameters:
    institutions: int = 5_000
    years: int = 3
    first_year: int = 2023  # the first academic year starts 1 September of this year
    learners_per_year_group: int = 5
    activities_per_year: int = 8  # per institution and academic year, on average
    evaluations_per_year: int = 2  # autumn and summer Compass-style self-evaluations
    destination_share: float = 1.0  # the share of leavers whose destinations are tracked
    seed: int = 7
    # Every n-th event of each source is checked against its producer's contracts
    # (1: every event; 0: none).
    validate_every: int = 1000
    until: date | None = None  # nothing after this day (None: every year in full)
    hubs: tuple[tuple[str, str], ...] = ()  # (region, hub name): the region's first hubs
    trusts: tuple[tuple[str, str], ...] = ()  # (region, trust name): its largest trusts
    authority_codes: tuple[tuple[str, str], ...] = ()  # (authority name, its code)

    def with_(self, **changes: object) -> Parameters:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def academic_years(self) -> list[int]:
        return [self.first_year + offset for offset in range(self.years)]

    def happened(self, on: date) -> bool:
        """Whether something on ``on`` has happened by ``until``."""
        return self.until is None or on <= self.until


def academic_year(start: int) -> str:
    """2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


def cohort_start_of(year_group: int, year_start: int) -> int:
    return year_start + 11 - year_group


def day(year_start: int, month: int, day_of_month: int) -> date:
    """A day of the academic year starting 1 September ``year_start``."""
    return date(year_start if month >= 9 else year_start + 1, month, day_of_month)
