"""The demo's national picture: a synthetic national dataset (:mod:`.synthetic`) written
into the producing services' own stores on ``waymark up``'s first start, beside the
real demo institutions, so roll-ups and reports have a nation to show.

``WAYMARK_DEMO_SYNTHETIC_INSTITUTIONS`` says how many institutions (default 300; 0 for
none). Their events are directory's, audit's, planner's and destinations' own (checked
against each producer's contracts as the generator makes them), appended after the
real demo's, so every consumer (not only reporting) applies them and ``waymark replay
reporting`` rebuilds the same. The producers' own tables do not list them: nobody
signs in to a synthetic institution.

The years run to today: three academic years, the current one as far as today (later
activities still planned, later evaluations not yet done). The synthetic nation
shares the real demo's places: each demo institution's Careers Hub and trust takes the
place of an invented one in its region, and its local authority keeps its real code,
so the demo's hub lead and trust lead see synthetic institutions beside the real one.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from waymark_reporting.adapters.tables import institutions
from waymark_reporting.domain.calendar import academic_start_year
from waymark_reporting.synthetic import SOURCES, NationalDataset, Parameters, write_to_stores
from waymark_shared.service import ServiceRuntime

INSTITUTIONS_ENV = "WAYMARK_DEMO_SYNTHETIC_INSTITUTIONS"
DEFAULT_INSTITUTIONS = 300
YEARS = 3
SEED = 2026

log = logging.getLogger(__name__)


def synthetic_institutions(env: Mapping[str, str] | None = None) -> int:
    """How many synthetic institutions the demo has (the environment's, else 300)."""
    text = (os.environ if env is None else env).get(INSTITUTIONS_ENV, "").strip()
    if not text:
        return DEFAULT_INSTITUTIONS
    try:
        return max(0, int(text))
    except ValueError:
        raise ValueError(f"{INSTITUTIONS_ENV} must be a whole number, not {text!r}") from None


def demo_parameters(reporting: ServiceRuntime, count: int, today: date) -> Parameters:
    """The national dataset for a demo on ``today``, sharing the places of the demo
    institutions reporting already has."""
    t = institutions.c
    with reporting.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        places = conn.execute(
            select(t.region, t.careers_hub, t.trust, t.local_authority, t.local_authority_code).order_by(
                t.name
            )
        ).all()
    return Parameters(
        institutions=count,
        years=YEARS,
        first_year=academic_start_year(today) - YEARS + 1,
        seed=SEED,
        until=today,
        hubs=tuple(dict.fromkeys((p.region, p.careers_hub) for p in places if p.region and p.careers_hub)),
        trusts=tuple(dict.fromkeys((p.region, p.trust) for p in places if p.region and p.trust)),
        authority_codes=tuple(
            dict.fromkeys(
                (p.local_authority, p.local_authority_code)
                for p in places
                if p.local_authority and p.local_authority_code
            )
        ),
    )


def seed_platform_demo(
    runtimes: Mapping[str, ServiceRuntime], env: Mapping[str, str], *, today: date | None = None
) -> None:
    """Write the synthetic nation into the producers' stores (once: not if its first
    institution is there already). The platform then catches up, running reporting's
    maintenance job too, so the first national roll-up has every summary."""
    count = synthetic_institutions(env)
    if count == 0 or any(name not in runtimes for name in (*SOURCES, "reporting")):
        return
    today = today or datetime.now(UTC).date()
    dataset = NationalDataset(demo_parameters(runtimes["reporting"], count, today))
    first = dataset.institutions[0].institution_id
    if runtimes["directory"].store.stream_version(f"institution-{first}"):
        return
    started = time.perf_counter()
    written = write_to_stores(dataset, {source: runtimes[source] for source in SOURCES}, bulk=True)
    log.info(
        "demo: %s synthetic institutions, %s events written in %.1f s",
        count,
        sum(written.values()),
        time.perf_counter() - started,
        extra={"events": written},
    )


def demo_notes(runtime: ServiceRuntime) -> list[str]:
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        total = conn.execute(select(func.count()).select_from(institutions)).scalar_one()
    return [
        f"reporting: {total:,} institutions (a first start adds a synthetic nation of "
        f"{INSTITUTIONS_ENV} institutions, default {DEFAULT_INSTITUTIONS})"
    ]
