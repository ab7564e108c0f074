"""The words reporting shows for the ids other services' events carry, copied by
value (services never import one another): benchmark titles (the 2025 names), activity
types and terms (planner's), sources."""

from __future__ import annotations

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
BENCHMARKS = tuple(BENCHMARK_TITLES)

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
TERMS = ("autumn", "spring", "summer")
TERM_LABELS = {"autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}

SOURCES: dict[str, str] = {
    "directory": "Institutions and learners (directory)",
    "audit": "Evaluations (audit)",
    "planner": "Activities and participation (planner)",
    "destinations": "Destinations",
}


def activity_type_label(activity_type: str) -> str:
    return ACTIVITY_TYPES.get(activity_type, activity_type.replace("_", " ").capitalize())
