"""GIAS establishment import: a 25,000-row extract (Windows-1252, real column names),
first import and the idempotent re-import, through directory's import handler.

Rows are a realistic mix: mostly secondaries of the usual types, with special schools,
pupil referral units, colleges and sixth-form centres, about a fifth primaries (skipped),
some closed establishments, and real postcodes spread over England so local-authority
codes resolve. The postcode data is warmed before timing.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
from pathlib import Path

from bench.databases import fresh_database
from bench.figures import Figure

POSTCODES = (
    "LS9 8AB", "M14 5QT", "BS5 6XX", "B4 7XG", "NW1 2DB", "NG1 5FS", "NR30 1BW", "RH10 1AB",
    "S10 2TN", "LS6 3QS", "BD8 7ND", "M13 9PL", "OL1 1HL", "NE1 8ST", "SR1 3SD", "DH1 3LE",
    "LE1 7RH", "DE1 1BT", "CV1 5FB", "WV1 1LY", "CB2 1TN", "IP1 1QJ", "SE1 7PB", "E1 6AN",
    "N1 9GU", "BN2 1TW", "OX1 3PN", "SO14 7LY", "EX4 4QJ", "PL4 8AA", "TR1 2SW", "HU1 3DZ",
    "YO1 7HH", "DN1 3BU", "WF1 2EB", "HG1 2RE", "PR1 2HE", "BL1 1RU", "CA1 1RR", "DL1 5QR",
)  # fmt: skip
REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West")  # fmt: skip
KINDS = (
    ("Academy converter", "Secondary", 11, 18, 30),
    ("Academy sponsor led", "Secondary", 11, 16, 15),
    ("Community school", "Secondary", 11, 16, 8),
    ("Voluntary aided school", "All-through", 4, 18, 4),
    ("Foundation special school", "Not applicable", 2, 19, 8),
    ("Pupil referral unit", "Not applicable", 11, 16, 4),
    ("Further education", "16 plus", 16, 99, 3),
    ("Sixth form centres", "16 plus", 16, 19, 3),
    ("Community school", "Primary", 4, 11, 20),
)
HEADER = (
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentStatus (name)",
    "ReasonEstablishmentClosed (name)", "CloseDate", "PhaseOfEducation (name)", "StatutoryLowAge",
    "StatutoryHighAge", "Gender (name)", "SchoolCapacity", "NumberOfPupils", "Trusts (code)",
    "Trusts (name)", "UKPRN", "Street", "Town", "Postcode", "SchoolWebsite", "TelephoneNum",
    "HeadTitle (name)", "HeadFirstName", "HeadLastName", "GOR (code)", "GOR (name)",
)  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gias-rows", type=int, default=25_000, help="rows in the GIAS extract")


def extract(rows: int, seed: int = 3) -> bytes:
    """A synthetic GIAS extract of ``rows`` establishments, as Windows-1252 bytes."""
    rng = random.Random(seed)
    weights = [k[4] for k in KINDS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        type_name, phase, low, high, _ = rng.choices(KINDS, weights)[0]
        closed = rng.random() < 0.05
        trust = f"Trust {rng.randrange(400)} Académie" if type_name.startswith("Academy") else ""
        writer.writerow((
            f"{100000 + n}", "383", f"Authority {n % 150}", f"{4000 + n % 999}", f"St Anne’s {n} School",
            "28", type_name, "Closed" if closed else "Open", "Closure" if closed else "",
            "31-08-2024" if closed else "", phase, low, high, "Mixed", 1200, 1050, "", trust,
            f"1{n:07d}" if rng.random() < 0.8 else "", "1 School Lane", "Town", rng.choice(POSTCODES),
            f"www.school{n}.sch.uk", "01130000000", "Mr", "Alex", "Example", "D", rng.choice(REGIONS),
        ))  # fmt: skip
    return out.getvalue().encode("cp1252")


def run(args: argparse.Namespace) -> list[Figure]:
    from waymark_directory.adapters import postcodes
    from waymark_directory.service import DEFINITION
    from waymark_directory.service_layer.gias_import import import_gias
    from waymark_shared.config import Settings
    from waymark_shared.service import bootstrap

    rows = 2_000 if args.quick else args.gias_rows
    data = extract(rows)
    postcodes.directory().load_all()
    figures = []
    for backend in args.backends:
        with fresh_database(backend) as database, tempfile.TemporaryDirectory() as folder:
            env = {"WAYMARK_DIRECTORY_DATABASE_URL": database.url, "WAYMARK_ENV": "test"}
            runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=Path(folder)))
            runtime.migrate()
            try:
                started = time.perf_counter()
                first = import_gias(io.BytesIO(data), runtime)
                first_s = time.perf_counter() - started
                started = time.perf_counter()
                again = import_gias(io.BytesIO(data), runtime)
                again_s = time.perf_counter() - started
            finally:
                runtime.dispose()
        detail = (
            f"{rows} rows, {len(data) / 1e6:.1f} MB; {first.registered} registered, {first.skipped} skipped"
        )
        figures += [
            Figure("gias_import", backend, "first import", rows / first_s, "rows/s", f"{detail}; {first_s:.1f} s"),
            Figure(
                "gias_import", backend, "re-import (no changes)", rows / again_s, "rows/s",
                f"{again.unchanged} unchanged, {again.registered + again.updated} written; {again_s:.1f} s",
            ),
        ]  # fmt: skip
    return figures
