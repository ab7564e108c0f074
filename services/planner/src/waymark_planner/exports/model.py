"""What an export of a plan or of its activity log shows, already in words.

``export_views.export_model`` fills it from the read models; the exports only lay it out. It
holds no pupil data at all: participation is counted, never listed, and feedback is
reduced to ratings (free-text comments from learners are left out on purpose).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Status = Literal["planned", "delivered", "cancelled"]

# The "meaningful" checklist of the 2025 benchmarks, as labelled by the vocabulary.
MEANINGFUL_CHECKLIST = (
    "Purpose shared with learners in advance",
    "Clear learning outcomes",
    "Two-way interaction",
    "A task set",
    "Feedback given",
    "Learners reflect afterwards",
)


@dataclass(frozen=True)
class ExportFeedback:
    """Feedback of one kind of respondent on a delivered activity."""

    source_label: str  # "Learners", "Staff", "Employers", "Parents and carers"
    average_rating: float  # 1-5
    responses: int = 1


@dataclass(frozen=True)
class ExportActivity:
    title: str
    activity_type_label: str
    benchmarks: tuple[int, ...]
    criteria: tuple[str, ...]
    year_groups: tuple[int, ...]
    term_label: str
    date: date | None
    provider: str | None
    delivery_label: str
    provider_access_encounter: bool
    meaningful_labels: tuple[str, ...]
    owner: str | None
    status: Status
    delivered_on: date | None
    participants: int
    average_rating: float | None
    feedback_count: int
    objectives: tuple[str, ...]
    # Added by EXPORTS (optional; empty when not known):
    subject_labels: tuple[str, ...] = ()
    participants_by_year_group: Mapping[int, int] = field(default_factory=dict)
    feedback: tuple[ExportFeedback, ...] = ()
    outcomes: tuple[tuple[str, str], ...] = ()  # (objective text, outcome label e.g. "Partly met")
    evaluation_summary: str | None = None  # written by staff, not learners


@dataclass(frozen=True)
class PlanExport:
    institution_name: str
    academic_year: str
    generated_at: datetime
    objectives: tuple[str, ...]
    activities: tuple[ExportActivity, ...]
    benchmark_titles: dict[int, str]
    evaluation_summary: str | None
    # Added by EXPORTS: the checklist items in order, to show "4 of 6" and one column each.
    meaningful_checklist: tuple[str, ...] = MEANINGFUL_CHECKLIST
