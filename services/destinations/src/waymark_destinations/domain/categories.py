"""The destination categories, per leaving point, in the DfE destination measures' terms.

Two leaving points: the end of Key Stage 4 (Year 11) and the end of 16–18 study
(Year 13). Each has its categories, grouped as the DfE tables group them (sustained
education by type, apprenticeships by level, employment, not sustained, activity not
captured), plus two statuses for live tracking that DfE does not publish but local
authorities report (NEET, Not Known). Sources: ../docs/destinations.md and
shared/reference/domain.md section 4.
"""

from __future__ import annotations

from dataclasses import dataclass

KS4, POST16 = "ks4", "16-18"
LEAVING_POINTS = (KS4, POST16)
LEAVING_POINT_NAMES = {KS4: "Key Stage 4 (end of Year 11)", POST16: "16 to 18 (end of Year 13)"}
# How many academic years after the learner's Year 11 cohort the leaving point is.
YEARS_AFTER_YEAR_11 = {KS4: 0, POST16: 2}
# The year group a learner is in at the leaving point.
LEAVING_YEAR_GROUP = {KS4: 11, POST16: 13}

# Groups: how DfE's tables add categories up, and how each is judged sustained.
EDUCATION, APPRENTICESHIP, EMPLOYMENT = "education", "apprenticeship", "employment"
NOT_SUSTAINED_GROUP, UNKNOWN_GROUP, LIVE = "not_sustained", "unknown", "live_tracking"
# A gap year before a place in higher education: a destination, but not one that can be
# sustained (it is neither education nor employment by itself).
DEFERRED = "deferred_higher_education"

# Evidence sources (who told the institution).
SOURCES = ("learner", "parent", "provider", "local_authority", "other")
SOURCE_NAMES = {
    "learner": "The young person",
    "parent": "Parent or carer",
    "provider": "The provider or employer",
    "local_authority": "The local authority (CCIS/NCCIS)",
    "other": "Other",
}
LOCAL_AUTHORITY = "local_authority"

# The September Guarantee offer status (Year 11 leavers; the local authority's record).
SEPTEMBER_GUARANTEE = ("offer_made", "no_offer", "offer_not_appropriate", "not_recorded")
SEPTEMBER_GUARANTEE_NAMES = {
    "offer_made": "Offer made",
    "no_offer": "No offer",
    "offer_not_appropriate": "Offer not appropriate",
    "not_recorded": "Not recorded",
}
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Category:
    code: str
    group: str
    name: str  # the DfE category, as the performance tables word it
    leaving_points: tuple[str, ...]

    @property
    def can_be_sustained(self) -> bool:
        return self.group in (EDUCATION, APPRENTICESHIP, EMPLOYMENT)


BOTH = (KS4, POST16)
CATEGORIES: tuple[Category, ...] = (
    Category("fe_college", EDUCATION, "Further education college or other FE provider", BOTH),
    Category("school_sixth_form", EDUCATION, "School sixth form", (KS4,)),
    Category("sixth_form_college", EDUCATION, "Sixth-form college", (KS4,)),
    Category(
        "other_education",
        EDUCATION,
        "Other education (special school, specialist post-16 institution, AP/PRU, independent "
        "school or a combination of providers)",
        BOTH,
    ),
    Category("higher_education_degree", EDUCATION, "Higher education: degree level (Level 6)", (POST16,)),
    Category(
        "higher_education_other",
        EDUCATION,
        "Higher education: below degree level (Levels 4 and 5)",
        (POST16,),
    ),
    Category("apprenticeship_intermediate", APPRENTICESHIP, "Apprenticeship: intermediate (Level 2)", BOTH),
    Category("apprenticeship_advanced", APPRENTICESHIP, "Apprenticeship: advanced (Level 3)", BOTH),
    Category("apprenticeship_higher", APPRENTICESHIP, "Apprenticeship: higher (Level 4 and above)", BOTH),
    Category("employment", EMPLOYMENT, "Sustained employment", BOTH),
    Category("deferred_he_offer", DEFERRED, "Deferred higher education offer (gap year)", (POST16,)),
    Category("not_sustained", NOT_SUSTAINED_GROUP, "Not recorded as a sustained destination", BOTH),
    Category("activity_not_captured", UNKNOWN_GROUP, "Activity not captured", BOTH),
    Category("neet", LIVE, "Not in education, employment or training (NEET)", BOTH),
    Category("not_known", LIVE, "Not known", BOTH),
)
BY_CODE = {category.code: category for category in CATEGORIES}
NEET, NOT_KNOWN = "neet", "not_known"
# What an intention may be: a destination, or undecided (never a status).
UNDECIDED = "undecided"
GROUP_NAMES = {
    EDUCATION: "Sustained education",
    APPRENTICESHIP: "Apprenticeships",
    EMPLOYMENT: "Sustained employment",
    DEFERRED: "Deferred higher education",
    NOT_SUSTAINED_GROUP: "Not sustained",
    UNKNOWN_GROUP: "Activity not captured",
    LIVE: "Live tracking",
}


def categories_for(leaving_point: str) -> list[Category]:
    return [c for c in CATEGORIES if leaving_point in c.leaving_points]


STATUS_GROUPS = (NOT_SUSTAINED_GROUP, UNKNOWN_GROUP, LIVE)


def intended_categories_for(leaving_point: str) -> list[str]:
    return [c.code for c in categories_for(leaving_point) if c.group not in STATUS_GROUPS] + [UNDECIDED]


def category_error(leaving_point: str, code: str) -> str | None:
    """Why ``code`` is not a destination for ``leaving_point``; None when it is."""
    category = BY_CODE.get(code)
    if category is None:
        return f"{code!r} is not a destination category."
    if leaving_point not in category.leaving_points:
        return f"{category.name} is not a destination after {LEAVING_POINT_NAMES[leaving_point]}."
    return None


def intended_error(leaving_point: str, code: str) -> str | None:
    if code == UNDECIDED:
        return None
    problem = category_error(leaving_point, code)
    if problem is None and BY_CODE[code].group in STATUS_GROUPS:
        return f"{BY_CODE[code].name} is a status, not an intended destination: choose one, or undecided."
    return problem


def name_of(code: str | None) -> str:
    if code is None:
        return "No destination recorded"
    if code == UNDECIDED:
        return "Undecided"
    return BY_CODE[code].name if code in BY_CODE else code
