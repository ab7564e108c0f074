"""Directory's token-signing keys: stored, rotated, published as JWKS.

The newest unretired key signs. A key is rotated out when it is older than
``ROTATE_AFTER`` (or on demand); a retired key stays published for ``PUBLISH_RETIRED_FOR``
so tokens it signed verify until they expire, then drops out of the JWKS.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update

from waymark_directory.adapters.identity_tables import signing_keys
from waymark_shared.auth.tokens import DEFAULT_LIFETIME_S, LEEWAY_S, InvalidToken, SigningKey

ROTATE_AFTER = timedelta(days=30)
PUBLISH_RETIRED_FOR = timedelta(seconds=DEFAULT_LIFETIME_S + LEEWAY_S) * 6
# How long one process trusts its cached idea of the current key.
CACHE_S = 60.0


class KeyRing:
    """The signing keys in directory's database, cached briefly per process."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.RLock()
        self._current: tuple[float, SigningKey] | None = None
        self._public: dict[str, Any] = {}

    def current(self) -> SigningKey:
        with self._lock:
            if self._current and time.monotonic() - self._current[0] < CACHE_S:
                return self._current[1]
            key = self._current_from_database()
            self._current = (time.monotonic(), key)
            return key

    def rotate(self, now: datetime | None = None) -> SigningKey:
        now = now or datetime.now(UTC)
        key = SigningKey.generate()
        with self.engine.begin() as conn:
            conn.execute(
                update(signing_keys).where(signing_keys.c.retired_at.is_(None)).values(retired_at=now)
            )
            conn.execute(signing_keys.insert().values(**_row(key, now)))
        with self._lock:
            self._current = (time.monotonic(), key)
        return key

    def jwks(self, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
        now = now or datetime.now(UTC)
        self.current()  # a fresh install publishes its first key
        table = signing_keys
        query = (
            select(table.c.public_jwk)
            .where(or_(table.c.retired_at.is_(None), table.c.retired_at > now - PUBLISH_RETIRED_FOR))
            .order_by(table.c.created_at.desc())
        )
        with self.engine.connect() as conn:
            return {"keys": [json.loads(row.public_jwk) for row in conn.execute(query)]}

    def public_key(self, kid: str) -> Any:
        """:class:`KeySource` for directory's own verification: straight from its table."""
        if kid not in self._public:
            with self.engine.connect() as conn:
                row = conn.execute(select(signing_keys.c.public_jwk).where(signing_keys.c.kid == kid)).first()
            if row is None:
                raise InvalidToken(f"unknown signing key {kid!r}")
            import jwt

            self._public[kid] = jwt.PyJWK.from_dict(json.loads(row.public_jwk)).key
        return self._public[kid]

    def _current_from_database(self) -> SigningKey:
        table = signing_keys
        query = select(table).where(table.c.retired_at.is_(None)).order_by(table.c.created_at.desc())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or datetime.now(UTC) - row.created_at > ROTATE_AFTER:
            return self.rotate()
        return SigningKey(kid=row.kid, private_pem=row.private_pem.encode())


def _row(key: SigningKey, now: datetime) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "private_pem": key.private_pem.decode(),
        "public_jwk": json.dumps(key.public_jwk()),
        "created_at": now,
    }
