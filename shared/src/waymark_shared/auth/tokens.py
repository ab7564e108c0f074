"""Signed identity tokens (JWT, ES256) and their verification against published keys.

Directory issues a short-lived token for each signed-in person, API client and Ofsted
share link, and publishes the public halves of its signing keys as a JWKS document.
Every other service verifies tokens against that document, which it fetches once and
caches, fetching again only when it meets a key id it has not seen (after a rotation).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from waymark_shared.auth.principal import Grant, Principal

ALGORITHM = "ES256"
AUDIENCE = "waymark"
ISSUER = "waymark:directory"
TOKEN_COOKIE = "waymark_token"  # noqa: S105 - a cookie name
DEFAULT_LIFETIME_S = 600
# Tolerated clock difference between the issuing and the verifying machine.
LEEWAY_S = 30


class InvalidToken(Exception):
    """The token is malformed, expired, not for Waymark, or signed by an unknown key."""


@dataclass(frozen=True)
class SigningKey:
    """One EC P-256 key pair, named by ``kid`` in token headers and in the JWKS."""

    kid: str
    private_pem: bytes

    @classmethod
    def generate(cls) -> SigningKey:
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cls(kid=uuid.uuid4().hex, private_pem=pem)

    def public_jwk(self) -> dict[str, str]:
        private = serialization.load_pem_private_key(self.private_pem, password=None)
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}


def issue_token(
    principal: Principal,
    key: SigningKey,
    *,
    issuer: str = ISSUER,
    lifetime_s: int = DEFAULT_LIFETIME_S,
    now: float | None = None,
) -> str:
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": principal.subject,
        "iat": issued,
        "exp": issued + lifetime_s,
        "jti": uuid.uuid4().hex,
        "kind": principal.kind,
        "name": principal.name,
        "grants": [grant.as_claim() for grant in sorted(principal.grants)],
    }
    if principal.email:
        claims["email"] = principal.email
    if principal.scopes:
        claims["scope"] = " ".join(sorted(principal.scopes))
    if principal.session_id:
        claims["sid"] = principal.session_id
    return jwt.encode(claims, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid})


class KeySource(Protocol):
    def public_key(self, kid: str) -> Any: ...


class JwksKeySource:
    """Public keys from a JWKS document, fetched lazily from ``fetch`` and cached.

    ``fetch`` returns the document (a URL fetch in production, a function in-process).
    An unknown ``kid`` triggers one fresh fetch, at most every ``min_refresh_s``.
    """

    def __init__(self, fetch: Callable[[], Mapping[str, Any]], *, min_refresh_s: float = 10.0):
        self._fetch = fetch
        self._min_refresh_s = min_refresh_s
        self._keys: dict[str, Any] = {}
        self._fetched_at = float("-inf")
        # One fetch at a time; threads that waited look again before fetching themselves.
        self._lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 5.0) -> JwksKeySource:
        client = jwt.PyJWKClient(url, cache_jwk_set=False, timeout=timeout_s)
        return cls(client.fetch_data)

    def public_key(self, kid: str) -> Any:
        if kid not in self._keys:
            with self._lock:
                if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh_s:
                    self._refresh()
        try:
            return self._keys[kid]
        except KeyError:
            raise InvalidToken(f"unknown signing key {kid!r}") from None

    def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            document = self._fetch()
        except Exception as error:  # noqa: BLE001 - any fetch failure means: cannot verify
            raise InvalidToken(f"signing keys unavailable: {error}") from error
        keys = jwt.PyJWKSet.from_dict(dict(document)).keys
        self._keys = {key.key_id: key.key for key in keys if key.key_id}


class TokenVerifier:
    def __init__(self, keys: KeySource, *, issuer: str | None = ISSUER):
        self._keys = keys
        self._issuer = issuer

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.public_key(str(header.get("kid")))
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self._issuer,
                leeway=LEEWAY_S,
                options={"require": ["exp", "iat", "sub", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        return principal_from_claims(claims)


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    try:
        grants = tuple(Grant.from_claim(claim) for claim in claims.get("grants", ()))
    except (TypeError, ValueError) as error:
        raise InvalidToken("malformed grants claim") from error
    return Principal(
        subject=str(claims["sub"]),
        kind=str(claims.get("kind", "person")),
        name=str(claims.get("name", "")),
        email=claims.get("email"),
        grants=grants,
        scopes=frozenset(str(claims.get("scope", "")).split()),
        session_id=claims.get("sid"),
    )
