"""The Word and Excel files of a plan and of its activity log, as downloads."""

from __future__ import annotations

from typing import Any

from flask import Response

from waymark_planner import export_views
from waymark_planner.exports import docx, xlsx
from waymark_shared.web.runtime import current_runtime

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAKERS = {
    ("plan", "docx"): docx.plan_document,
    ("plan", "xlsx"): xlsx.plan_workbook,
    ("log", "docx"): docx.log_document,
    ("log", "xlsx"): xlsx.log_workbook,
}
_NAMES = {"plan": "careers-plan", "log": "activity-log"}


def file_name(plan: dict[str, Any], kind: str, extension: str) -> str:
    return f"{_NAMES[kind]}-{plan['academic_year'].replace('/', '-')}.{extension}"


def download(plan: dict[str, Any], institution: dict[str, Any], kind: str, extension: str) -> Response:
    """``kind`` is "plan" or "log"; the file holds no pupil-level data (counts only)."""
    model = export_views.export_model(current_runtime(), plan["plan_id"])
    content = _MAKERS[(kind, extension)](model)
    response = Response(content, mimetype=MIMETYPES[extension])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(plan, kind, extension)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
