"""Every directory route, fed malformed ids, bodies, content types and query strings,
answers 4xx (or its normal 2xx/3xx), never a 500, whoever asks."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from authz_world import ADMINISTRATOR, build_world, sign_in

from waymark_directory.service import DEFINITION
from waymark_shared.auth import ADMIN
from waymark_shared.config import Settings
from waymark_shared.service import bootstrap

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
BAD_IDS = ["x", "0", "9" * 300, "00000000-0000-0000-0000-000000000000", "%ff%fe", "..%2F.."]
LONG = "L" * 400
FIELDS = ("email", "name", "password", "role", "institution_id", "organisation", "note", "reason", "days",
          "decision", "mode", "postcode", "next")  # fmt: skip
BAD_QUERIES = ["?page=-1", "?page=99999999999999999999", "?per_page=0", "?year_group=x", "?include_left=maybe",
               "?postcode=%00", "?postcode=LS9+8AB&distance=1e309", "?q=" + "a" * 3000, "?benchmark=9&key_stage=zz",
               "?next=/%0a/evil.example", "?next=/%09/evil.example", "?status=%ff"]  # fmt: skip


def _bodies() -> list[dict[str, Any]]:
    return [
        {"json": []},
        {"json": {"email": 5, "name": None, "password": ["a"], "role": {}, "scope_id": 1.5, "days": "x"}},
        {"data": b"{bad", "content_type": "application/json"},
        {"data": b"\xff\xfe\x00", "content_type": "text/csv"},
        {"data": "<x/>", "content_type": "application/xml"},
        {"data": {"file": (io.BytesIO(b"\xff\x00garbage"), "x.csv")}, "content_type": "multipart/form-data"},
        {"data": dict.fromkeys(FIELDS, LONG)},
        {"data": {"email": "a@b.example", "password": "x", "next": "/\n/evil.example"}},
    ]


def _path(rule: str, ids: dict[str, str]) -> str:
    return _PARAM.sub(lambda match: ids.get(match.group(1), "x"), rule)


@pytest.fixture(scope="module")
def world_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("bad-input")
    env = {"WAYMARK_ENV": "test", "WAYMARK_DIRECTORY_DATABASE_URL": f"sqlite:///{folder / 'd.sqlite3'}"}
    runtime = bootstrap(DEFINITION, Settings.from_env("directory", env, data_dir=folder))
    runtime.migrate()
    world = build_world(runtime)
    app = DEFINITION.create_app(runtime)
    app.config["WTF_CSRF_ENABLED"] = False  # so that bodies reach the routes
    yield app, world
    runtime.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("principal", ["anonymous", ADMINISTRATOR, ADMIN])
def test_no_route_answers_bad_input_with_a_500(world_app, principal: str) -> None:  # type: ignore[no-untyped-def]
    app, world = world_app
    client = app.test_client()
    sign_in(client, world, principal)
    failures = []

    def check(method: str, path: str, **kwargs: Any) -> None:
        response = client.open(path, method=method, **kwargs)
        if response.status_code >= 500:
            failures.append(f"{method} {path} {str(kwargs)[:80]}: {response.status_code}")

    for rule in app.url_map.iter_rules():
        ids = world.ids("own", rule.rule)
        good = _path(rule.rule, ids)
        names = [match.group(1) for match in _PARAM.finditer(rule.rule)]
        paths = [good] + [_path(rule.rule, {**ids, name: bad}) for name in names for bad in BAD_IDS]
        for method in sorted(rule.methods - {"OPTIONS"}):
            for accept in ("text/html", "application/json"):
                headers = {"Accept": accept}
                for path in paths:
                    check(method, path, headers=headers)
                if method in ("GET", "HEAD"):
                    for query in BAD_QUERIES:
                        check(method, good + query, headers=headers)
                else:
                    for body in _bodies():
                        check(method, good, headers=headers, **body)
    assert failures == []
