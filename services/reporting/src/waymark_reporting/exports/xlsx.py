"""A report as an Excel workbook: a Summary sheet (title, institution, as-of line, the
key figures and a contents list linking to each sheet), then a sheet for each section
that has tables, checklists or charts."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink

from waymark_reporting.exports.document import (
    Chart,
    Checklist,
    Document,
    KeyFigures,
    Paragraph,
    Section,
    Table,
)
from waymark_reporting.exports.text import as_number, xml_safe
from waymark_reporting.exports.xlsx_sheets import (
    CAPTION_FONT,
    HEADER_FONT,
    NOTE_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    SectionSheet,
    number_format,
    print_to_page_width,
)

SUMMARY = "Summary"
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def workbook(document: Document) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = SUMMARY
    names = {SUMMARY.lower()}
    table_names: set[str] = set()
    contents = []
    for section in document.sections:
        if not any(isinstance(b, Table | Chart | Checklist) for b in section.blocks):
            continue
        name = sheet_name(section.heading, names)
        sheet = SectionSheet(book.create_sheet(name), section, table_names)
        for block in section.blocks:
            _write(sheet, block)
        sheet.finish()
        contents.append((name, section.heading))
    _summary(summary, document, contents)
    _as_text(book)
    book.properties.title = xml_safe(document.title)
    book.properties.subject = xml_safe(document.institution_name)
    book.properties.creator = "Waymark"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(book: Workbook) -> None:
    """Every cell's text stays text: openpyxl stores a string starting with "=" as a
    formula, and an activity title, an objective or a name is typed by someone (a title
    of ``=HYPERLINK(...)`` would run in the reader's Excel). The workbook writes no
    formulas of its own."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def sheet_name(heading: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, not starting or ending with an
    apostrophe, and different from every other sheet's (Excel ignores case)."""
    base = _NOT_IN_SHEET_NAME.sub(" ", xml_safe(heading)).strip().strip("'").strip() or "Section"
    name, number = base[:31].strip(), 1
    while name.lower() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)].strip() + suffix
    taken.add(name.lower())
    return name


def _write(sheet: SectionSheet, block: object) -> None:
    if isinstance(block, Paragraph):
        sheet.paragraph(block)
    elif isinstance(block, Table):
        sheet.table(block)
    elif isinstance(block, Chart):
        sheet.chart(block)
    elif isinstance(block, Checklist):
        sheet.checklist(block)


def _summary(ws, document: Document, contents: list[tuple[str, str]]) -> None:
    ws["A1"] = xml_safe(document.title)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = xml_safe(document.institution_name)
    ws["A2"].font = SUBTITLE_FONT
    ws["A3"] = xml_safe(document.subtitle)
    ws["A4"] = xml_safe(document.as_of)
    ws["A4"].font = NOTE_FONT
    row = 6
    figures = [
        (s, f) for s in document.sections for b in s.blocks if isinstance(b, KeyFigures) for f in b.figures
    ]
    if figures:
        row = _key_figures(ws, figures, row)
    if contents:
        ws.cell(row=row, column=1, value="Sheets").font = CAPTION_FONT
        for name, heading in contents:
            row += 1
            cell = ws.cell(row=row, column=1, value=xml_safe(heading))
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=cell.value)
            cell.style = "Hyperlink"
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 50
    print_to_page_width(ws)


def _key_figures(ws, figures: list[tuple[Section, tuple[str, str, str]]], row: int) -> int:
    ws.cell(row=row, column=1, value="Key figures").font = CAPTION_FONT
    row += 1
    for column, heading in enumerate(("Section", "Figure", "Value", "Detail"), start=1):
        ws.cell(row=row, column=column, value=heading).font = HEADER_FONT
    for section, (label, value, detail) in figures:
        row += 1
        number, percent = as_number(value)
        ws.cell(row=row, column=1, value=xml_safe(section.heading))
        ws.cell(row=row, column=2, value=xml_safe(label))
        cell = ws.cell(row=row, column=3, value=xml_safe(value) if number is None else number)
        if number is not None:
            cell.number_format = number_format(number, percent=percent)
        ws.cell(row=row, column=4, value=xml_safe(detail))
    return row + 2
