"""Liveness, readiness (database and migrations) and status, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import waymark_webtest_service as webtest
from flask.testing import FlaskClient

from waymark_shared.config import Settings
from waymark_shared.service import ServiceRuntime, bootstrap
from waymark_shared.web import health


def client_for(runtime: ServiceRuntime) -> FlaskClient:
    return webtest.create_app(runtime).test_client()


def test_liveness_answers_even_before_migrations(unmigrated_runtime: ServiceRuntime) -> None:
    response = client_for(unmigrated_runtime).get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readiness_waits_for_the_migrations(unmigrated_runtime: ServiceRuntime) -> None:
    client = client_for(unmigrated_runtime)

    before = client.get("/readyz")
    unmigrated_runtime.migrate()
    after = client.get("/readyz")

    assert before.status_code == 503
    assert before.content_type == "application/problem+json"
    problem = before.get_json()
    assert problem["checks"]["database"] == "ok"
    assert problem["checks"]["migrations"].startswith("pending: ")
    assert "migrations: pending" in problem["detail"]
    assert after.status_code == 200
    assert after.get_json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


def test_readiness_fails_when_the_database_does_not_answer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Port 9 (discard) has no PostgreSQL behind it: the connection is refused at once.
    settings = Settings.from_env("webtest", env={"DATABASE_URL": "postgresql://postgres@127.0.0.1:9/x"})
    runtime = bootstrap(webtest.DEFINITION, settings)
    try:
        response = client_for(runtime).get("/readyz")
    finally:
        runtime.dispose()

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "unavailable", "migrations": "not checked"}


def test_status_names_the_service_commit_and_migration_state(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_COMMIT", "0123abc")
    health.git_commit.cache_clear()
    try:
        body = client.get("/_status").get_json()
    finally:
        health.git_commit.cache_clear()

    assert body == {
        "service": "webtest",
        "environment": "development",
        "git_commit": "0123abc",
        "migrations": {"at_head": True, "pending": []},
    }


@pytest.mark.postgres
def test_readiness_on_postgresql(postgres_url: str) -> None:
    settings = Settings.from_env("webtest", env={"DATABASE_URL": postgres_url})
    runtime = bootstrap(webtest.DEFINITION, settings)
    try:
        client = client_for(runtime)
        before = client.get("/readyz")
        runtime.migrate()
        after = client.get("/readyz")
        written = client.put(
            "/widgets/pg", json={"name": "Board", "size": 2}, headers={"X-Correlation-ID": "pg-1"}
        )
        [event] = runtime.store.read_stream("widget-pg")
    finally:
        runtime.dispose()

    assert before.status_code == 503
    assert before.get_json()["checks"]["migrations"].startswith("pending: ")
    assert after.status_code == 200
    assert written.status_code == 201
    assert event.correlation_id == "pg-1"
