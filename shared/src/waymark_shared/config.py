"""Settings read from environment variables, once per process, by bootstrap code.

A setting can be given per service by prefixing it with ``WAYMARK_<SERVICE>_``
(``WAYMARK_AUDIT_DATABASE_URL``) or for every service without the prefix
(``DATABASE_URL``). Without either, the embedded default applies: a SQLite file per
service in the data folder and no Kafka.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

EMBEDDED = "embedded"
KAFKA = "kafka"


def _lookup(env: Mapping[str, str], service: str, key: str) -> str | None:
    for name in (f"WAYMARK_{service.upper()}_{key}", key):
        value = env.get(name)
        if value not in (None, ""):
            return value
    return None


def _optional_int(text: str | None) -> int | None:
    return int(text) if text else None


def parse_api_version(text: str | None) -> tuple[int, ...] | None:
    """``"2.0"`` → ``(2, 0)``; kafka-python probes the broker when this is ``None``."""
    if not text:
        return None
    return tuple(int(part) for part in text.split("."))


@dataclass(frozen=True)
class Settings:
    service: str
    data_dir: Path
    database_url: str
    kafka_bootstrap_servers: str | None
    kafka_api_version: tuple[int, ...] | None
    kafka_partitions: int
    # How long a consumer may go unheard before its group shares out its partitions
    # (kafka-python's default when None).
    kafka_session_timeout_ms: int | None
    transport: str
    topic_prefix: str
    # Consumer groups are <prefix>.<subscription>: environments that share a cluster
    # need a prefix each, or their consumers would share out each other's partitions.
    consumer_group_prefix: str
    public_url: str
    log_level: str
    log_format: str
    max_body_bytes: int
    environment: str
    # Where directory publishes its token-signing keys, and where people sign in.
    jwks_url: str = ""
    sign_in_url: str = "/directory/sign-in"
    sign_out_url: str = "/directory/sign-out"
    # Outgoing email: an SMTP URL (smtp://user:pass@host:port, smtps://…); unset, email
    # is written to an outbox folder in the data folder.
    smtp_url: str | None = None
    mail_from: str = "Waymark <no-reply@waymark.local>"
    # Signs session cookies and CSRF tokens; unset outside production, the pages layer
    # keeps a generated one in <data_dir>/secrets/<service>.key.
    secret_key: str | None = None
    # How many reverse proxies in front of the service add X-Forwarded-For; only then is
    # the header believed (the client address limits sign-in attempts).
    trusted_proxies: int = 0

    @property
    def topic(self) -> str:
        return topic_for(self.topic_prefix, self.service)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def source_database_url(self, source: str, env: Mapping[str, str] | None = None) -> str:
        """Where the embedded transport reads another service's event log from."""
        return Settings.from_env(source, env, data_dir=self.data_dir).database_url

    @classmethod
    def from_env(
        cls,
        service: str,
        env: Mapping[str, str] | None = None,
        *,
        data_dir: Path | None = None,
    ) -> Settings:
        env = os.environ if env is None else env
        get = lambda key, default=None: _lookup(env, service, key) or default  # noqa: E731
        data_dir = Path(data_dir or get("WAYMARK_DATA_DIR", "var")).resolve()
        database_url = get("DATABASE_URL") or f"sqlite:///{data_dir / 'data' / service}.sqlite3"
        bootstrap = get("KAFKA_BOOTSTRAP_SERVERS")
        return cls(
            service=service,
            data_dir=data_dir,
            database_url=database_url,
            kafka_bootstrap_servers=bootstrap,
            kafka_api_version=parse_api_version(get("KAFKA_API_VERSION")),
            kafka_partitions=int(get("KAFKA_PARTITIONS", "6")),
            kafka_session_timeout_ms=_optional_int(get("KAFKA_SESSION_TIMEOUT_MS")),
            transport=get("WAYMARK_TRANSPORT", KAFKA if bootstrap else EMBEDDED),
            topic_prefix=get("WAYMARK_TOPIC_PREFIX", "waymark"),
            consumer_group_prefix=get("WAYMARK_CONSUMER_GROUP_PREFIX", "waymark"),
            public_url=get("WAYMARK_PUBLIC_URL", "http://127.0.0.1:8000"),
            log_level=get("LOG_LEVEL", "INFO"),
            log_format=get("LOG_FORMAT", "json"),
            max_body_bytes=int(get("MAX_BODY_BYTES", str(1024 * 1024))),
            environment=get("WAYMARK_ENV", "development"),
            jwks_url=get("WAYMARK_JWKS_URL")
            or f"{get('WAYMARK_PUBLIC_URL', 'http://127.0.0.1:8000')}/directory/.well-known/jwks.json",
            sign_in_url=get("WAYMARK_SIGN_IN_URL", "/directory/sign-in"),
            sign_out_url=get("WAYMARK_SIGN_OUT_URL", "/directory/sign-out"),
            smtp_url=get("WAYMARK_SMTP_URL"),
            mail_from=get("WAYMARK_MAIL_FROM", "Waymark <no-reply@waymark.local>"),
            secret_key=(
                env.get(f"WAYMARK_{service.upper()}_SECRET_KEY") or env.get("WAYMARK_SECRET_KEY") or None
            ),
            trusted_proxies=int(get("WAYMARK_TRUSTED_PROXIES", "0")),
        )


def topic_for(prefix: str, service: str) -> str:
    """One topic per producing service, e.g. ``waymark.audit.events``."""
    return f"{prefix}.{service}.events"
