"""Reports for one institution, each a :class:`~waymark_reporting.exports.document.Document`
built over one connection from the dashboard's views: the Ofsted pack, the governors'
termly report, the evaluation report and destinations. See ``docs/reports.md``."""

from __future__ import annotations

from datetime import datetime

from waymark_reporting.reports import destinations, evaluation, governors, ofsted
from waymark_reporting.reports.common import Builder, Report, read
from waymark_shared.service import ServiceRuntime

BUILDERS: dict[str, Builder] = {
    "ofsted-pack": ofsted.build,
    "governors-report": governors.build,
    "evaluation-report": evaluation.build,
    "destinations": destinations.build,
}


def report(kind: str, runtime: ServiceRuntime, institution_id: str, *, now: datetime) -> Report | None:
    """The ``kind`` of report of the institution (None: reporting has not heard of it)."""
    return read(runtime, institution_id, BUILDERS[kind], now)


__all__ = ["BUILDERS", "Report", "report"]
