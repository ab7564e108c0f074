"""Demo institutions for the embedded platform: a spread of types, regions, LAs,
Careers Hubs and trusts.

Names are invented; URNs sit in a range DfE does not use for open establishments and
the postcodes are real ones, so each institution gets its local-authority code.
"""

from __future__ import annotations

from waymark_directory.demo_providers import seed_demo_providers
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.identity_demo import demo_credentials, seed_demo_staff
from waymark_directory.roster_history_demo import seed_demo_rosters
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
        careers_hub="West Yorkshire Careers Hub",
        trust="Aire Valley Learning Trust",
        low_age=11,
        high_age=18,
        website="https://www.riverside-academy.example",
    ),
    RegisterInstitution(
        "Hillcrest School",
        "mainstream_secondary",
        urn="990002",
        local_authority="Manchester",
        region="North West",
        postcode="M14 5QT",
        careers_hub="Greater Manchester Careers Hub",
        low_age=11,
        high_age=16,
        website="https://www.hillcrest-school.example",
    ),
    RegisterInstitution(
        "Oakfield Special School",
        "special_school",
        urn="990003",
        local_authority="Bristol, City of",
        region="South West",
        postcode="BS5 6XX",
        careers_hub="West of England Careers Hub",
        low_age=4,
        high_age=19,
        website="https://www.oakfield-special.example",
    ),
    RegisterInstitution(
        "Northgate Pupil Referral Unit",
        "alternative_provision",
        urn="990004",
        local_authority="Newcastle upon Tyne",
        region="North East",
        postcode="NE1 8ST",
        careers_hub="North East Careers Hub",
        low_age=11,
        high_age=16,
    ),
    RegisterInstitution(
        "City of Elmbridge College",
        "fe_college",
        ukprn="10099001",
        local_authority="Birmingham",
        region="West Midlands",
        postcode="B4 7XG",
        careers_hub="Birmingham and Solihull Careers Hub",
        low_age=16,
        high_age=25,
        website="https://www.elmbridge-college.example",
    ),
    RegisterInstitution(
        "St Anne's Sixth Form College",
        "sixth_form_college",
        ukprn="10099002",
        local_authority="Camden",
        region="London",
        postcode="NW1 2DB",
        careers_hub="London Careers Hub",
        low_age=16,
        high_age=19,
        website="https://www.stannes-sixthform.example",
    ),
    RegisterInstitution(
        "Forward Skills Training",
        "independent_training_provider",
        ukprn="10099003",
        local_authority="Nottingham",
        region="East Midlands",
        postcode="NG1 5FS",
        careers_hub="D2N2 Careers Hub",
        low_age=16,
        high_age=25,
        website="https://www.forwardskills.example",
    ),
    RegisterInstitution(
        "Seaview High School",
        "mainstream_secondary",
        urn="990005",
        local_authority="Norfolk",
        region="East of England",
        postcode="NR30 1BW",
        careers_hub="Norfolk Careers Hub",
        trust="Broadland Learning Trust",
        low_age=11,
        high_age=16,
        website="https://www.seaview-high.example",
    ),
    RegisterInstitution(
        "Downland Community College",
        "mainstream_secondary",
        urn="990006",
        local_authority="West Sussex",
        region="South East",
        postcode="RH10 1AB",
        careers_hub="Sussex Careers Hub",
        low_age=11,
        high_age=18,
        website="https://www.downland-college.example",
    ),
    RegisterInstitution(
        "Kirkstall Valley Academy",
        "mainstream_secondary",
        urn="990007",
        local_authority="Leeds",
        region="Yorkshire and the Humber",
        postcode="LS6 3QS",
        careers_hub="West Yorkshire Careers Hub",
        trust="Aire Valley Learning Trust",
        low_age=11,
        high_age=18,
        website="https://www.kirkstall-valley.example",
    ),
    RegisterInstitution(
        "Thornbury Park Academy",
        "mainstream_secondary",
        urn="990008",
        local_authority="Bradford",
        region="Yorkshire and the Humber",
        postcode="BD8 7ND",
        careers_hub="West Yorkshire Careers Hub",
        trust="Aire Valley Learning Trust",
        low_age=11,
        high_age=16,
        website="https://www.thornbury-park.example",
    ),
    RegisterInstitution(
        "Hallam Vale School",
        "mainstream_secondary",
        urn="990009",
        local_authority="Sheffield",
        region="Yorkshire and the Humber",
        postcode="S10 2TN",
        careers_hub="South Yorkshire Careers Hub",
        low_age=11,
        high_age=18,
        website="https://www.hallam-vale.example",
    ),
    RegisterInstitution(
        "Ardwick Green School",
        "special_school",
        urn="990010",
        local_authority="Manchester",
        region="North West",
        postcode="M13 9PL",
        careers_hub="Greater Manchester Careers Hub",
        trust="Pennine Shared Learning Trust",
        low_age=11,
        high_age=19,
        website="https://www.ardwick-green.example",
    ),
    RegisterInstitution(
        "Oldham Bridge Academy",
        "mainstream_secondary",
        urn="990011",
        local_authority="Oldham",
        region="North West",
        postcode="OL1 1HL",
        careers_hub="Greater Manchester Careers Hub",
        trust="Pennine Shared Learning Trust",
        low_age=11,
        high_age=16,
        website="https://www.oldham-bridge.example",
    ),
    RegisterInstitution(
        "Wearside Learning Centre",
        "alternative_provision",
        urn="990012",
        local_authority="Sunderland",
        region="North East",
        postcode="SR1 3SD",
        careers_hub="North East Careers Hub",
        low_age=11,
        high_age=16,
    ),
    RegisterInstitution(
        "Thames Reach College",
        "fe_college",
        ukprn="10099004",
        local_authority="Southwark",
        region="London",
        postcode="SE1 7PB",
        careers_hub="London Careers Hub",
        low_age=16,
        high_age=25,
        website="https://www.thames-reach.example",
    ),
    RegisterInstitution(
        "Coventry Spires University Technical College",
        "mainstream_secondary",
        urn="990013",
        local_authority="Coventry",
        region="West Midlands",
        postcode="CV1 5FB",
        careers_hub="Coventry and Warwickshire Careers Hub",
        trust="Midlands Technical Education Trust",
        low_age=14,
        high_age=19,
        website="https://www.coventry-spires.example",
    ),
    RegisterInstitution(
        "Exe Valley Sixth Form College",
        "sixth_form_college",
        ukprn="10099005",
        local_authority="Devon",
        region="South West",
        postcode="EX4 4QJ",
        careers_hub="Heart of the South West Careers Hub",
        low_age=16,
        high_age=19,
        website="https://www.exe-valley.example",
    ),
)


# Staff in every role at the first few; a roster of invented learners, with three years
# of history, at every one that teaches secondary year groups.
STAFFED_INSTITUTIONS = 3
DEMO_PROVIDERS = 200
PENDING_PROVIDERS = 6


def seed_demo(runtime: ServiceRuntime) -> None:
    with message_context(actor="demo-seed"):
        ids = [register_institution(command, runtime).institution_id for command in DEMO_INSTITUTIONS]
    staffed = ids[:STAFFED_INSTITUTIONS]
    seed_demo_rosters(
        runtime, [(i, c.low_age, c.high_age) for i, c in zip(ids, DEMO_INSTITUTIONS, strict=True)]
    )
    providers = seed_demo_providers(runtime, DEMO_PROVIDERS, pending=PENDING_PROVIDERS)
    with message_context(actor="demo-seed"):
        seed_demo_staff(runtime, staffed, provider_id=providers[PENDING_PROVIDERS])


def demo_notes(runtime: ServiceRuntime) -> list[str]:
    return [
        *demo_credentials(runtime),
        f"outgoing email (invitations) is written to {runtime.settings.data_dir / 'outbox'}",
    ]
