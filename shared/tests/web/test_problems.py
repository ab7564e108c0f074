"""Every 4xx and 5xx is problem details, and a refused request writes nothing."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask.testing import FlaskClient
from waymark_webtest_service import MAX_BODY_BYTES

from waymark_shared.service import ServiceRuntime

PROBLEM_JSON = "application/problem+json"
VALID = {"name": "Gatsby board", "size": 3}


def put_widget(client: FlaskClient, body: object, widget_id: str = "w1", **kwargs):  # type: ignore[no-untyped-def]
    return client.put(f"/widgets/{widget_id}", json=body, **kwargs)


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "correlation_id"} <= body.keys()
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    return body


def test_a_valid_request_appends_one_event(client: FlaskClient, runtime: ServiceRuntime) -> None:
    response = put_widget(client, VALID)

    assert response.status_code == 201
    assert response.get_json() == {"id": "w1", "name": "Gatsby board", "size": 3, "version": 1}
    assert runtime.store.count_after() == 1


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ('{"name": "a", "size":', "Malformed JSON"),
        ("", "Malformed JSON"),
        ('{"name": "a", "size": NaN}', "not valid JSON"),
        (b"\xff\xfe\xfa", "not valid"),
        ('["name", "size"]', "must be a JSON object"),
        ("42", "must be a JSON object"),
    ],
)
def test_a_body_that_is_not_one_json_object_is_a_400(
    client: FlaskClient, runtime: ServiceRuntime, raw: str | bytes, detail: str
) -> None:
    response = client.put("/widgets/w1", data=raw, content_type="application/json")

    body = assert_problem(response, 400)
    assert detail in body["detail"]
    assert body["instance"] == "/widgets/w1"
    assert runtime.store.count_after() == 0


def test_deeply_nested_json_within_the_size_limit_is_a_400(client: FlaskClient) -> None:
    response = client.put("/widgets/w1", data="[" * 4000, content_type="application/json")

    assert_problem(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json_is_a_415(
    client: FlaskClient, runtime: ServiceRuntime, content_type: str | None
) -> None:
    response = client.put("/widgets/w1", data=json.dumps(VALID), content_type=content_type)

    assert_problem(response, 415)
    assert runtime.store.count_after() == 0


def test_a_json_suffix_media_type_with_charset_is_accepted(client: FlaskClient) -> None:
    response = client.put(
        "/widgets/w1", data=json.dumps(VALID), content_type="application/merge+json; charset=utf-8"
    )

    assert response.status_code == 201


def test_a_body_over_the_limit_is_a_413_before_parsing(client: FlaskClient, runtime: ServiceRuntime) -> None:
    body = {**VALID, "name": "x" * MAX_BODY_BYTES}

    response = put_widget(client, body)

    problem = assert_problem(response, 413)
    assert f"larger than {MAX_BODY_BYTES} bytes" in problem["detail"]
    assert runtime.store.count_after() == 0


def put_chunked(client: FlaskClient, body: bytes):  # type: ignore[no-untyped-def]
    """As gunicorn passes a chunked body: no Content-Length, the stream ends itself."""
    return client.put(
        "/widgets/w1",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_body_within_the_limit_is_read_whole(client: FlaskClient) -> None:
    response = put_chunked(client, json.dumps({**VALID, "tags": ["t" * 1000]}).encode())

    assert response.status_code == 201


@pytest.mark.parametrize("extra", [MAX_BODY_BYTES, MAX_BODY_BYTES * 100])
def test_a_chunked_body_over_the_limit_is_a_413(
    client: FlaskClient, runtime: ServiceRuntime, extra: int
) -> None:
    response = put_chunked(client, json.dumps({**VALID, "name": "x" * extra}).encode())

    problem = assert_problem(response, 413)
    assert f"larger than {MAX_BODY_BYTES} bytes" in problem["detail"]
    assert runtime.store.count_after() == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**VALID, "colour": "red"}, {"colour": ["Unknown field."]}),
        ({"name": "a", "size": "big"}, {"size": ["Not a valid integer."]}),
        ({"name": "a", "size": 1.5}, {"size": ["Not a valid integer."]}),
        ({"size": 3}, {"name": ["Missing data for required field."]}),
        ({**VALID, "name": ""}, {"name": ["Length must be between 1 and 40."]}),
        ({**VALID, "tags": ["ok", 7]}, {"tags.1": ["Not a valid string."]}),
    ],
)
def test_a_body_the_schema_refuses_is_a_422_with_field_errors(
    client: FlaskClient, runtime: ServiceRuntime, body: dict, errors: dict
) -> None:
    response = put_widget(client, body)

    problem = assert_problem(response, 422)
    assert problem["errors"] == errors
    assert problem["type"] == "urn:waymark:problem:validation"
    assert runtime.store.count_after() == 0


def test_an_event_its_schema_refuses_is_a_422_and_is_not_stored(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    response = client.post("/widgets/7/broken-event")

    problem = assert_problem(response, 422)
    assert problem["errors"] == {"size": ["Not a valid integer."]}
    assert runtime.store.count_after() == 0


def test_a_stale_expected_version_is_a_409_with_both_versions(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    assert put_widget(client, VALID).status_code == 201

    response = put_widget(client, {**VALID, "expected_version": 0})

    problem = assert_problem(response, 409)
    assert problem["expected_version"] == 0
    assert problem["actual_version"] == 1
    assert runtime.store.count_after() == 1


def test_an_unknown_path_is_a_404_without_the_query_string(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/no/such/thing?upn=A123456789012"), 404)

    assert problem["instance"] == "/no/such/thing"
    assert problem["title"] == "Not Found"
    assert problem["type"] == "about:blank"


def test_a_wrong_method_is_a_405_naming_the_allowed_ones(client: FlaskClient) -> None:
    response = client.delete("/widgets/w1")

    assert_problem(response, 405)
    assert "PUT" in response.headers["Allow"]


def test_a_problem_a_route_raises_keeps_its_status_and_type(client: FlaskClient) -> None:
    problem = assert_problem(client.get("/teapot"), 418)

    assert problem == {**problem, "title": "Short and stout", "detail": "Tip me over."}
    assert problem["type"] == "urn:waymark:problem:teapot"


def test_an_unexpected_error_is_a_500_that_leaks_nothing_and_is_logged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")

    problem = assert_problem(response, 500)
    assert "hunter2" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    assert problem["title"] == "Internal Server Error"
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
