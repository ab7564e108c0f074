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
        # kid -> (when read, public key, end of its trust or None while unretired)
        self._public: dict[str, tuple[float, Any, datetime | None]] = {}

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

    def public_key(self, kid: str, now: datetime | None = None) -> Any:
        """:class:`KeySource` for directory's own verification: from its table, and only
        while the key is published (unretired, or retired within ``PUBLISH_RETIRED_FOR``),
        as for every other service; a rotation after a leak must end the old key's trust.
        Each key's retirement is read again after ``CACHE_S``, as another process may
        have rotated."""
        now = now or datetime.now(UTC)
        with self._lock:
            cached = self._public.get(kid)
        if cached is None or time.monotonic() - cached[0] >= CACHE_S:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(signing_keys.c.public_jwk, signing_keys.c.retired_at).where(
                        signing_keys.c.kid == kid
                    )
                ).first()
            if row is None:
                raise InvalidToken(f"unknown signing key {kid!r}")
            import jwt

            key = jwt.PyJWK.from_dict(json.loads(row.public_jwk)).key
            until = None if row.retired_at is None else row.retired_at + PUBLISH_RETIRED_FOR
            cached = (time.monotonic(), key, until)
            with self._lock:
                self._public[kid] = cached
        _, key, until = cached
        if until is not None and now >= until:
            raise InvalidToken(f"signing key {kid!r} was retired")
        return key

    def _current_from_database(self) -> SigningKey:
        row = self._newest_unretired()
        if row is None or datetime.now(UTC) - row.created_at > ROTATE_AFTER:
            return self._rotate_if_current(row)
        return _key(row)

    def _newest_unretired(self) -> Any:
        table = signing_keys
        query = select(table).where(table.c.retired_at.is_(None)).order_by(table.c.created_at.desc())
        with self.engine.connect() as conn:
            return conn.execute(query).first()

    def _rotate_if_current(self, seen: Any) -> SigningKey:
        """Replace the key ``seen`` as too old, unless another process already has:
        every worker notices the age at about the same time, and they must agree on
        one successor rather than each retire the others' and sign with its own."""
        if seen is None:
            return self.rotate()
        now = datetime.now(UTC)
        key = SigningKey.generate()
        with self.engine.begin() as conn:
            retired = conn.execute(
                update(signing_keys)
                .where(signing_keys.c.kid == seen.kid, signing_keys.c.retired_at.is_(None))
                .values(retired_at=now)
            ).rowcount
            if retired == 1:
                conn.execute(signing_keys.insert().values(**_row(key, now)))
        if retired != 1:  # another process rotated first (it committed before our update)
            row = self._newest_unretired()
            if row is None:
                return self.rotate()
            key = _key(row)
        with self._lock:
            self._current = (time.monotonic(), key)
        return key


def _key(row: Any) -> SigningKey:
    return SigningKey(kid=row.kid, private_pem=row.private_pem.encode())


def _row(key: SigningKey, now: datetime) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "private_pem": key.private_pem.decode(),
        "public_jwk": json.dumps(key.public_jwk()),
        "created_at": now,
    }
