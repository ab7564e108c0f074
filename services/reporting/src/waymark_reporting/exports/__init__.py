"""A report's downloads: a :class:`~waymark_reporting.exports.document.Document` as Word,
Excel or PDF, with charts.

``render(document, "pdf")`` gives the file's bytes. python-docx, openpyxl, reportlab
and matplotlib are imported only when a file is made: importing this package (the
pages do) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from waymark_reporting.exports.document import Document

FORMATS = ("docx", "xlsx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(document: Document, fmt: str) -> bytes:
    """``document`` as a ``fmt`` file (one of :data:`FORMATS`); ValueError otherwise."""
    if fmt == "docx":
        from waymark_reporting.exports.charts import chart_images
        from waymark_reporting.exports.docx import word_document

        return word_document(document, chart_images(document))
    if fmt == "xlsx":
        from waymark_reporting.exports.xlsx import workbook

        return workbook(document)
    if fmt == "pdf":
        from waymark_reporting.exports.pdf import pdf_document

        return pdf_document(document)
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
