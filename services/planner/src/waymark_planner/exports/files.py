"""What a download of an export is called and what type it has, for the pages."""

from __future__ import annotations

import re
from typing import Literal

from waymark_planner.exports.model import PlanExport

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE}
KIND_NAMES = {"plan": "careers-plan", "log": "careers-activity-log"}


def download_name(model: PlanExport, kind: Literal["plan", "log"], extension: Literal["docx", "xlsx"]) -> str:
    """E.g. ``careers-plan-2026-27-oakwood-academy.docx`` (ASCII only, safe in a header)."""
    institution = re.sub(r"[^a-z0-9]+", "-", model.institution_name.lower()).strip("-")[:60] or "institution"
    year = re.sub(r"[^0-9]+", "-", model.academic_year).strip("-")
    return f"{KIND_NAMES[kind]}-{year}-{institution}.{extension}"
