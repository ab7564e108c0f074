"""The embedded platform's front door: what is running, where, and how current it is."""

from __future__ import annotations

from flask import Flask, jsonify, render_template_string

from waymark_shared.config import EMBEDDED
from waymark_shared.platform.wiring import Platform

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Waymark</title></head>
<body>
<main>
<h1>Waymark</h1>
<p>Careers guidance for schools and colleges in England: audit, planner, destinations,
directory and reporting, running here in embedded mode.</p>
<table>
<caption>Services</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Links</th><th scope="col">Events stored</th></tr></thead>
<tbody>
{% for s in services %}
<tr><th scope="row">{{ s.title }}</th>
<td><a href="/{{ s.name }}/openapi.json">API (OpenAPI)</a> ·
<a href="/{{ s.name }}/readyz">ready?</a> · <a href="/{{ s.name }}/metrics">metrics</a></td>
<td>{{ s.events }}</td></tr>
{% endfor %}
</tbody>
</table>
<table>
<caption>Subscriptions</caption>
<thead><tr><th scope="col">Subscription</th><th scope="col">Source</th><th scope="col">Events behind</th></tr></thead>
<tbody>
{% for row in lag %}
<tr><td>{{ row.subscription }}</td><td>{{ row.source }}</td><td>{{ row.lag }}</td></tr>
{% endfor %}
</tbody>
</table>
</main>
</body>
</html>"""


def landing_app(platform: Platform) -> Flask:
    app = Flask("waymark_landing")

    def overview() -> dict:
        services = [
            {
                "name": name,
                "title": platform.definition(name).title,
                "events": platform.runtime(name).store.count_after(),
            }
            for name in platform.definitions
        ]
        return {"services": services, "lag": _lag(platform)}

    @app.get("/")
    def index() -> str:
        return render_template_string(PAGE, **overview())

    @app.get("/status.json")
    def status():  # type: ignore[no-untyped-def]
        return jsonify(overview())

    return app


def _lag(platform: Platform) -> list[dict]:
    rows = []
    for name in platform.definitions:
        if platform.runtime(name).settings.transport != EMBEDDED:
            continue
        for transport in platform.transports(name):
            for source, lag in transport.lag().items():  # type: ignore[attr-defined]
                rows.append({"subscription": transport.runner.name, "source": source, "lag": lag})
    return rows
