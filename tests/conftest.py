"""Cross-service tests: the installed services composed as the platform runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def embedded(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedPlatform]:
    """Every installed service on SQLite files in a fresh data folder, migrated, no demo."""
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "WAYMARK_TRANSPORT"):
        monkeypatch.delenv(name, raising=False)
    platform = EmbeddedPlatform(Platform.discover(data_dir=data_dir, env={}))
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
