"""Verifying tokens while the signing keys are being fetched: no spurious refusals."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from waymark_shared.auth import Grant, Principal
from waymark_shared.auth.tokens import JwksKeySource, SigningKey, TokenVerifier, issue_token


def test_threads_arriving_during_the_first_fetch_wait_for_it_instead_of_refusing() -> None:
    key = SigningKey.generate()
    fetches = []
    started = threading.Event()

    def slow_fetch():  # type: ignore[no-untyped-def]
        fetches.append(1)
        started.set()
        time.sleep(0.2)
        return {"keys": [key.public_jwk()]}

    verifier = TokenVerifier(JwksKeySource(slow_fetch))
    token = issue_token(Principal("ada", grants=(Grant("admin", "platform"),)), key)
    with ThreadPoolExecutor(4) as pool:
        subjects = list(pool.map(lambda _: verifier.verify(token).subject, range(4)))
    assert subjects == ["ada"] * 4
    assert len(fetches) == 1
