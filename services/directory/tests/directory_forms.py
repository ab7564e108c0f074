"""Driving directory's pages with a Flask test client, as a browser would."""

from __future__ import annotations

import re
from typing import Any

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(path, headers={"Accept": "text/html"})
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def submit(client, path: str, data: dict[str, Any], *, form_page: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
    """GET the form page for its CSRF token, then POST ``data`` to ``path``."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={**data, "csrf_token": token}, headers={"Accept": "text/html"}, **kwargs)
