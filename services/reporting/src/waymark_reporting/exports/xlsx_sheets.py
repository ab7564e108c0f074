"""One section of a report as a worksheet: its heading, its notes, and each table,
checklist and chart's figures as an Excel table (filter buttons, banded rows) of real
numbers (percentages as percentages), with each chart drawn natively beside its data."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from waymark_reporting.exports.charts import horizontal
from waymark_reporting.exports.document import Chart, Checklist, Paragraph, Section, Table
from waymark_reporting.exports.text import (
    CATEGORY_HEADING,
    CHECKLIST_COLUMNS,
    MISSING,
    as_number,
    percent_column,
    status_text,
    xml_safe,
)

# Named, so LibreOffice too shows Calibri (Carlito) rather than its default serif.
BODY = "Calibri"
TITLE_FONT = Font(name=BODY, bold=True, size=16)
SUBTITLE_FONT = Font(name=BODY, bold=True, size=12)
HEADING_FONT = Font(name=BODY, bold=True, size=14)
CAPTION_FONT = Font(name=BODY, bold=True, size=11)
HEADER_FONT = Font(name=BODY, bold=True, size=11)
NOTE_FONT = Font(name=BODY, italic=True, color="505A5F", size=11)
# Excel's table style shades the header too; the fill shows it where table styles are not drawn.
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
RIGHT = Alignment(horizontal="right")
TOP = Alignment(vertical="top")
TOP_RIGHT = Alignment(horizontal="right", vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")
WIDEST = 60  # characters: longer text wraps within its column
PERCENT_FORMAT = "0.0%"
CHART_ROWS = 17  # a 9 cm chart covers about this many default rows
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


class SectionSheet:
    """Writes blocks down ``ws`` from the top, remembering what it made."""

    def __init__(self, ws: Worksheet, section: Section, names: set[str]) -> None:
        self.ws, self.names, self.row = ws, names, 1
        self.widths: dict[int, float] = {}
        self.headers: list[int] = []  # the header row of each Excel table
        self.wrapped: list[tuple[int, int]] = []  # (row, characters) of text that wraps
        self._cell(1, xml_safe(section.heading), font=HEADING_FONT)
        self.row = 3

    def paragraph(self, block: Paragraph) -> None:
        self._cell(1, xml_safe(block.text), font=NOTE_FONT if block.kind == "note" else None)
        self.row += 1

    def table(self, table: Table) -> None:
        self._caption(table.caption)
        if not table.rows:
            self._cell(1, xml_safe(table.empty), font=NOTE_FONT)
            self.row += 2
            return
        percent = {i for i in table.numeric if percent_column(table, i)}
        rows = [
            [_value(v, i in table.numeric, i in percent) for i, v in enumerate(row)] for row in table.rows
        ]
        self._grid(table.caption, table.columns, rows, numeric=table.numeric, percent=percent)
        self.row += 1

    def checklist(self, checklist: Checklist) -> None:
        self._caption(checklist.caption)
        rows = [[xml_safe(i.label), status_text(i), xml_safe(i.evidence)] for i in checklist.items]
        if rows:
            self._grid(checklist.caption, CHECKLIST_COLUMNS, rows, numeric=frozenset(), percent=set())
        else:
            self._cell(1, "Nothing to check yet.", font=NOTE_FONT)
        self.row += 1

    def chart(self, chart: Chart) -> None:
        self._caption(chart.caption)
        scale = 100 if chart.unit == "%" else 1
        rows = [
            [xml_safe(category)]
            + [
                None if i >= len(values) or values[i] is None else values[i] / scale
                for _, values in chart.series
            ]
            for i, category in enumerate(chart.categories)
        ]
        columns = (CATEGORY_HEADING, *(name for name, _ in chart.series))
        if not rows or not chart.series:
            self._cell(1, "No figures yet.", font=NOTE_FONT)
            self.row += 2
            return
        top = self.row
        numeric = frozenset(range(1, len(columns)))
        percent = set(numeric) if chart.unit == "%" else set()
        self._grid(chart.caption, columns, rows, numeric=numeric, percent=percent, blank=None)
        anchor = f"{get_column_letter(len(columns) + 2)}{top}"  # beside its figures
        self.ws.add_chart(_native(self.ws, chart, top + 1, len(columns)), anchor)
        self.row = max(self.row, top + CHART_ROWS)
        self.row += 1

    def finish(self) -> None:
        if len(self.headers) == 1:  # one table: its header stays in view, and is printed on each page
            self.ws.freeze_panes = f"A{self.headers[0] + 1}"
            self.ws.print_title_rows = f"{self.headers[0]}:{self.headers[0]}"
        # Rows of wrapped text are made tall enough here: not every reader sizes them.
        for row, characters in self.wrapped:
            lines = math.ceil(characters * 1.15 / (WIDEST - 2))
            current = self.ws.row_dimensions[row].height or 0
            self.ws.row_dimensions[row].height = max(current, 15 * lines)
        print_to_page_width(self.ws)
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 9), WIDEST)

    def _caption(self, text: str) -> None:
        self._cell(1, xml_safe(text), font=CAPTION_FONT)
        self.row += 1

    def _grid(
        self,
        caption: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        numeric: frozenset[int],
        percent: set[int],
        blank: str | None = MISSING,
    ) -> None:
        header = self.row
        for index, name in enumerate(_unique_headings(columns)):
            cell = self._cell(index + 1, name, font=HEADER_FONT, measure=True)
            cell.fill = HEADER_FILL
            if index in numeric:
                cell.alignment = RIGHT
        for values in rows:
            self.row += 1
            for index, value in enumerate(values):
                shown = blank if value is None else value
                cell = self._cell(index + 1, shown, measure=True)
                cell.alignment = TOP_RIGHT if index in numeric else TOP
                if isinstance(shown, str) and len(shown) > WIDEST:
                    cell.alignment = WRAPPED
                    self.wrapped.append((self.row, len(shown)))
                if index in numeric and isinstance(shown, int | float):
                    cell.number_format = number_format(
                        shown, percent=index in percent or getattr(value, "percent", False)
                    )
        end = f"{get_column_letter(len(columns))}{self.row}"
        table = ExcelTable(displayName=self._table_name(caption), ref=f"A{header}:{end}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        self.ws.add_table(table)
        self.headers.append(header)
        self.row += 1

    def _cell(self, column: int, value: object, *, font: Font | None = None, measure: bool = False):
        cell = self.ws.cell(row=self.row, column=column, value=value)
        if font is not None:
            cell.font = font
        if measure:
            length = len(value) if isinstance(value, str) else 10
            self.widths[column] = max(self.widths.get(column, 0), length)
        return cell

    def _table_name(self, caption: str) -> str:
        name = f"T{len(self.names) + 1}_{_NOT_NAME.sub('_', caption).strip('_')[:40]}".rstrip("_")
        self.names.add(name)
        return name


def number_format(value: float, *, percent: bool) -> str:
    """Whole numbers without decimals, others to one place (as the page shows them)."""
    whole = float(round(value * 100, 6) if percent else value).is_integer()
    if percent:
        return "0%" if whole else PERCENT_FORMAT
    return "#,##0" if whole else "#,##0.0"


def print_to_page_width(ws: Worksheet) -> None:
    """Printed (or saved as PDF) on A4 landscape, as wide as the page, as long as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


class Percent(float):
    """A parsed "45%" (0.45): shown as a percentage."""

    percent = True


def _value(value: object, numeric: bool, percent: bool) -> object:
    if value is None or not numeric:
        return None if value is None else xml_safe(value) if isinstance(value, str) else value
    number, was_percent = as_number(value)  # type: ignore[arg-type]
    if number is None:
        return xml_safe(str(value))
    if percent and not was_percent:
        return number / 100
    return Percent(number) if was_percent else number


def _unique_headings(columns: Sequence[str]) -> list[str]:
    """Excel tables need each heading to be text, present and different."""
    seen: set[str] = set()
    headings = []
    for index, column in enumerate(columns):
        name = xml_safe(column).strip() or f"Column {index + 1}"
        while name.lower() in seen:
            name = f"{name} ({index + 1})"
        seen.add(name.lower())
        headings.append(name)
    return headings


def _native(ws: Worksheet, chart: Chart, first: int, columns: int) -> BarChart | LineChart:
    last = first + len(chart.categories) - 1
    native = LineChart() if chart.kind == "line" else BarChart()
    if isinstance(native, BarChart):
        native.type = "bar" if horizontal(chart) else "col"
        if native.type == "bar":
            native.x_axis.scaling.orientation = "maxMin"  # the first category at the top
            native.y_axis.crosses = "max"  # and the value axis still at the bottom
    native.title = xml_safe(chart.caption)
    native.style = 10
    native.y_axis.title = xml_safe(chart.y_label) or None
    native.x_axis.delete = False  # openpyxl 3.1 otherwise leaves Excel to hide both axes
    native.y_axis.delete = False
    if chart.unit == "%":
        native.y_axis.number_format = "0%"
        native.y_axis.scaling.min, native.y_axis.scaling.max = 0, 1
    native.display_blanks = "gap"
    native.add_data(
        Reference(ws, min_col=2, max_col=columns, min_row=first - 1, max_row=last), titles_from_data=True
    )
    native.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    native.width, native.height = 16, 9
    native.legend.position = "b"
    return native
