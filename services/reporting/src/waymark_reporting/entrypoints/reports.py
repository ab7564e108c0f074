"""Reports for one institution as pages and as Word, Excel and PDF: the Ofsted pack,
the governors' termly report, the evaluation report and destinations.

``/institutions/<id>/<report>`` is the page; ``/institutions/<id>/<report>.docx``
(``.xlsx``, ``.pdf``) the file, with the same content (both render one
:class:`~waymark_reporting.exports.document.Document`). Any other extension is a 404.
The Ofsted pack is what an Ofsted share link opens (``can_read_ofsted_pack``); the
others are for whoever reads the dashboard (governors included). Refused is 403,
unknown institution 404 (to someone who would be allowed), as on the dashboard.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template

from waymark_reporting import reports
from waymark_reporting.entrypoints.dashboard_api import now, scope_of
from waymark_reporting.entrypoints.pages import checked_page_institution
from waymark_reporting.exports import document as document_model
from waymark_reporting.service_layer import permissions
from waymark_shared.auth.principal import SHARE_LINK, Principal
from waymark_shared.web.auth import require_principal
from waymark_shared.web.runtime import current_runtime

report_pages = Blueprint("reporting_reports", __name__)

FORMATS = (("docx", "Word document (.docx)"), ("xlsx", "Excel workbook (.xlsx)"), ("pdf", "PDF (.pdf)"))
# report kind (its path and file stem) -> endpoint stem, policy
REPORTS = {
    "ofsted-pack": ("ofsted_pack", permissions.can_read_ofsted_pack),
    "governors-report": ("governors_report", permissions.can_read_dashboard),
    "evaluation-report": ("evaluation_report", permissions.can_read_dashboard),
    "destinations": ("destinations", permissions.can_read_dashboard),
}


@report_pages.app_template_filter("report_block_kind")
def _block_kind(block: document_model.Block) -> str:
    return type(block).__name__.lower()


def _report(kind: str, institution_id: str) -> tuple[Principal, dict[str, Any], reports.Report]:
    principal = require_principal()
    found = checked_page_institution(principal, institution_id, REPORTS[kind][1])
    report = reports.report(kind, current_runtime(), institution_id, now=now())
    if report is None:  # closed between the two reads: as unknown
        abort(404)
    return principal, found, report


def _page(kind: str):  # type: ignore[no-untyped-def]
    def page(institution_id):  # type: ignore[no-untyped-def]
        principal, found, report = _report(kind, str(institution_id))
        guest = principal.kind == SHARE_LINK
        return render_template(
            "reporting/report.html",
            report=report,
            guest=guest,
            may_see_dashboard=not guest
            and permissions.can_read_dashboard(principal, scope_of(found, found["institution_id"])),
            downloads=FORMATS,
            endpoint=f"reporting_reports.{REPORTS[kind][0]}_file",
        )

    return page


def _file(kind: str):  # type: ignore[no-untyped-def]
    def download(institution_id, fmt):  # type: ignore[no-untyped-def]
        from waymark_reporting.exports import MEDIA_TYPES, render  # noqa: PLC0415  (the renderers are heavy)

        _, _, report = _report(kind, str(institution_id))
        document = report.document
        response = Response(render(document, fmt), mimetype=MEDIA_TYPES[fmt])
        response.headers["Content-Disposition"] = f'attachment; filename="{document.file_name(fmt)}"'
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return download


for _kind, (_stem, _) in REPORTS.items():
    report_pages.add_url_rule(f"/institutions/<uuid:institution_id>/{_kind}", _stem, _page(_kind))
    _download = _file(_kind)
    for _fmt, _ in FORMATS:
        report_pages.add_url_rule(
            f"/institutions/<uuid:institution_id>/{_kind}.{_fmt}",
            f"{_stem}_file",
            _download,
            defaults={"fmt": _fmt},
        )
