"""England's nine regions, their local authorities, Careers Hubs and academy trusts.

Region shares follow the spread of state-funded secondary schools; place names are real
local authorities, but their codes are synthetic (``E99`` + region + number: the ONS
format, no real district), and hubs and trusts are invented. About 40 hubs cover the
regions in proportion to their institutions, each named after the authority it
starts from; 96% of institutions are in a hub (domain.md section 7).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

REGIONS: dict[str, tuple[float, str, tuple[str, ...]]] = {
    # region: (share of institutions, postcode area, local authorities)
    "North East": (0.045, "NE", ("Newcastle upon Tyne", "Sunderland", "Gateshead", "County Durham",
                                 "Northumberland", "North Tyneside", "Middlesbrough", "Stockton-on-Tees")),
    "North West": (0.135, "M", ("Manchester", "Liverpool", "Bolton", "Wigan", "Stockport", "Salford",
                                "Lancashire", "Cumberland", "Cheshire East", "Wirral", "Blackpool",
                                "Oldham", "Trafford", "Sefton")),
    "Yorkshire and the Humber": (0.10, "LS", ("Leeds", "Sheffield", "Bradford", "Kirklees", "Wakefield",
                                              "Doncaster", "Hull", "North Yorkshire", "Rotherham",
                                              "Calderdale")),
    "East Midlands": (0.085, "NG", ("Nottingham", "Nottinghamshire", "Derby", "Derbyshire", "Leicester",
                                    "Leicestershire", "Lincolnshire", "North Northamptonshire")),
    "West Midlands": (0.11, "B", ("Birmingham", "Coventry", "Wolverhampton", "Sandwell", "Dudley",
                                  "Walsall", "Solihull", "Staffordshire", "Warwickshire",
                                  "Shropshire", "Worcestershire")),
    "East of England": (0.11, "CB", ("Cambridgeshire", "Norfolk", "Suffolk", "Essex", "Hertfordshire",
                                     "Bedford", "Luton", "Peterborough", "Southend-on-Sea", "Thurrock")),
    "London": (0.14, "E", ("Camden", "Hackney", "Tower Hamlets", "Newham", "Croydon", "Barnet",
                           "Ealing", "Lambeth", "Southwark", "Lewisham", "Brent", "Enfield",
                           "Haringey", "Islington", "Wandsworth", "Hillingdon")),
    "South East": (0.16, "RG", ("Kent", "Surrey", "Hampshire", "West Sussex", "East Sussex",
                                "Oxfordshire", "Buckinghamshire", "Reading", "Brighton and Hove",
                                "Milton Keynes", "Medway", "Portsmouth", "Southampton", "Isle of Wight")),
    "South West": (0.10, "BS", ("Bristol", "Devon", "Cornwall", "Somerset", "Plymouth", "Gloucestershire",
                                "Wiltshire", "Dorset", "Swindon", "Bath and North East Somerset")),
}  # fmt: skip
HUBS = 40
IN_A_HUB = 0.96
TRUST_WORDS = (
    ("Northern", "Pennine", "Riverside", "Oak", "Horizon", "Beacon", "Compass", "Unity", "Spire",
     "Harbour", "Meridian", "Summit", "Valley", "Forest", "Castle", "Star", "Cathedral", "Bridge"),
    ("Learning", "Education", "Schools", "Academies", "Partnership", "Collaborative", "Community"),
)  # fmt: skip


@dataclass(frozen=True)
class Authority:
    name: str
    code: str
    region: str
    postcode_area: str
    hub: str  # the Careers Hub its institutions join (when they are in one)


@dataclass(frozen=True)
class Geography:
    authorities: tuple[Authority, ...]
    weights: tuple[float, ...]  # each authority's share of institutions
    trusts: dict[str, tuple[str, ...]]  # region -> its trusts
    trust_weights: dict[str, tuple[float, ...]]

    @property
    def hubs(self) -> set[str]:
        return {authority.hub for authority in self.authorities}


def hub_counts() -> dict[str, int]:
    """Hubs per region, in proportion to its institutions (at least one each)."""
    return {region: max(1, round(HUBS * share)) for region, (share, _, _) in REGIONS.items()}


def build_geography(
    institutions: int,
    generator: random.Random,
    *,
    named_hubs: Sequence[tuple[str, str]] = (),
    named_trusts: Sequence[tuple[str, str]] = (),
    codes: Sequence[tuple[str, str]] = (),
) -> Geography:
    """``named_hubs`` and ``named_trusts``: (region, name) pairs taking the places of a
    region's first hubs and largest trusts (as many as it has); ``codes``: (authority,
    code) pairs replacing the synthetic codes of authorities of those names."""
    authorities, weights, trusts, trust_weights = [], [], {}, {}
    real_codes = dict(codes)
    for region_number, (region, (share, area, names)) in enumerate(REGIONS.items(), 1):
        hubs = hub_counts()[region]
        hub_names = _named([f"{names[h]} Careers Hub" for h in range(hubs)], region, named_hubs)
        for number, name in enumerate(names):
            code = real_codes.get(name) or f"E99{region_number:02d}{number + 1:04d}"
            authorities.append(Authority(name, code, region, area, hub_names[number % hubs]))
            weights.append(share / len(names))
        # About one trust per six academies, sized unevenly (a few large, many small).
        count = max(2, round(institutions * share * 0.62 / 6))
        invented = [_trust_name(generator, region_number, t) for t in range(count)]
        trusts[region] = tuple(_named(invented, region, named_trusts))
        trust_weights[region] = tuple(1.0 / (1 + t) ** 0.7 for t in range(count))
    return Geography(tuple(authorities), tuple(weights), trusts, trust_weights)


def _named(invented: list[str], region: str, named: Sequence[tuple[str, str]]) -> list[str]:
    """``invented`` with its first places taken by the names given for ``region``."""
    chosen = list(dict.fromkeys(name for where, name in named if where == region))[: len(invented)]
    return chosen + [name for name in invented if name not in chosen][: len(invented) - len(chosen)]


def _trust_name(generator: random.Random, region_number: int, number: int) -> str:
    first, second = TRUST_WORDS
    return f"{generator.choice(first)} {generator.choice(second)} Trust {region_number}{number:03d}"
