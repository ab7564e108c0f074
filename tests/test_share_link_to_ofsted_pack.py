"""An Ofsted share link, end to end: a careers leader creates it at directory, the
inspector opens it (directory sets a guest cookie and sends them on to reporting's
Ofsted pack), and that guest can open nothing else: not the dashboard, not another
institution's pack, not the governors' report. A revoked or expired link opens nothing."""

from __future__ import annotations

import html
import http.cookiejar
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from waymark_directory.adapters.keys import KeyRing
from waymark_directory.service_layer import credentials
from waymark_directory.testing import TEST_PASSWORD, account_with_grants
from waymark_shared.auth import ADMIN, CAREERS_LEADER, Grant, Principal
from waymark_shared.auth.tokens import issue_token
from waymark_shared.platform.embedded import EmbeddedPlatform
from waymark_shared.platform.wiring import Platform
from waymark_shared.testing.browser import live_server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A person with their own cookies; ``get`` answers (status, final url, body)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, str]:
        request = urllib.request.Request(
            self.base + path if path.startswith("/") else path, headers={"Accept": "text/html"}
        )
        try:
            with self.opener.open(request) as response:
                return response.status, response.url, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        _, _, form = self.get(path)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body)) as response:
                return response.status, response.url, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def sign_in(self, email: str) -> None:
        self.post("/directory/sign-in", {"email": email, "password": TEST_PASSWORD})


def _register(platform: EmbeddedPlatform, name: str, urn: str) -> str:
    runtime = platform.platform.runtime("directory")
    admin = Principal("test-admin", "person", "Test admin", grants=(Grant(ADMIN, "platform"),))
    client = runtime.definition.create_app(runtime).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = (
        f"Bearer {issue_token(admin, KeyRing(runtime.engine).current())}"
    )
    school = {
        "name": name,
        "institution_type": "mainstream_secondary",
        "urn": urn,
        "local_authority": "Leeds",
    }
    created = client.post("/api/institutions", json=school)
    assert created.status_code == 201, created.json
    return created.json["institution_id"]


def test_a_share_link_opens_the_ofsted_pack_of_its_institution_and_nothing_else(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    platform = EmbeddedPlatform(
        Platform.discover(data_dir=tmp_path / "var", env={"WAYMARK_PUBLIC_URL": base})
    )
    platform.migrate()
    school = _register(platform, "Riverside Academy", "100001")
    other = _register(platform, "Hillcrest School", "100002")
    directory = platform.platform.runtime("directory")
    account_with_grants(
        directory, Grant(CAREERS_LEADER, "institution", school), email="cl@example.org", name="Cara Leader"
    )
    platform.catch_up()  # the institutions reach reporting
    try:
        with live_server(platform.wsgi_app(), port=port):
            leader = Browser(base)
            leader.sign_in("cl@example.org")
            status, _, page = leader.post(
                f"/directory/institutions/{school}/share-links", {"days": "14", "note": "Inspection"}
            )
            assert status == 200, page
            link = html.unescape(re.search(r'<code id="share-link-url">([^<]+)</code>', page).group(1))  # type: ignore[union-attr]
            assert link.startswith(f"{base}/directory/share/")

            inspector = Browser(base)
            status, url, pack = inspector.get(link)
            assert (status, url) == (200, f"{base}/reporting/institutions/{school}/ofsted-pack")
            assert "Ofsted pack: careers guidance" in pack and "Riverside Academy" in pack
            assert "Statutory careers information on the website" in pack
            status, _, _ = inspector.get(f"/reporting/institutions/{school}/ofsted-pack.xlsx")
            assert status == 200
            for refused in (
                f"/reporting/institutions/{school}",
                f"/reporting/institutions/{other}/ofsted-pack",
                f"/reporting/institutions/{school}/governors-report",
                f"/reporting/institutions/{school}/evaluation-report.pdf",
                f"/reporting/institutions/{school}/worklist",
            ):
                assert inspector.get(refused)[0] == 403, refused

            listed = leader.get(f"/directory/institutions/{school}/share-links")[2]
            link_id = re.search(r"/share-links/([0-9a-f-]{36})/revoke", listed).group(1)  # type: ignore[union-attr]
            status, _, _ = leader.post(f"/directory/institutions/{school}/share-links/{link_id}/revoke", {})
            assert status == 200
            assert Browser(base).get(link)[0] == 410  # revoked: a new visitor gets nowhere

            _, expired, _ = credentials.create_share_link(
                directory, institution_id=school, created_by="test", days=1,
                now=datetime.now(UTC) - timedelta(days=2),
            )  # fmt: skip
            late = Browser(base)
            status, url, _ = late.get(f"/directory/share/{expired}")
            assert status == 410 and "/reporting/" not in url
            status, url, body = late.get(f"/reporting/institutions/{school}/ofsted-pack")
            assert "Ofsted pack: careers guidance" not in body  # no guest cookie: signed out
    finally:
        platform.shutdown()
