"""A Kafka broker for tests, speaking the real wire protocol, and a way to take it down.

``kafka_cluster()`` yields a :class:`KafkaCluster`: the one ``KAFKA_BOOTSTRAP_SERVERS``
names; else a testcontainers Kafka where Docker runs; else librdkafka's mock cluster,
which confluent-kafka (a test-only dependency) ships. The mock is driven through its C
API with ctypes, because only that API can create topics with a partition count, drop
the group-join delay and take a broker down. kafka-python must be given
``api_version=(2, 0)`` against the mock: its version probe hangs there.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from waymark_shared.config import parse_api_version

MOCK_API_VERSION = (2, 0)
DEFAULT_PARTITIONS = 6
CONTAINER_IMAGE = "confluentinc/cp-kafka:7.6.0"
TOPIC_ALREADY_EXISTS = 36


class _MockControl:
    """librdkafka's mock cluster, owned by a client handle made for it alone."""

    def __init__(self, brokers: int = 1):
        self._lib = _librdkafka()
        lib, errstr = self._lib, ctypes.create_string_buffer(512)
        conf = lib.rd_kafka_conf_new()
        lib.rd_kafka_conf_set(conf, b"log_level", b"3", errstr, len(errstr))
        self._rk = lib.rd_kafka_new(0, conf, errstr, len(errstr))
        if not self._rk:
            raise RuntimeError(f"librdkafka: {errstr.value.decode()}")
        self._cluster = lib.rd_kafka_mock_cluster_new(self._rk, brokers)
        self.broker_ids = list(range(1, brokers + 1))
        # Real brokers wait 3 s for more members before the first rebalance; tests need not.
        lib.rd_kafka_mock_group_initial_rebalance_delay_ms(self._cluster, 0)

    @property
    def bootstrap_servers(self) -> str:
        return str(self._lib.rd_kafka_mock_cluster_bootstraps(self._cluster).decode())

    def create_topic(self, name: str, partitions: int) -> None:
        error = self._lib.rd_kafka_mock_topic_create(self._cluster, name.encode(), partitions, 1)
        if error not in (0, TOPIC_ALREADY_EXISTS):
            raise RuntimeError(f"mock topic {name}: librdkafka error {error}")

    def set_brokers(self, up: bool) -> None:
        setter = self._lib.rd_kafka_mock_broker_set_up if up else self._lib.rd_kafka_mock_broker_set_down
        for broker_id in self.broker_ids:
            setter(self._cluster, broker_id)

    def close(self) -> None:
        self._lib.rd_kafka_mock_cluster_destroy(self._cluster)
        self._lib.rd_kafka_destroy(self._rk)


def _librdkafka() -> Any:
    import confluent_kafka

    package = Path(confluent_kafka.__file__).parent
    # Wheels bundle librdkafka beside the package (Linux) or inside it (macOS).
    candidates = [
        *(package.parent / "confluent_kafka.libs").glob("librdkafka*"),
        *(package / ".dylibs").glob("librdkafka*"),
    ]
    lib = ctypes.CDLL(str(candidates[0]) if candidates else "librdkafka.so.1")
    pointer, cluster = ctypes.c_void_p, [ctypes.c_void_p]
    lib.rd_kafka_conf_new.restype = pointer
    text = ctypes.c_char_p
    lib.rd_kafka_conf_set.argtypes = [pointer, text, text, text, ctypes.c_size_t]
    lib.rd_kafka_new.restype = pointer
    lib.rd_kafka_new.argtypes = [ctypes.c_int, pointer, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_destroy.argtypes = [pointer]
    lib.rd_kafka_mock_cluster_new.restype = pointer
    lib.rd_kafka_mock_cluster_new.argtypes = [pointer, ctypes.c_int]
    lib.rd_kafka_mock_cluster_destroy.argtypes = cluster
    lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = cluster
    lib.rd_kafka_mock_topic_create.argtypes = [pointer, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.rd_kafka_mock_broker_set_down.argtypes = [pointer, ctypes.c_int32]
    lib.rd_kafka_mock_broker_set_up.argtypes = [pointer, ctypes.c_int32]
    lib.rd_kafka_mock_group_initial_rebalance_delay_ms.argtypes = [pointer, ctypes.c_int32]
    return lib


@dataclass
class KafkaCluster:
    """Where the broker is, how to talk to it, and (where we own it) how to stop it."""

    bootstrap_servers: str
    api_version: tuple[int, ...] | None
    kind: str
    _mock: _MockControl | None = None
    _container: Any = field(default=None, repr=False)

    @property
    def supports_outage(self) -> bool:
        return self._mock is not None or self._container is not None

    def client_config(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python clients."""
        config: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers}
        if self.api_version:
            config["api_version"] = self.api_version
        return config

    def env(self) -> dict[str, str]:
        """Environment variables that point ``Settings.from_env`` at this cluster."""
        env = {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        if self.api_version:
            env["KAFKA_API_VERSION"] = ".".join(str(part) for part in self.api_version)
        return env

    def create_topic(self, name: str, partitions: int = DEFAULT_PARTITIONS) -> None:
        """Create ``name`` unless it exists (auto-created topics get the broker's default count)."""
        if self._mock is not None:
            self._mock.create_topic(name, partitions)
            return
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        from kafka.errors import TopicAlreadyExistsError

        admin = KafkaAdminClient(**self.client_config())
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        except TopicAlreadyExistsError:
            pass
        finally:
            admin.close()

    @contextmanager
    def outage(self) -> Iterator[None]:
        """The broker drops its connections and refuses (mock) or ignores (paused
        container) every client until the block ends."""
        if self._mock is not None:
            self._mock.set_brokers(up=False)
        elif self._container is not None:
            self._container.get_wrapped_container().pause()
        else:
            raise RuntimeError(f"cannot take an external Kafka ({self.kind}) down")
        try:
            yield
        finally:
            if self._mock is not None:
                self._mock.set_brokers(up=True)
            else:
                self._container.get_wrapped_container().unpause()


@contextmanager
def kafka_cluster() -> Iterator[KafkaCluster]:
    """The Kafka the tests use, for as long as the block runs."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield KafkaCluster(external, parse_api_version(os.environ.get("KAFKA_API_VERSION")), "external")
    elif _docker_available():
        from testcontainers.community.kafka import KafkaContainer

        container = KafkaContainer(CONTAINER_IMAGE).with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        with container:
            yield KafkaCluster(container.get_bootstrap_server(), None, "testcontainers", _container=container)
    else:
        mock = _MockControl()
        try:
            yield KafkaCluster(mock.bootstrap_servers, MOCK_API_VERSION, "librdkafka-mock", _mock=mock)
        finally:
            mock.close()


def _docker_available() -> bool:
    try:
        import docker
        import testcontainers.community.kafka  # noqa: F401
    except ImportError:
        return False
    try:
        docker.from_env(timeout=3).ping()
    except Exception:  # docker raises many unrelated types when the engine is absent
        return False
    return True


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaCluster]:
    """A Kafka cluster for the whole test session (skips, or fails under CI, without one)."""
    try:
        context = kafka_cluster()
        cluster = context.__enter__()
    except (ImportError, OSError, AttributeError, RuntimeError) as error:  # no lib, no mock API
        if os.environ.get("CI"):
            pytest.fail(f"no Kafka for the tests: {error}", pytrace=False)
        pytest.skip(f"no Kafka for the tests: {error}")
    try:
        yield cluster
    finally:
        context.__exit__(None, None, None)
