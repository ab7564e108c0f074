"""Which Compass evaluation an institution takes follows from what kind of institution
it is: mainstream schools take the school evaluation, special schools and alternative
provision the specialist-setting one, colleges and training providers the FE/ITP one."""

SCHOOL = "school"
SPECIALIST = "specialist_setting"
FE_ITP = "fe_itp"

EVALUATION_TYPE_BY_INSTITUTION_TYPE = {
    "mainstream_secondary": SCHOOL,
    "special_school": SPECIALIST,
    "alternative_provision": SPECIALIST,
    "fe_college": FE_ITP,
    "sixth_form_college": FE_ITP,
    "independent_training_provider": FE_ITP,
}


def evaluation_type_for(institution_type: str) -> str:
    return EVALUATION_TYPE_BY_INSTITUTION_TYPE.get(institution_type, SCHOOL)


# Whether an institution is open, as audit records it; a closed one keeps its history.
OPEN, CLOSED = "open", "closed"
