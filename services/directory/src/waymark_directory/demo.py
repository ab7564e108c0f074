"""Demo institutions for the embedded platform: a spread of types, regions and LAs.

Names are invented; URNs sit in a range DfE does not use for open establishments.
"""

from __future__ import annotations

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.service_layer.handlers import register_institution
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

DEMO_INSTITUTIONS = (
    RegisterInstitution(
        "Riverside Academy",
        "mainstream_secondary",
        urn="990001",
        local_authority="Leeds",
        region="Yorkshire and the Humber",
        postcode="LS9 8AB",
    ),
    RegisterInstitution(
        "Hillcrest School",
        "mainstream_secondary",
        urn="990002",
        local_authority="Manchester",
        region="North West",
        postcode="M14 5QT",
    ),
    RegisterInstitution(
        "Oakfield Special School",
        "special_school",
        urn="990003",
        local_authority="Bristol, City of",
        region="South West",
        postcode="BS5 6XX",
    ),
    RegisterInstitution(
        "Northgate Pupil Referral Unit",
        "alternative_provision",
        urn="990004",
        local_authority="Newcastle upon Tyne",
        region="North East",
        postcode="NE4 7AA",
    ),
    RegisterInstitution(
        "City of Elmbridge College",
        "fe_college",
        ukprn="10099001",
        local_authority="Birmingham",
        region="West Midlands",
        postcode="B4 7XG",
    ),
    RegisterInstitution(
        "St Anne's Sixth Form College",
        "sixth_form_college",
        ukprn="10099002",
        local_authority="Camden",
        region="London",
        postcode="NW1 2DB",
    ),
    RegisterInstitution(
        "Forward Skills Training",
        "independent_training_provider",
        ukprn="10099003",
        local_authority="Nottingham",
        region="East Midlands",
        postcode="NG1 5FS",
    ),
    RegisterInstitution(
        "Seaview High School",
        "mainstream_secondary",
        urn="990005",
        local_authority="Norfolk",
        region="East of England",
        postcode="NR30 1BW",
    ),
    RegisterInstitution(
        "Downland Community College",
        "mainstream_secondary",
        urn="990006",
        local_authority="West Sussex",
        region="South East",
        postcode="RH10 1AB",
    ),
)


def seed_demo(runtime: ServiceRuntime) -> None:
    with message_context(actor="demo-seed"):
        for command in DEMO_INSTITUTIONS:
            register_institution(command, runtime)
