"""Metrics by route template, correlation ids end to end, JSON logs, security headers."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from waymark_shared.observability.logging import configure_logging
from waymark_shared.service import ServiceRuntime

VALID = {"name": "Pupil Name Secret", "size": 3}


def request_count(client: FlaskClient, **labels: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "waymark_http_requests"
        for sample in family.samples
        if sample.name.endswith("_total") and labels.items() <= sample.labels.items()
    )


def test_requests_are_counted_by_route_template(client: FlaskClient) -> None:
    route = {"service": "webtest", "route": "/widgets/<widget_id>", "method": "PUT", "status": "201"}
    before = request_count(client, **route)

    client.put("/widgets/a", json=VALID)
    client.put("/widgets/b", json=VALID)

    assert request_count(client, **route) == before + 2
    assert request_count(client, route="/widgets/a") == 0


def test_unmatched_paths_and_odd_methods_share_one_label(client: FlaskClient) -> None:
    before = request_count(client, route="unmatched", status="404")

    client.get("/learners/A123456789012")
    client.open("/widgets/a", method="BREW")

    assert request_count(client, route="unmatched", status="404") == before + 1
    assert request_count(client, route="unmatched", method="OTHER", status="405") >= 1


def test_the_latency_histogram_has_the_same_labels(client: FlaskClient) -> None:
    client.get("/healthz")

    text = client.get("/metrics").get_data(as_text=True)

    assert 'waymark_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"' in text


def test_the_correlation_id_reaches_the_event_and_the_response(
    client: FlaskClient, runtime: ServiceRuntime
) -> None:
    response = client.put("/widgets/a", json=VALID, headers={"X-Correlation-ID": "req-42.a_b"})

    [event] = runtime.store.read_stream("widget-a")
    assert response.headers["X-Correlation-ID"] == "req-42.a_b"
    assert event.correlation_id == "req-42.a_b"
    assert event.actor is None


@pytest.mark.parametrize("header", ["x" * 65, "has space", "semi;colon", "<script>", ""])
def test_a_malformed_correlation_id_is_replaced(
    client: FlaskClient, runtime: ServiceRuntime, header: str
) -> None:
    response = client.put("/widgets/a", json=VALID, headers={"X-Correlation-ID": header})

    [event] = runtime.store.read_stream("widget-a")
    issued = response.headers["X-Correlation-ID"]
    assert issued != header and len(issued) == 36
    assert event.correlation_id == issued


def test_each_request_gets_its_own_correlation_id(client: FlaskClient) -> None:
    ids = {client.get("/healthz").headers["X-Correlation-ID"] for _ in range(3)}

    assert len(ids) == 3


@pytest.fixture
def log_stream(client: FlaskClient) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("webtest", "INFO", "json", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_one_json_line_per_request_with_its_correlation_id(
    client: FlaskClient, log_stream: io.StringIO
) -> None:
    client.put("/widgets/a?upn=A123456789012", json=VALID, headers={"X-Correlation-ID": "log-1"})

    [line] = [entry for entry in json_lines(log_stream) if entry["logger"] == "waymark.http"]
    assert line["correlation_id"] == "log-1"
    assert line["service"] == "webtest"
    assert line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == ("PUT", "/widgets/<widget_id>", 201)
    assert isinstance(line["duration_ms"], float)


def test_bodies_paths_and_query_strings_never_reach_the_logs(
    client: FlaskClient, log_stream: io.StringIO
) -> None:
    client.put("/widgets/a?upn=A123456789012", json=VALID)
    client.put("/widgets/b", json={**VALID, "size": "Pupil Name Secret"})
    client.get("/boom?dob=2010-01-01")

    logged = log_stream.getvalue()
    assert "Pupil Name Secret" not in logged
    assert "A123456789012" not in logged and "2010-01-01" not in logged
    assert "/widgets/a" not in logged
    assert any(entry.get("exc_info") for entry in json_lines(log_stream))


def test_lines_logged_inside_a_request_carry_its_correlation_id(
    client: FlaskClient, log_stream: io.StringIO
) -> None:
    client.get("/boom", headers={"X-Correlation-ID": "boom-1"})

    error = next(entry for entry in json_lines(log_stream) if entry["level"] == "ERROR")
    assert error["correlation_id"] == "boom-1"
    assert "RuntimeError" in error["exc_info"]


def test_text_format_for_humans(client: FlaskClient) -> None:
    stream = io.StringIO()
    handler = configure_logging("webtest", "INFO", "text", stream=stream)
    try:
        client.get("/healthz", headers={"X-Correlation-ID": "txt-1"})
    finally:
        logging.getLogger().removeHandler(handler)

    assert "INFO    [webtest txt-1] waymark.http: GET /healthz 200" in stream.getvalue()


@pytest.mark.parametrize("path", ["/healthz", "/no/such/thing", "/metrics", "/boom"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
