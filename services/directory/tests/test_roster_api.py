"""The roster API: uploads, row errors, bad input, learners, erasure, and who may do what."""

from __future__ import annotations

import io
import logging
import uuid
from datetime import date

import pytest

from waymark_directory.domain.commands import RegisterInstitution
from waymark_directory.roster_demo import roster_csv, roster_rows
from waymark_directory.service_layer import credentials
from waymark_directory.service_layer.handlers import register_institution
from waymark_directory.service_layer.roster import school_today
from waymark_directory.testing import account_with_grants
from waymark_shared.auth import (
    CAREERS_ADVISER,
    CAREERS_LEADER,
    GOVERNOR,
    HUB_LEAD,
    SENIOR_LEADER,
    Grant,
    Principal,
)


def sign_in(runtime, client, *grants: Grant) -> Principal:  # type: ignore[no-untyped-def]
    """A new account holding ``grants``; its token (signed with directory's key) on every request."""
    principal, token = account_with_grants(runtime, *grants)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return principal


def sign_in_client(runtime, client, institution_id: str, scopes: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """A registered API client of ``institution_id``, its token from the OAuth token endpoint."""
    client.environ_base.pop("HTTP_AUTHORIZATION", None)
    new = credentials.register_client(
        runtime, institution_id=institution_id, name="MIS sync", scopes=list(scopes), registered_by="test"
    )
    granted = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(new.client_id, new.secret)
    )
    assert granted.status_code == 200, granted.json
    assert granted.json["scope"] == " ".join(sorted(scopes))
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {granted.json['access_token']}"


@pytest.fixture
def school(runtime) -> str:  # type: ignore[no-untyped-def]
    return register_institution(
        RegisterInstitution("Test Academy", "mainstream_secondary", urn="990201"), runtime
    ).institution_id


@pytest.fixture
def other_school(runtime) -> str:  # type: ignore[no-untyped-def]
    return register_institution(
        RegisterInstitution("Other School", "mainstream_secondary", urn="990202"), runtime
    ).institution_id


@pytest.fixture
def leader(runtime, client, school):  # type: ignore[no-untyped-def]
    return sign_in(runtime, client, Grant(CAREERS_LEADER, "institution", school))


@pytest.fixture
def lite(sqlite_runtime):  # type: ignore[no-untyped-def]
    """For refusals that cannot depend on the backend: a signed-in careers leader on SQLite."""
    from waymark_directory.service import DEFINITION

    app = DEFINITION.create_app(sqlite_runtime)
    client = app.test_client()
    school = register_institution(
        RegisterInstitution("Lite Academy", "mainstream_secondary", urn="990203"), sqlite_runtime
    ).institution_id
    sign_in(sqlite_runtime, client, Grant(CAREERS_LEADER, "institution", school))
    return client, school


def csv_rows(count: int = 12) -> list[list[str]]:
    return roster_rows(count, seed=11, today=school_today())


def upload(client, school, content: bytes, **fields):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(content), "roster.csv"), **fields}
    return client.post(
        f"/api/institutions/{school}/roster/imports", data=data, content_type="multipart/form-data"
    )


def learners_of(client, school, query: str = ""):  # type: ignore[no-untyped-def]
    return client.get(f"/api/institutions/{school}/learners{query}")


def test_a_careers_leader_imports_by_upload_and_again_with_no_changes(client, school, leader):
    content = roster_csv(csv_rows())
    response = upload(client, school, content)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["status"], body["enrolled"], body["events"], body["row_errors"]) == ("imported", 12, 12, [])
    record = client.get(response.headers["Location"]).json
    assert (record["status"], record["actor"], record["file_name"]) == (
        "imported",
        leader.subject,
        "roster.csv",
    )
    again = upload(client, school, content)
    assert again.status_code == 201 and (again.json["status"], again.json["events"]) == ("no_changes", 0)
    history = client.get(f"/api/institutions/{school}/roster/imports").json["imports"]
    assert [h["status"] for h in history] == ["no_changes", "imported"]


def test_a_text_csv_body_with_options_in_the_query(client, school, leader):
    content = roster_csv(csv_rows())
    url = f"/api/institutions/{school}/roster/imports"
    assert client.post(url, data=content, content_type="text/csv").status_code == 201
    partial = client.post(url + "?mode=partial", data=roster_csv(csv_rows()[:3]), content_type="text/csv")
    assert partial.status_code == 201 and partial.json["left"] == 0
    full = client.post(url + "?mode=full", data=roster_csv(csv_rows()[:3]), content_type="text/csv")
    assert full.json["left"] == 9


def test_row_errors_are_a_422_problem_with_values_for_the_authorised_user(client, school, leader):
    data = csv_rows()
    data[2][0] = "A123"
    data[5][6] = "Year 5"
    response = upload(client, school, roster_csv(data))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    problem = response.json
    assert problem["errors"] == {
        "rows.4.UPN": ["A UPN is 13 characters; this one has 4."],
        "rows.7.Year Group": ["The year group must be a number from 7 to 14."],
    }
    assert problem["row_errors"][0] == {"row": 4, "column": "UPN", "message": problem["errors"]["rows.4.UPN"][0],
                                        "value": "A123"}  # fmt: skip
    assert (problem["rows_total"], problem["rows_invalid"]) == (12, 2)
    assert learners_of(client, school).json["learners"] == []
    chosen = upload(client, school, roster_csv(data), import_valid_rows="true")
    assert chosen.status_code == 201 and chosen.json["enrolled"] == 10
    record = client.get(f"/api/institutions/{school}/roster/imports/{problem['import_id']}").json
    assert record["status"] == "rejected" and "value" not in record["row_errors"][0]


def _file(content: bytes = b"x", name: str = "a.csv"):  # type: ignore[no-untyped-def]
    return (io.BytesIO(content), name)


MULTIPART = "multipart/form-data"
BAD_UPLOADS = {
    "json": (lambda: {"json": {"csv": "UPN"}}, 415, None),
    "octet-stream": (lambda: {"data": b"UPN", "content_type": "application/octet-stream"}, 415, None),
    "unknown field": (
        lambda: {"data": {"file": _file(), "colour": "red"}, "content_type": MULTIPART},
        422,
        "colour",
    ),
    "bad mode": (
        lambda: {"data": {"file": _file(), "mode": "sometimes"}, "content_type": MULTIPART},
        422,
        "mode",
    ),
    "bad flag": (
        lambda: {"data": {"file": _file(), "import_valid_rows": "maybe"}, "content_type": MULTIPART},
        422,
        "import_valid_rows",
    ),
    "repeated option": (
        lambda: {"data": {"file": _file(), "mode": ["full", "partial"]}, "content_type": MULTIPART},
        422,
        "mode",
    ),
    "no file": (lambda: {"data": {"mode": "full"}, "content_type": MULTIPART}, 422, "file"),
    "two files": (lambda: {"data": {"file": [_file(), _file(b"y")]}, "content_type": MULTIPART}, 422, "file"),
    "file in another field": (lambda: {"data": {"other": _file()}, "content_type": MULTIPART}, 422, "file"),
    "empty body": (lambda: {"data": b"", "content_type": "text/csv"}, 422, "file"),
    "binary garbage": (lambda: {"data": b"\x00\xff\xfe garbage", "content_type": "text/csv"}, 422, "file"),
    "missing columns": (lambda: {"data": b"UPN,Surname\n", "content_type": "text/csv"}, 422, "file"),
    "header only": (
        lambda: {"data": b"UPN,Surname,Forename,DOB,Year\n", "content_type": "text/csv"},
        422,
        "file",
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_problems_and_write_nothing(lite, case):
    client, school = lite
    make, status, field = BAD_UPLOADS[case]
    response = client.post(f"/api/institutions/{school}/roster/imports", **make())
    assert response.status_code == status, response.json
    assert response.content_type == "application/problem+json"
    if field:
        assert field in response.json["errors"], response.json
    assert learners_of(client, school).json["learners"] == []


def test_an_oversized_upload_is_413(lite):
    client, school = lite
    big = b"UPN,Surname,Forename,DOB,Year\n" + b"x" * (4 * 1024 * 1024 + 1)
    response = client.post(f"/api/institutions/{school}/roster/imports", data=big, content_type="text/csv")
    assert response.status_code == 413 and response.content_type == "application/problem+json"


def test_a_large_school_fits_under_the_limit_beyond_the_default_1_mib(client, school, leader):
    # Real exports carry more columns than Waymark reads: an ignored one stands in for them.
    rows = [
        [*row, "x" * 60]
        for row in roster_rows(10_000, seed=2, today=school_today(), year_groups=range(7, 14))
    ]
    lines = roster_csv(rows).decode().split("\r\n", 1)
    content = (lines[0] + ",Notes\r\n" + lines[1]).encode()
    assert len(content) > 1024 * 1024
    response = client.post(
        f"/api/institutions/{school}/roster/imports", data=content, content_type="text/csv"
    )
    assert response.status_code == 201, response.json
    assert response.json["enrolled"] == 10_000 and response.json["ignored_columns"] == ["Notes"]


def test_learners_list_filters_and_one_learner(client, school, leader):
    data = csv_rows()
    upload(client, school, roster_csv(data))
    everyone = learners_of(client, school).json["learners"]
    assert len(everyone) == 12 and {"learner_id", "legal_surname", "upn", "cohort"} <= set(everyone[0])
    nines = learners_of(client, school, "?year_group=9").json["learners"]
    assert nines and {x["year_group"] for x in nines} == {9}
    form = nines[0]["form_group"]
    assert {x["form_group"] for x in learners_of(client, school, f"?form_group={form}").json["learners"]} == {
        form
    }
    one = client.get(f"/api/institutions/{school}/learners/{everyone[0]['learner_id']}")
    assert one.status_code == 200 and one.json == everyone[0]
    missing = client.get(f"/api/institutions/{school}/learners/{uuid.uuid4()}")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "query", ["?year_group=nine", "?year_group=3", "?colour=red", "?include_left=perhaps"]
)
def test_bad_learner_queries_are_422(lite, query):
    client, school = lite
    response = learners_of(client, school, query)
    assert response.status_code == 422 and response.content_type == "application/problem+json"


def test_erasing_personal_data(client, school, leader):
    upload(client, school, roster_csv(csv_rows()))
    learner = learners_of(client, school).json["learners"][0]
    url = f"/api/institutions/{school}/learners/{learner['learner_id']}"
    assert client.delete(url + "/personal-data").status_code == 204
    after = client.get(url).json
    assert after["personal_data_erased"] is True
    assert after["upn"] is None and after["legal_surname"] is None and after["date_of_birth"] is None
    assert after["year_group"] == learner["year_group"]
    assert client.delete(url + "/personal-data").status_code == 204  # idempotent
    assert (
        client.delete(f"/api/institutions/{school}/learners/{uuid.uuid4()}/personal-data").status_code == 404
    )


def test_the_template_lists_the_expected_headers(lite):
    client, _ = lite
    response = client.get("/api/roster/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.decode().startswith("UPN,Legal Surname,Legal Forename,Preferred Surname")


def test_anonymous_callers_get_401(client, school):
    for response in (
        upload(client, school, roster_csv(csv_rows(2))),
        learners_of(client, school),
        client.delete(f"/api/institutions/{school}/learners/{uuid.uuid4()}/personal-data"),
        client.get(f"/api/institutions/{school}/roster/imports"),
    ):
        assert response.status_code == 401 and response.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("role", "scope", "may_view", "may_manage"),
    [
        (CAREERS_LEADER, "institution", True, True),
        (SENIOR_LEADER, "institution", True, False),
        (CAREERS_ADVISER, "institution", True, False),
        (GOVERNOR, "institution", False, False),
        (HUB_LEAD, "hub", False, False),
    ],
)
def test_roles_at_the_institution(runtime, client, school, role, scope, may_view, may_manage):
    sign_in(runtime, client, Grant(role, scope, school if scope == "institution" else "hub-1"))
    view = learners_of(client, school).status_code
    manage = upload(client, school, roster_csv(csv_rows(2))).status_code
    erase = client.delete(f"/api/institutions/{school}/learners/{uuid.uuid4()}/personal-data").status_code
    assert view == (200 if may_view else 403)
    assert manage == (201 if may_manage else 403)
    assert erase == (404 if may_manage else 403)


def test_another_institutions_careers_leader_is_refused_everything(runtime, client, school, other_school):
    sign_in(runtime, client, Grant(CAREERS_LEADER, "institution", school))
    data = csv_rows()
    upload(client, school, roster_csv(data))
    learner_id = learners_of(client, school).json["learners"][0]["learner_id"]
    import_id = client.get(f"/api/institutions/{school}/roster/imports").json["imports"][0]["import_id"]
    sign_in(runtime, client, Grant(CAREERS_LEADER, "institution", other_school))
    refused = [
        learners_of(client, school),
        client.get(f"/api/institutions/{school}/learners/{learner_id}"),
        client.delete(f"/api/institutions/{school}/learners/{learner_id}/personal-data"),
        upload(client, school, roster_csv(csv_rows(2))),
        client.get(f"/api/institutions/{school}/roster/imports"),
        client.get(f"/api/institutions/{school}/roster/imports/{import_id}"),
    ]
    assert [r.status_code for r in refused] == [403] * 6
    assert {r.json["detail"] for r in refused} == {"You do not have access to this."}
    bodies = "".join(r.get_data(as_text=True) for r in refused)
    assert not any(row[0] in bodies or row[1] in bodies for row in data)
    # Through their own institution's path, the other school's learner does not exist.
    assert client.get(f"/api/institutions/{other_school}/learners/{learner_id}").status_code == 404
    assert (
        client.delete(f"/api/institutions/{other_school}/learners/{learner_id}/personal-data").status_code
        == 404
    )
    assert client.get(f"/api/institutions/{other_school}/roster/imports/{import_id}").status_code == 404


def test_api_clients_need_the_roster_scopes(runtime, client, school):
    sign_in_client(runtime, client, school, ("roster:read",))
    assert learners_of(client, school).status_code == 200
    assert upload(client, school, roster_csv(csv_rows(2))).status_code == 403
    sign_in_client(runtime, client, school, ("roster:write", "roster:read"))
    assert upload(client, school, roster_csv(csv_rows(2))).status_code == 201


def test_no_pupil_data_in_logs_across_the_api(client, school, leader, caplog):
    caplog.set_level(logging.DEBUG)
    data = csv_rows()
    bad = [list(r) for r in data]
    bad[0][5] = "31/02/2013"
    upload(client, school, roster_csv(bad))
    upload(client, school, roster_csv(data))
    learner_id = learners_of(client, school, f"?form_group={data[0][7]}").json["learners"][0]["learner_id"]
    client.get(f"/api/institutions/{school}/learners/{learner_id}")
    client.delete(f"/api/institutions/{school}/learners/{learner_id}/personal-data")
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "roster import" in logged
    for row in data:
        for secret in (row[0], row[1], row[2], row[5]):
            assert secret not in logged, secret
    assert date.today().isoformat()  # keep the import used


def test_the_roster_routes_are_documented(lite):
    client, _ = lite
    paths = client.get("/openapi.json").json["paths"]
    imports = paths["/api/institutions/{institution_id}/roster/imports"]
    assert {"post", "get"} <= set(imports) and "Legal Surname (required)" in imports["post"]["description"]
    assert "delete" in paths["/api/institutions/{institution_id}/learners/{learner_id}/personal-data"]
    assert "/api/roster/template.csv" in paths
