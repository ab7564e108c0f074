"""The institutions of a synthetic nation: type, place, hub, trust, ages and size.

The mix follows the institutions that report Compass (domain.md section 7): about two
thirds mainstream secondaries, a fifth special schools, the rest alternative provision,
colleges and training providers. Each has a hidden ``quality`` that its evaluations'
results (and the shape of its careers programme) grow from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from waymark_reporting.synthetic.geography import IN_A_HUB, Geography, build_geography
from waymark_reporting.synthetic.ids import new_id, rng
from waymark_reporting.synthetic.parameters import Parameters

# type: (share, low age, high ages (with, without a sixth form), share with a sixth form,
#        year groups from, to (with the sixth form), size factor, share in a trust)
TYPES: dict[str, tuple[float, int, tuple[int, int], float, int, int, float, float]] = {
    "mainstream_secondary": (0.67, 11, (18, 16), 0.55, 7, 13, 1.0, 0.82),
    "special_school": (0.20, 11, (19, 16), 0.70, 7, 13, 0.12, 0.40),
    "alternative_provision": (0.05, 11, (16, 16), 0.0, 7, 11, 0.06, 0.30),
    "fe_college": (0.035, 16, (25, 25), 1.0, 12, 13, 3.0, 0.0),
    "sixth_form_college": (0.01, 16, (19, 19), 1.0, 12, 13, 2.0, 0.10),
    "independent_training_provider": (0.035, 16, (24, 24), 1.0, 12, 13, 0.4, 0.0),
}  # fmt: skip
EVALUATION_TYPES = {
    "mainstream_secondary": "school",
    "special_school": "specialist_setting",
    "alternative_provision": "specialist_setting",
    "fe_college": "fe_itp",
    "sixth_form_college": "fe_itp",
    "independent_training_provider": "fe_itp",
}
NAME_ENDINGS = {
    "mainstream_secondary": ("Academy", "High School", "School", "Community College", "Grammar School"),
    "special_school": ("School", "Academy", "Specialist College"),
    "alternative_provision": ("Learning Centre", "Academy"),
    "fe_college": ("College",),
    "sixth_form_college": ("Sixth Form College",),
    "independent_training_provider": ("Training",),
}
NAME_STARTS = (
    "St Mary's", "Park View", "Hillside", "Kingsway", "Oakwood", "Riverside", "Queen Elizabeth",
    "Moorland", "Castle", "Brookfield", "Westfield", "Ashton", "Meadowbank", "Highfield", "Abbey",
    "Churchill", "Lakeside", "Northgate", "Greenacre", "Priory",
)  # fmt: skip


@dataclass(frozen=True)
class Institution:
    index: int
    institution_id: str
    name: str
    institution_type: str
    urn: str | None
    ukprn: str | None
    local_authority: str
    local_authority_code: str
    region: str
    postcode: str
    careers_hub: str | None
    trust: str | None
    low_age: int
    high_age: int
    first_year_group: int
    last_year_group: int
    cohort_size: int  # learners per year group (per cohort)
    quality: float  # how good its careers programme is, in logits

    @property
    def evaluation_type(self) -> str:
        return EVALUATION_TYPES[self.institution_type]

    @property
    def year_groups(self) -> range:
        return range(self.first_year_group, self.last_year_group + 1)

    @property
    def has_own_sixth_form(self) -> bool:
        """A school (Years 7-11) that keeps some learners on after Year 11."""
        return self.first_year_group <= 11 < self.last_year_group

    @property
    def website(self) -> str:
        return f"https://www.{self.name.lower().replace(' ', '-').replace(chr(39), '')}.example"


def build_institutions(parameters: Parameters) -> list[Institution]:
    generator = rng(parameters.seed, "institutions")
    geography = build_geography(
        parameters.institutions,
        generator,
        named_hubs=parameters.hubs,
        named_trusts=parameters.trusts,
        codes=parameters.authority_codes,
    )
    kinds, shares = list(TYPES), [row[0] for row in TYPES.values()]
    return [
        _institution(index, generator.choices(kinds, shares)[0], geography, generator, parameters)
        for index in range(parameters.institutions)
    ]


def _institution(
    index: int, kind: str, geography: Geography, generator: random.Random, parameters: Parameters
) -> Institution:
    _, low_age, (with_sixth, without), sixth_share, first, last, size, trust_share = TYPES[kind]
    authority = generator.choices(geography.authorities, geography.weights)[0]
    sixth_form = generator.random() < sixth_share
    if not sixth_form:
        last = min(last, 11)
    in_hub = generator.random() < IN_A_HUB
    trust = None
    if generator.random() < trust_share:
        region_trusts = geography.trusts[authority.region]
        trust = generator.choices(region_trusts, geography.trust_weights[authority.region])[0]
    college = first >= 12
    cohort = max(1, round(parameters.learners_per_year_group * size * generator.uniform(0.6, 1.4)))
    area = authority.postcode_area
    postcode = f"{area}{generator.randint(1, 29)} {generator.randint(1, 9)}{_letters(generator)}"
    name = f"{generator.choice(NAME_STARTS)} {generator.choice(NAME_ENDINGS[kind])} {index + 1}"
    return Institution(
        index=index,
        institution_id=new_id(generator),
        name=name,
        institution_type=kind,
        urn=None if kind == "independent_training_provider" else f"{100000 + index:06d}",
        ukprn=f"1{index:07d}" if college else None,
        local_authority=authority.name,
        local_authority_code=authority.code,
        region=authority.region,
        postcode=postcode,
        careers_hub=authority.hub if in_hub else None,
        trust=trust,
        low_age=low_age,
        high_age=with_sixth if sixth_form else without,
        first_year_group=first,
        last_year_group=last,
        cohort_size=cohort,
        quality=generator.gauss(0.0, 0.9) + (0.0 if in_hub else -0.8),
    )


def _letters(generator: random.Random) -> str:
    alphabet = "ABDEFGHJLNPQRSTUWXYZ"
    return generator.choice(alphabet) + generator.choice(alphabet)
