"""The demo's synthetic nation (``waymark up``'s first start), on the embedded platform
with the real demo of every service: the synthetic institutions reach every consumer
with nothing parked, share the demo's Careers Hub and trust (whose leads see them on
reporting's home page), run to today and no further, replay into the same read
models, and are written once; ``WAYMARK_DEMO_SYNTHETIC_INSTITUTIONS`` sets how many."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from waymark_reporting.adapters.tables import activities, institutions, learners
from waymark_reporting.demo import INSTITUTIONS_ENV, synthetic_institutions
from waymark_reporting.views.summaries import stale_ids
from waymark_shared.auth import ADMIN, HUB_LEAD, TRUST_LEAD, Grant, Principal
from waymark_shared.auth.principal import HUB, TRUST
from waymark_shared.auth.tokens import JwksKeySource, SigningKey, issue_token
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform

SYNTHETIC = 40
CONSUMERS = ("audit", "planner", "destinations", "reporting")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Every service's demo seeded once, with a synthetic nation of 40."""
    data_dir = tmp_path_factory.mktemp("demo") / "var"
    platform = EmbeddedPlatform(Platform.discover(data_dir=data_dir, env={INSTITUTIONS_ENV: str(SYNTHETIC)}))
    platform.migrate()
    seeded = platform.seed_demo()
    # The real demo's institutions: those directory itself lists (it does not list the
    # synthetic ones, whose events no command of its made).
    with platform.platform.runtime("directory").engine.connect() as conn:
        real = set(conn.execute(select(institutions.c.institution_id)).scalars())
    yield {"platform": platform, "seeded": seeded, "real": real}
    platform.shutdown()


def _rows(platform: EmbeddedPlatform, table: Any) -> list[tuple[Any, ...]]:
    with platform.platform.runtime("reporting").engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]


def _reporting_institutions(platform: EmbeddedPlatform) -> dict[str, Any]:
    with platform.platform.runtime("reporting").engine.connect() as conn:
        return {row.institution_id: row for row in conn.execute(select(institutions))}


def test_the_synthetic_nation_reaches_every_consumer_with_nothing_parked(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"].platform
    known = _reporting_institutions(demo["platform"])
    synthetic = set(known) - demo["real"]

    assert "directory" in demo["seeded"]
    assert len(synthetic) == SYNTHETIC
    assert demo["real"] < set(known)
    assert len({known[i].region for i in synthetic}) >= 5
    for name in CONSUMERS:
        for transport in platform.transports(name):
            assert transport.runner.parked.count() == 0, (name, transport.runner.parked.list()[:1])
            assert transport.backlog() == 0, name
    # Audit, planner and destinations keep their own copies of directory's institutions.
    for name in ("audit", "planner", "destinations"):
        with platform.runtime(name).engine.connect() as conn:
            copied = set(conn.execute(select(institutions.c.institution_id)).scalars())
        assert synthetic <= copied, name


def test_the_demo_hubs_and_trusts_have_synthetic_members_their_leads_see(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"]
    known = _reporting_institutions(platform)
    synthetic = set(known) - demo["real"]
    runtime = platform.platform.runtime("reporting")
    key = SigningKey.generate()
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    client = runtime.definition.create_app(runtime).test_client()
    seen = {HUB_LEAD: 0, TRUST_LEAD: 0}
    for role, scope, column in ((HUB_LEAD, HUB, "careers_hub"), (TRUST_LEAD, TRUST, "trust")):
        for name in {getattr(known[i], column) for i in demo["real"]} - {None}:
            members = {i for i in synthetic if getattr(known[i], column) == name}
            lead = Principal(f"{role}-demo", "person", "A lead", grants=(Grant(role, scope, name),))
            page = client.get(
                "/", headers={"Authorization": f"Bearer {issue_token(lead, key)}", "Accept": "text/html"}
            )
            assert page.status_code == 200
            text = page.get_data(as_text=True)
            for institution_id in members:
                assert f"/institutions/{institution_id}" in text, (role, name, known[institution_id].name)
            outside = next(i for i in synthetic if getattr(known[i], column) != name)
            assert f"/institutions/{outside}" not in text
            seen[role] += len(members)
    # The demo's hubs and trusts took the places of invented ones: synthetic schools joined them.
    assert seen[HUB_LEAD] >= 3 and seen[TRUST_LEAD] >= 1, seen


def test_the_national_roll_up_has_every_institution_up_to_date_from_the_start(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"]
    runtime = platform.platform.runtime("reporting")
    with runtime.engine.connect() as conn:
        assert stale_ids(conn) == []  # refreshed once reporting applied the nation, before any read
    key = SigningKey.generate()
    runtime.extras["token_keys"] = JwksKeySource(lambda: {"keys": [key.public_jwk()]})
    client = runtime.definition.create_app(runtime).test_client()
    admin = Principal("admin-demo", "person", "An administrator", grants=(Grant(ADMIN, "platform", None),))
    page = client.get("/rollups/nation", headers={"Authorization": f"Bearer {issue_token(admin, key)}"})

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"Aggregates of {len(_reporting_institutions(platform))} open institutions" in text
    assert "being brought up to date" not in text


def test_the_synthetic_years_run_to_today_and_no_further(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"]
    today = datetime.now(UTC).date().isoformat()
    with platform.platform.runtime("reporting").engine.connect() as conn:
        rows = conn.execute(
            select(activities.c.academic_year, activities.c.status, activities.c.delivered_on)
        ).all()
        on_roll = (
            conn.execute(select(learners.c.year_group).where(learners.c.on_roll.is_(True))).scalars().all()
        )
    years = sorted({row.academic_year for row in rows})
    this_year = years[-1]
    assert len(years) >= 3
    assert all(row.delivered_on <= today for row in rows if row.delivered_on)
    statuses = {row.status for row in rows if row.academic_year == this_year}
    assert {"planned", "delivered"} <= statuses
    assert not any(row.status == "planned" for row in rows if row.academic_year != this_year)
    assert re.match(r"^\d{4}/\d{2}$", this_year)
    assert set(on_roll) <= set(range(7, 14))


def test_replaying_reporting_rebuilds_the_same_read_models(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"]
    tables = (institutions, learners, activities)
    before = {table.name: _rows(platform, table) for table in tables}
    for transport in platform.platform.transports("reporting"):
        transport.runner.reset()
        transport.run_until_caught_up()
        assert transport.runner.parked.count() == 0
    assert {table.name: _rows(platform, table) for table in tables} == before


def test_a_second_start_writes_nothing_more(demo):  # type: ignore[no-untyped-def]
    platform = demo["platform"]
    logged = {name: platform.platform.runtime(name).store.count_after() for name in CONSUMERS}
    assert platform.seed_demo() == []
    definition = platform.platform.runtime("reporting").definition
    runtimes = {name: platform.platform.runtime(name) for name in platform.platform.definitions}
    definition.seed_platform_demo(runtimes, {INSTITUTIONS_ENV: str(SYNTHETIC)})
    assert {name: platform.platform.runtime(name).store.count_after() for name in CONSUMERS} == logged


def test_the_environment_says_how_many(tmp_path: Path) -> None:
    assert synthetic_institutions({}) == 300
    assert synthetic_institutions({INSTITUTIONS_ENV: "25"}) == 25
    assert synthetic_institutions({INSTITUTIONS_ENV: "0"}) == 0
    with pytest.raises(ValueError, match=INSTITUTIONS_ENV):
        synthetic_institutions({INSTITUTIONS_ENV: "lots"})
