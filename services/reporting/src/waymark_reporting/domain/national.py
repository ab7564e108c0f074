"""The national shape of Key Stage 4 destinations, and where reporting's destination
categories fall in it.

The figures are the example national shape in ``shared/reference/domain.md`` section 4
(2014/15 leavers, from a school's published performance-table page:
https://baines.lancs.sch.uk/key-stage-4/). They are an example to compare against, not
this year's national statistics: DfE publishes those about two years late (for example,
the October 2024 release covers 2022/23 leavers), at
https://explore-education-statistics.service.gov.uk/find-statistics/key-stage-4-destination-measures.
"""

from __future__ import annotations

NATIONAL_SOURCE = (
    "National: 2014/15 Key Stage 4 leavers, DfE destination measures as shown in school "
    "performance tables (https://baines.lancs.sch.uk/key-stage-4/)."
)
NATIONAL_COHORT = "2014/15"
KS4 = "ks4"  # the leaving point (destinations' code) the national shape is of

# The DfE groups a school's performance table shows, in its order.
FE, SIXTH_FORM, SIXTH_FORM_COLLEGE, OTHER_EDUCATION = (
    "fe",
    "school_sixth_form",
    "sixth_form_college",
    "other_education",
)
APPRENTICESHIPS, EMPLOYMENT, NOT_SUSTAINED, UNKNOWN = (
    "apprenticeships",
    "employment",
    "not_sustained",
    "unknown",
)
GROUPS: dict[str, str] = {
    FE: "Further education college or other FE provider",
    SIXTH_FORM: "School sixth form",
    SIXTH_FORM_COLLEGE: "Sixth-form college",
    OTHER_EDUCATION: "Other education (including higher education)",
    APPRENTICESHIPS: "Apprenticeships",
    EMPLOYMENT: "Sustained employment",
    NOT_SUSTAINED: "Not recorded as a sustained destination",
    UNKNOWN: "Activity not captured",
}
EDUCATION_GROUPS = (FE, SIXTH_FORM, SIXTH_FORM_COLLEGE, OTHER_EDUCATION)

# Percentages of the national cohort. "Other education" is what the 86% in education
# leaves after FE, sixth forms and sixth-form colleges (86 - 37 - 37 - 11).
NATIONAL_SHAPE: dict[str, int] = {
    FE: 37,
    SIXTH_FORM: 37,
    SIXTH_FORM_COLLEGE: 11,
    OTHER_EDUCATION: 1,
    APPRENTICESHIPS: 4,
    EMPLOYMENT: 3,
    NOT_SUSTAINED: 5,
    UNKNOWN: 1,
}
NATIONAL_EDUCATION = 86
NATIONAL_SUSTAINED = 94

# Destinations' category codes (services/destinations/docs/destinations.md) -> group.
# NEET and a destination judged not sustained count as not sustained, Not Known as not
# captured: as destinations' own export does.
CATEGORY_GROUPS: dict[str, str] = {
    "fe_college": FE,
    "school_sixth_form": SIXTH_FORM,
    "sixth_form_college": SIXTH_FORM_COLLEGE,
    "other_education": OTHER_EDUCATION,
    "higher_education_degree": OTHER_EDUCATION,
    "higher_education_other": OTHER_EDUCATION,
    "deferred_he_offer": OTHER_EDUCATION,
    "apprenticeship_intermediate": APPRENTICESHIPS,
    "apprenticeship_advanced": APPRENTICESHIPS,
    "apprenticeship_higher": APPRENTICESHIPS,
    "employment": EMPLOYMENT,
    "not_sustained": NOT_SUSTAINED,
    "neet": NOT_SUSTAINED,
    "activity_not_captured": UNKNOWN,
    "not_known": UNKNOWN,
}


def group_of(category: str | None, sustained: bool | None) -> str:
    """The group a learner's destination counts in: its category's, unless it was judged
    not sustained; no destination recorded counts as not captured."""
    if category is None:
        return UNKNOWN
    if sustained is False:
        return NOT_SUSTAINED
    return CATEGORY_GROUPS.get(category, UNKNOWN)
