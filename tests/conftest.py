"""Cross-service tests: the installed services composed as the platform runs them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from waymark_shared.config import topic_for
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.databases import temporary_postgres_database


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


SERVICES = ("directory", "audit", "planner", "destinations", "reporting")


# The demo without its synthetic nation (services/reporting/tests/test_demo.py has that):
# these tests compare each service's own lists with its log.
ONLY_REAL_DEMO = {"WAYMARK_DEMO_SYNTHETIC_INSTITUTIONS": "0"}

# librdkafka's mock cluster keeps at most 5 MB a partition and silently drops the oldest
# records beyond that (rd_kafka_mock_partition_init), where Waymark's brokers keep
# everything (deploy/README.md). The demo puts about 11 MB into directory's topic, the
# biggest rosters' institutions into one partition of six; across 24 no partition
# comes near the cap, so a replay from the topic's start finds every event.
PLATFORM_PARTITIONS = 24


@pytest.fixture(params=["embedded", "distributed"])
def platform_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment of one mode: embedded (SQLite files, no broker) or distributed
    (a PostgreSQL database per service, events over the Kafka wire protocol)."""
    if request.param == "embedded":
        yield dict(ONLY_REAL_DEMO)
        return
    server = request.getfixturevalue("postgres_server_url")
    kafka = request.getfixturevalue("kafka")
    prefix = f"waymark-test-{uuid.uuid4().hex[:8]}"
    with ExitStack() as stack:
        env = {**kafka.env(), "WAYMARK_TOPIC_PREFIX": prefix, **ONLY_REAL_DEMO}
        for service in SERVICES:
            env[f"WAYMARK_{service.upper()}_DATABASE_URL"] = stack.enter_context(
                temporary_postgres_database(server)
            )
            kafka.create_topic(topic_for(prefix, service), PLATFORM_PARTITIONS)
        yield env


@pytest.fixture
def embedded(data_dir: Path, platform_env: dict[str, str]) -> Iterator[EmbeddedPlatform]:
    """Every installed service, migrated, no demo data: in one process on SQLite, or on
    PostgreSQL with relays and Kafka consumers, as ``platform_env`` says."""
    platform = EmbeddedPlatform(Platform.discover(data_dir=data_dir, env=platform_env))
    platform.migrate()
    yield platform
    platform.shutdown()


@pytest.fixture
def client_for(embedded: EmbeddedPlatform):  # type: ignore[no-untyped-def]
    """A Flask test client for one service of the embedded platform."""
    clients = {}

    def client(name: str):  # type: ignore[no-untyped-def]
        if name not in clients:
            runtime = embedded.platform.runtime(name)
            clients[name] = runtime.definition.create_app(runtime).test_client()
        return clients[name]

    return client


def admin_token(engine) -> str:  # type: ignore[no-untyped-def]
    """A platform administrator's bearer token, signed with directory's current key
    (directory's database at ``engine``): registering institutions needs one."""
    from waymark_directory.adapters.keys import KeyRing
    from waymark_shared.auth import ADMIN, Grant, Principal
    from waymark_shared.auth.tokens import issue_token

    principal = Principal("test-admin", "person", "Test admin", grants=(Grant(ADMIN, "platform"),))
    return issue_token(principal, KeyRing(engine).current())


@pytest.fixture
def directory_as_admin(embedded: EmbeddedPlatform, client_for):  # type: ignore[no-untyped-def]
    """Directory's test client, sending an administrator's token with every request."""
    directory = client_for("directory")
    token = admin_token(embedded.platform.runtime("directory").engine)
    directory.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return directory
