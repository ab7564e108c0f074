"""Demo activity providers: invented organisations around real postcodes across England.

``seed_demo_providers(runtime)`` submits and approves about 200 of them (a few left
waiting for moderation so the queue has something in it). ``generate_listings`` is
the same generator at any size, around any postcodes; the search benchmark uses it
with 50,000 listings. Names are made up; the postcodes are real town-centre ones.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from waymark_directory.domain.providers import (
    KEY_STAGES,
    PRICE_BANDS,
    PROVIDER_TYPES,
    SUBJECTS,
)
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

# (town, region, a real postcode in its centre)
TOWNS: tuple[tuple[str, str, str], ...] = (
    ("Leeds", "Yorkshire and the Humber", "LS1 4DY"),
    ("Bradford", "Yorkshire and the Humber", "BD1 1HY"),
    ("Sheffield", "Yorkshire and the Humber", "S1 2HH"),
    ("Hull", "Yorkshire and the Humber", "HU1 2AA"),
    ("York", "Yorkshire and the Humber", "YO1 8RA"),
    ("Manchester", "North West", "M1 1AE"),
    ("Liverpool", "North West", "L1 8JQ"),
    ("Preston", "North West", "PR1 2HE"),
    ("Blackpool", "North West", "FY1 1AD"),
    ("Lancaster", "North West", "LA1 1HH"),
    ("Carlisle", "North West", "CA3 8QG"),
    ("Newcastle", "North East", "NE1 7RU"),
    ("Sunderland", "North East", "SR1 3AE"),
    ("Middlesbrough", "North East", "TS1 2AZ"),
    ("Durham", "North East", "DH1 3HP"),
    ("Birmingham", "West Midlands", "B2 4QA"),
    ("Coventry", "West Midlands", "CV1 5FB"),
    ("Wolverhampton", "West Midlands", "WV1 1SH"),
    ("Stoke-on-Trent", "West Midlands", "ST1 1HA"),
    ("Worcester", "West Midlands", "WR1 2EY"),
    ("Shrewsbury", "West Midlands", "SY1 1SH"),
    ("Nottingham", "East Midlands", "NG1 5FS"),
    ("Leicester", "East Midlands", "LE1 5YA"),
    ("Derby", "East Midlands", "DE1 2FS"),
    ("Lincoln", "East Midlands", "LN1 1DF"),
    ("Northampton", "East Midlands", "NN1 1DE"),
    ("Norwich", "East of England", "NR2 1TF"),
    ("Cambridge", "East of England", "CB2 1TN"),
    ("Ipswich", "East of England", "IP1 1AX"),
    ("Peterborough", "East of England", "PE1 1XX"),
    ("Chelmsford", "East of England", "CM1 1JE"),
    ("Luton", "East of England", "LU1 2EY"),
    ("London", "London", "EC1A 1BB"),
    ("Lambeth", "London", "SE1 7PB"),
    ("Stratford", "London", "E15 1DA"),
    ("Islington", "London", "N1 9GU"),
    ("Brighton", "South East", "BN1 1EE"),
    ("Southampton", "South East", "SO14 7DU"),
    ("Portsmouth", "South East", "PO1 2AL"),
    ("Reading", "South East", "RG1 1JX"),
    ("Oxford", "South East", "OX1 1BX"),
    ("Canterbury", "South East", "CT1 2HX"),
    ("Milton Keynes", "South East", "MK9 2FR"),
    ("Bristol", "South West", "BS1 4DJ"),
    ("Plymouth", "South West", "PL1 2AA"),
    ("Exeter", "South West", "EX1 1JG"),
    ("Truro", "South West", "TR1 2NA"),
    ("Gloucester", "South West", "GL1 2TE"),
    ("Swindon", "South West", "SN1 1BQ"),
    ("Bournemouth", "South West", "BH1 1AA"),
)

_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # provider type: (name patterns, activities)
    "employer": (
        ("{town} {sector} Group", "{sector} Works {town}", "{surname} & {surname2} {sector}"),
        ("workplace visits", "mock interviews", "work experience placements", "site tours", "CV workshops"),
    ),
    "fe_college": (
        ("{town} College of Further Education", "{town} {region_word} College", "{surname} College {town}"),
        ("taster days", "course fairs", "practical sessions in our workshops", "T Level talks"),
    ),
    "university": (
        ("University of {town} Outreach", "{town} {region_word} University", "{surname} Institute {town}"),
        ("campus visits", "summer schools", "student ambassador talks", "subject masterclasses"),
    ),
    "training_provider": (
        ("{town} Apprenticeships", "{sector} Skills {town}", "{surname} Training"),
        (
            "apprenticeship talks",
            "assessment-day practice",
            "Baker Clause encounters",
            "employer insight days",
        ),
    ),
    "charity": (
        ("{town} Young People's Trust", "{sector} Futures {town}", "{surname} Foundation"),
        ("mentoring", "confidence workshops", "volunteering days", "family careers evenings"),
    ),
    "careers_company": (
        ("{town} Careers Partnership", "{surname} Careers", "Pathways {town}"),
        ("one-to-one guidance interviews", "labour market briefings", "careers fairs", "staff training"),
    ),
}
_SECTORS = (
    "Engineering",
    "Digital",
    "Health",
    "Construction",
    "Logistics",
    "Creative",
    "Energy",
    "Finance",
    "Hospitality",
    "Manufacturing",
    "Green Skills",
    "Rail",
    "Aerospace",
    "Retail",
    "Legal",
)
_SURNAMES = (
    "Ashworth", "Bramley", "Calder", "Dunmore", "Ellerby", "Fairfax", "Garside", "Holroyd", "Illingworth",
    "Jowett", "Kershaw", "Lister", "Moorcroft", "Northrop", "Oldroyd", "Pickles", "Ramsden", "Sutcliffe",
    "Thackray", "Utley", "Varley", "Whiteley", "Yardley",
)  # fmt: skip
_REGION_WORDS = ("Metropolitan", "City", "Riverside", "Northgate", "Southfield", "Westbrook", "Eastleigh")
_BENCHMARKS_BY_TYPE = {
    "employer": (4, 5, 6),
    "fe_college": (3, 7),
    "university": (4, 7),
    "training_provider": (5, 6, 7),
    "charity": (2, 3, 5),
    "careers_company": (1, 2, 3, 8),
}
_RADII = (5, 10, 10, 15, 20, 25, 30, 40, 50)


def sample_listing(**overrides: Any) -> dict[str, Any]:
    """One valid listing as the API takes it (for tests and examples)."""
    values: dict[str, Any] = {
        "name": "Aire Valley Engineering",
        "description": "Workshop visits and mock interviews with our apprentices.",
        "provider_type": "employer",
        "benchmarks": [5, 6],
        "key_stages": ["ks4", "post16"],
        "send_suitable": True,
        "subjects": ["engineering", "physics"],
        "cost": "free",
        "price_band": None,
        "delivery": "both",
        "national": False,
        "postcode": "LS9 8AB",
        "radius_miles": 15,
        "contact_email": "schools@example.org",
        "contact_phone": None,
        "website": "https://example.org/schools",
    }
    values.update(overrides)
    return values


def generate_listings(
    count: int,
    *,
    seed: int = 2026,
    postcodes: Sequence[str] | None = None,
    national_share: float = 0.06,
) -> Iterator[dict[str, Any]]:
    """``count`` varied listings; each local one at a postcode drawn from ``postcodes``
    (default: the towns above), named after the town when it has one."""
    rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
    places = [(town, pc) for town, _, pc in TOWNS] if postcodes is None else [(None, pc) for pc in postcodes]
    for number in range(count):
        provider_type = PROVIDER_TYPES[number % len(PROVIDER_TYPES)]
        town, postcode = places[rng.randrange(len(places))]
        town = town or _town_word(rng)
        patterns, activities = _KINDS[provider_type]
        sector = rng.choice(_SECTORS)
        name = rng.choice(patterns).format(
            town=town,
            sector=sector,
            surname=rng.choice(_SURNAMES),
            surname2=rng.choice(_SURNAMES),
            region_word=rng.choice(_REGION_WORDS),
        )
        national = rng.random() < national_share
        if national:
            name = name.replace(town, "National").replace("University of National", "National University")
        chosen = rng.sample(activities, 2)
        subjects = sorted(rng.sample(SUBJECTS, rng.randint(0, 4)), key=SUBJECTS.index)
        subject_text = ", ".join(s.replace("_", " ") for s in subjects) or "every subject"
        description = (
            f"{name} offers {chosen[0]} and {chosen[1]} for schools and colleges"
            f"{' across England' if national else f' in and around {town}'}. "
            f"Our {sector.lower()} team links activities to {subject_text}."
        )
        cost = "free" if rng.random() < 0.6 else "paid"
        benchmarks = sorted(
            set(rng.sample(_BENCHMARKS_BY_TYPE[provider_type], 2 if provider_type != "fe_college" else 1))
        )
        key_stages = [k for k in KEY_STAGES if rng.random() < 0.6] or [rng.choice(KEY_STAGES)]
        slug = "".join(c for c in name.lower() if c.isalnum())[:30]
        yield {
            "name": name[:200],
            "description": description,
            "provider_type": provider_type,
            "benchmarks": benchmarks,
            "key_stages": key_stages,
            "send_suitable": rng.random() < 0.35,
            "subjects": subjects,
            "cost": cost,
            "price_band": rng.choice(PRICE_BANDS) if cost == "paid" else None,
            "delivery": rng.choice(("in_person", "in_person", "virtual", "both")),
            "national": national,
            "postcode": postcode,
            "radius_miles": None if national else float(rng.choice(_RADII)),
            "contact_email": f"schools@{slug}.example.org",
            "contact_phone": f"0{rng.randint(1130, 1999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            "website": f"https://{slug}.example.org",
        }


def _town_word(rng: random.Random) -> str:
    return rng.choice(
        ("Ashby", "Brook", "Clay", "Dale", "Elm", "Fern", "Glen", "Heath", "Ivy", "Kings")
    ) + rng.choice(("ford", "ley", "ton", "bury", "field", "wick", "stead"))


def seed_demo_providers(runtime: ServiceRuntime, count: int = 200, *, pending: int = 6) -> list[str]:
    """Submit ``count`` demo providers and approve all but ``pending`` of them; their ids."""
    from waymark_directory.service_layer.provider_handlers import approve_provider, submit_provider

    ids: list[str] = []
    with message_context(actor="demo-seed"):
        for index, values in enumerate(generate_listings(count)):
            provider = submit_provider(values, runtime, actor="demo-seed")
            if index >= pending:
                approve_provider(provider.provider_id, runtime, actor="demo-seed")
            ids.append(provider.provider_id)
    return ids
