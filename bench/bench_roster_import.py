"""Roster import of 2,000 learners, end to end through directory's HTTP API.

Each run gets a fresh, migrated directory database and one institution, then times
``POST /api/institutions/<id>/roster/imports`` with a 2,000-row CSV (invented learners,
valid UPNs) through the Flask test client, signed in as the institution's careers
leader: upload, parse, validate, compare with the roster, append 2,000
``LearnerEnrolled`` events (one stream per learner) and write the directory tables, in
one transaction. Then the same file again (nothing changes, no events), and a file in
which 10% of learners changed form group and 5% are gone (end-dated by the full
import). The median of ``--repeat`` runs is reported; the target is 5 s end to end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from bench.databases import fresh_database
from bench.figures import Figure
from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service import DEFINITION
from waymark_directory.service_layer.handlers import register_institution
from waymark_shared.auth import CAREERS_LEADER, Grant, Principal
from waymark_shared.auth.tokens import SigningKey, TokenVerifier, issue_token
from waymark_shared.config import Settings
from waymark_shared.service import bootstrap

BUDGET_S = 5.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roster-learners", type=int, default=None, help="learners per import (default 2,000)"
    )


class _Keys:
    def __init__(self, key: SigningKey):
        self._public = serialization.load_pem_private_key(key.private_pem, password=None).public_key()

    def public_key(self, kid: str):  # type: ignore[no-untyped-def]
        return self._public


def run(args: argparse.Namespace) -> list[Figure]:
    count = args.roster_learners or (500 if args.quick else 2000)
    figures = []
    for backend in args.backends:
        runs = [_one_run(backend, count) for _ in range(args.repeat)]
        for subject in ("first import", "re-import, no changes", "import, 10% changed, 5% gone"):
            seconds = statistics.median(r[subject] for r in runs)
            figures.append(
                Figure(
                    "roster_import",
                    backend,
                    subject,
                    seconds,
                    "s",
                    note=f"{count:,} learners, HTTP to commit",
                    ratio=BUDGET_S / seconds,
                    baseline="5 s budget",
                    target=1.0,
                )
            )
    return figures


def _one_run(backend: str, count: int) -> dict[str, float]:
    with fresh_database(backend) as database, tempfile.TemporaryDirectory(prefix="waymark-bench-") as folder:
        env = {"WAYMARK_DIRECTORY_DATABASE_URL": database.url, "WAYMARK_ENV": "test", "LOG_LEVEL": "WARNING"}
        runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=Path(folder)))
        try:
            runtime.migrate()
            app = DEFINITION.create_app(runtime)
            key = SigningKey.generate()
            app.extensions["waymark.token_verifier"] = TokenVerifier(_Keys(key))
            school = register_institution(
                RegisterInstitution("Bench Academy", "mainstream_secondary", urn="990999"), runtime
            ).institution_id
            principal = Principal(
                f"bench-{uuid.uuid4().hex[:8]}", grants=(Grant(CAREERS_LEADER, "institution", school),)
            )
            client = app.test_client()
            client.environ_base["HTTP_AUTHORIZATION"] = (
                f"Bearer {issue_token(principal, key, lifetime_s=3600)}"
            )
            rows = roster_rows(count, seed=42, year_groups=range(7, 14))
            changed = [list(r) for r in rows[: int(count * 0.95)]]
            for row in changed[::10]:
                row[7] = row[7] + "X"
            timings = {}
            for subject, content in (
                ("first import", roster_csv(rows)),
                ("re-import, no changes", roster_csv(rows)),
                ("import, 10% changed, 5% gone", roster_csv(changed)),
            ):
                timings[subject] = _post(client, school, content)
            return timings
        finally:
            runtime.dispose()


def _post(client, school: str, content: bytes) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.post(
        f"/api/institutions/{school}/roster/imports", data=content, content_type="text/csv"
    )
    seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(
            f"roster import answered {response.status_code}: {response.get_data(as_text=True)[:300]}"
        )
    return seconds
