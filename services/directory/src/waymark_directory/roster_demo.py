"""Invented learner rosters: demo data, tests and the import benchmark.

Names are drawn from short lists of common English first names and surnames, so no
real pupil is described; UPNs are well formed, with correct check letters, in
establishment numbers 9xxx that no real school uses.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable
from datetime import date, timedelta

from waymark_directory.domain.learners import ImportRoster
from waymark_directory.domain.roster_csv import TEMPLATE_HEADERS, expected_birth_range
from waymark_directory.domain.upn import make_upn
from waymark_directory.service_layer.roster import import_roster, school_today
from waymark_shared.events.context import message_context
from waymark_shared.service import ServiceRuntime

FORENAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Sophia",
    "Grace",
    "Freya",
    "Florence",
    "Willow",
    "Evie",
    "Poppy",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Muhammad",
    "Oscar",
    "Harry",
    "Archie",
    "Jack",
    "Henry",
    "Theo",
    "Charlie",
    "Freddie",
    "Alfie",
    "Aisha",
    "Zara",
    "Priya",
    "Amir",
    "Yusuf",
    "Kofi",
    "Chloe",
    "Ethan",
    "Ruby",
    "Logan",
    "Maya",
    "Aria",
    "Jacob",
    "Layla",
    "Harper",
    "Reuben",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Hughes",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Khan",
    "Ali",
    "Begum",
    "Hussain",
    "Ahmed",
    "Shah",
    "Okafor",
    "Mensah",
    "Nowak",
    "Kowalski",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Price",
    "Bennett",
]


def roster_rows(
    count: int,
    *,
    seed: int = 1,
    la_code: str = "383",
    establishment: str = "9001",
    today: date | None = None,
    year_groups: Iterable[int] = (7, 8, 9, 10, 11),
) -> list[list[str]]:
    """``count`` learner rows in template column order, spread across ``year_groups``."""
    rng = random.Random(seed)  # noqa: S311 - invented demo data, not secrets
    today = today or school_today()
    groups = list(year_groups)
    rows, serials = [], rng.sample(range(100_000), count)
    for index in range(count):
        year_group = groups[index % len(groups)]
        first, last = expected_birth_range(year_group, today)
        born = first + timedelta(days=rng.randrange((last - first).days + 1))
        serial = f"{serials[index]:05d}"
        upn = make_upn(f"{la_code}{establishment}{serial[:2]}{serial[2:]}")
        forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
        preferred = rng.choice(FORENAMES) if rng.random() < 0.05 else ""
        rows.append(
            [
                upn,
                surname,
                forename,
                "",
                preferred,
                born.strftime("%d/%m/%Y"),
                str(year_group),
                f"{year_group}{'ABCDEF'[rng.randrange(6)]}",
                rng.choices("NKE", weights=(82, 14, 4))[0],
                "Y" if rng.random() < 0.25 else "N",
                "",
            ]
        )
    return rows


def roster_csv(rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


def seed_demo_roster(
    runtime: ServiceRuntime, institution_ids: Iterable[str], per_institution: int = 120
) -> None:
    """A roster of ``per_institution`` invented learners for each institution."""
    with message_context(actor="demo-seed"):
        for number, institution_id in enumerate(institution_ids):
            rows = roster_rows(per_institution, seed=number + 1, establishment=f"{9001 + number:04d}")
            command = ImportRoster(
                institution_id, roster_csv(rows), file_name="demo-roster.csv", actor="demo-seed"
            )
            import_roster(command, runtime)
