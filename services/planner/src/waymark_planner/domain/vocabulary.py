"""The planner's words: the ids events and tables store, with the labels pages and
exports show. Ids are stable (events carry them); labels may be reworded.

Benchmark titles are the 2025 names ("Good Career Guidance: The Next Ten Years"); the
meaningful checklist is the 2025 definition of a meaningful encounter or experience
(BM5, BM6, BM7). Subjects are directory's subject ids, copied by value: services never
import one another.
"""

from __future__ import annotations

ACTIVITY_TYPES: dict[str, str] = {
    "employer_talk": "Employer talk",
    "careers_fair": "Careers fair",
    "workplace_visit": "Workplace visit",
    "work_shadowing": "Work shadowing",
    "work_experience": "Work experience",
    "fe_visit": "FE college visit",
    "he_visit": "University or HE visit",
    "provider_encounter": "Apprenticeship or technical education provider encounter",
    "guidance_meeting": "Personal guidance meeting",
    "curriculum_lesson": "Careers in the curriculum lesson",
    "enterprise_challenge": "Enterprise challenge",
    "mentoring": "Mentoring",
    "parent_carer_event": "Parent and carer event",
    "lmi_session": "Labour market information session",
    "other": "Other",
}

# The benchmarks an activity of each type usually addresses: what a new activity's
# benchmarks start as (the careers leader may change them).
DEFAULT_BENCHMARKS: dict[str, tuple[int, ...]] = {
    "employer_talk": (5,),
    "careers_fair": (5, 7),
    "workplace_visit": (6,),
    "work_shadowing": (6,),
    "work_experience": (6,),
    "fe_visit": (7,),
    "he_visit": (7,),
    "provider_encounter": (7,),
    "guidance_meeting": (8,),
    "curriculum_lesson": (4,),
    "enterprise_challenge": (5,),
    "mentoring": (3, 5),
    "parent_carer_event": (1, 2),
    "lmi_session": (2,),
    "other": (),
}

BENCHMARKS: tuple[int, ...] = tuple(range(1, 9))
BENCHMARK_TITLES: dict[int, str] = {
    1: "A stable careers programme",
    2: "Learning from careers and labour market information",
    3: "Addressing the needs of each young person",
    4: "Linking curriculum learning to careers",
    5: "Encounters with employers and employees",
    6: "Experiences of workplaces",
    7: "Encounters with further and higher education",
    8: "Personal guidance",
}


def benchmark_label(number: int) -> str:
    """``"5. Encounters with employers and employees"``."""
    return f"{number}. {BENCHMARK_TITLES[number]}"


YEAR_GROUPS: tuple[int, ...] = tuple(range(7, 15))


def year_group_label(year_group: int) -> str:
    return f"Year {year_group}"


AUTUMN, SPRING, SUMMER = "autumn", "spring", "summer"
TERMS: tuple[str, ...] = (AUTUMN, SPRING, SUMMER)
TERM_LABELS: dict[str, str] = {AUTUMN: "Autumn term", SPRING: "Spring term", SUMMER: "Summer term"}

IN_PERSON, VIRTUAL = "in_person", "virtual"
DELIVERY: tuple[str, ...] = (IN_PERSON, VIRTUAL)
DELIVERY_LABELS: dict[str, str] = {IN_PERSON: "In person", VIRTUAL: "Virtual"}

PLANNED, DELIVERED, CANCELLED = "planned", "delivered", "cancelled"
STATUSES: tuple[str, ...] = (PLANNED, DELIVERED, CANCELLED)
STATUS_LABELS: dict[str, str] = {PLANNED: "Planned", DELIVERED: "Delivered", CANCELLED: "Cancelled"}
# planned -> delivered | cancelled; nothing leaves delivered or cancelled.
TRANSITIONS: dict[str, tuple[str, ...]] = {PLANNED: (DELIVERED, CANCELLED), DELIVERED: (), CANCELLED: ()}

MEANINGFUL_CHECKLIST: dict[str, str] = {
    "purpose_shared": "Purpose shared with learners in advance",
    "learning_outcomes": "Clear learning outcomes",
    "two_way": "Two-way interaction",
    "task_set": "A task set",
    "feedback": "Feedback given",
    "reflection": "Learners reflect afterwards",
}

FEEDBACK_FROM: dict[str, str] = {
    "learners": "Learners",
    "staff": "Staff",
    "employers": "Employers",
    "parents_carers": "Parents and carers",
}
RATINGS: tuple[int, ...] = (1, 2, 3, 4, 5)

MET, PARTLY_MET, NOT_MET = "met", "partly_met", "not_met"
OUTCOMES: dict[str, str] = {MET: "Met", PARTLY_MET: "Partly met", NOT_MET: "Not met"}

# How a plan began.
EMPTY, PREVIOUS_YEAR, EVALUATION = "empty", "previous_year", "evaluation"
ORIGINS: dict[str, str] = {
    EMPTY: "Empty",
    PREVIOUS_YEAR: "From the previous year's plan",
    EVALUATION: "From the gaps in the latest evaluation",
}

# A suggestion from the evaluation's gaps, until the careers leader decides.
OFFERED, ACCEPTED, DISMISSED = "offered", "accepted", "dismissed"
SUGGESTION_STATUSES: tuple[str, ...] = (OFFERED, ACCEPTED, DISMISSED)

# Directory's subject ids (services/directory/.../domain/providers.py), by value.
SUBJECTS: tuple[str, ...] = (
    "art_and_design",
    "biology",
    "business",
    "chemistry",
    "citizenship",
    "computing",
    "design_and_technology",
    "drama",
    "economics",
    "english",
    "food_and_nutrition",
    "geography",
    "health_and_social_care",
    "history",
    "languages",
    "mathematics",
    "media_studies",
    "music",
    "physical_education",
    "physics",
    "psychology",
    "pshe",
    "religious_education",
    "science",
    "sociology",
    "engineering",
    "law",
    "classics",
)
SUBJECT_LABELS: dict[str, str] = {subject: subject.replace("_", " ").capitalize() for subject in SUBJECTS}
SUBJECT_LABELS.update(
    {"english": "English", "pshe": "PSHE", "design_and_technology": "Design and technology"}
)


def activity_type_label(activity_type: str) -> str:
    return ACTIVITY_TYPES.get(activity_type, activity_type)
