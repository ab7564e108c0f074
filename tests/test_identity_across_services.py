"""Signing in once at directory is enough for every service: each verifies the identity
cookie itself, against the keys directory publishes at its JWKS URL, over HTTP."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import urllib.parse
import urllib.request
from pathlib import Path

from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import ADMIN, Grant
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.browser import live_server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_person_signed_in_at_directory_is_known_to_audit_and_reporting(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    platform = EmbeddedPlatform(
        Platform.discover(data_dir=tmp_path / "var", env={"WAYMARK_PUBLIC_URL": base})
    )
    platform.migrate()
    account_with_grants(
        platform.platform.runtime("directory"),
        Grant(ADMIN, "platform"),
        email="ada@example.org",
        name="Ada Lovelace",
    )
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with live_server(platform.wsgi_app(), port=port):
        form = browser.open(f"{base}/directory/sign-in").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode(
            {"email": "ada@example.org", "password": TEST_PASSWORD, "csrf_token": token}
        )
        browser.open(f"{base}/directory/sign-in", data=body.encode())
        for service in ("audit", "reporting"):
            page = (
                browser.open(urllib.request.Request(f"{base}/{service}/", headers={"Accept": "text/html"}))
                .read()
                .decode()
            )
            assert "Ada Lovelace" in page, service  # the header names whoever the token says
            assert "Sign out" in page
    platform.shutdown()
    # Anonymous, the same pages offer to sign in instead.
    anonymous = EmbeddedPlatform(
        Platform.discover(data_dir=tmp_path / "var", env={"WAYMARK_PUBLIC_URL": base})
    )
    with live_server(anonymous.wsgi_app(), port=port):
        page = (
            urllib.request.urlopen(urllib.request.Request(f"{base}/audit/", headers={"Accept": "text/html"}))
            .read()
            .decode()
        )
        assert "Ada Lovelace" not in page and "Sign in" in page
    anonymous.shutdown()
