"""Building blocks of the Excel exports: a data table with a frozen, filterable header
row and columns sized to their contents, a sheet heading, and a native bar chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from datetime import date, datetime

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from waymark_planner.exports.tallies import xml_safe

FONT = "Calibri"
HEADER_FONT = Font(name=FONT, bold=True)
TITLE_FONT = Font(name=FONT, bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
RATING_FORMAT = "0.0"
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points, Calibri 11


def clean(value: object) -> object:
    """``value`` without the characters XML cannot hold (openpyxl refuses them)."""
    return xml_safe(value) if isinstance(value, str) else value


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    formats: Mapping[str, str] | None = None,
    widths: Mapping[str, float] | None = None,
    wrap: Sequence[str] = (),
) -> None:
    """``headers`` in row 1 (frozen, with a filter), then ``rows``. ``formats`` gives a
    number format by header (dates get ``d mmm yyyy`` by themselves), ``widths`` fixes a
    column's width, and ``wrap`` names the long-text columns that wrap."""
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    for values in rows:
        ws.append([clean(v) for v in values])
    last = get_column_letter(len(headers))
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws, landscape=True)
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    formats = dict(formats or {})
    widths = dict(widths or {})
    lines = [1] * (len(rows) + 1)
    for index, header in enumerate(headers, start=1):
        column = [row[index - 1] for row in rows]
        width = widths.get(header) or _width(header, column)
        ws.column_dimensions[get_column_letter(index)].width = width
        lines[0] = max(lines[0], _lines(header, width))
        number_format = formats.get(header) or _date_format(column)
        wraps = header in wrap
        alignment = WRAP if wraps else TOP
        cells = next(ws.iter_cols(min_col=index, max_col=index, min_row=2, max_row=len(rows) + 1), ())
        template = None
        for offset, cell in enumerate(cells, start=1):
            if template is None:
                if number_format:
                    cell.number_format = number_format
                cell.alignment = alignment
                template = cell._style
            else:
                # The same style a column: copying the style's indices skips openpyxl's
                # look-up of each style object (most of the sheet's time otherwise).
                cell._style = copy(template)
            if wraps:
                lines[offset] = max(lines[offset], _lines(column[offset - 1], width))
    # Neither Excel nor LibreOffice grows a row to its wrapped text on opening the file.
    for row, count in enumerate(lines, start=1):
        if count > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * count + 2


def _lines(value: object, width: float) -> int:
    """Lines ``value`` takes wrapped in a column ``width`` characters wide (roughly)."""
    if value is None:
        return 1
    usable = max((width - 1) * 1.15, 1)  # Calibri is narrower than the width unit ("0")
    total = 0
    for line in str(value).split("\n"):
        length, count = 0, 1
        for word in line.split():
            if length and length + 1 + len(word) > usable:
                count, length = count + 1, len(word)
            else:
                length += len(word) + (1 if length else 0)
        total += count
    return min(total, 15)


def print_setup(ws: Worksheet, *, landscape: bool) -> None:
    """A4, as wide as the page and as many pages long as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _date_format(values: Sequence[object]) -> str | None:
    for value in values:
        if isinstance(value, datetime):
            return DATETIME_FORMAT
        if isinstance(value, date):
            return DATE_FORMAT
    return None


def _width(header: str, values: Sequence[object]) -> float:
    longest = max((len(_shown(v)) for v in values), default=0)
    header_words = max((len(word) for word in header.split()), default=0)
    return min(max(longest, header_words, 6) + 2, MAX_WIDTH)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "30 Sep 2026"
    if isinstance(value, float):
        return f"{value:.1f}"
    return max(str(value).split("\n"), key=len)


def heading_block(ws: Worksheet, title: str, lines: Sequence[tuple[str, object]]) -> int:
    """A bold title in A1 and label/value lines under it; returns the next free row."""
    ws["A1"] = clean(title)
    ws["A1"].font = TITLE_FONT
    row = 2
    for label, value in lines:
        ws.cell(row=row, column=1, value=clean(label)).font = HEADER_FONT
        cell = ws.cell(row=row, column=2, value=clean(value))
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        row += 1
    return row + 1


def bar_chart(
    ws: Worksheet,
    *,
    title: str,
    categories: tuple[int, int, int],
    series: tuple[int, int],
    header_row: int,
    anchor: str,
    axis_title: str,
    category_title: str,
    horizontal: bool = True,
    width_cm: float = 24,
) -> BarChart:
    """A stacked bar chart of the columns ``series`` (first, last) over rows
    ``categories`` (column, first row, last row); each series is named by its header."""
    column, first, last = categories
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = title
    chart.style = 10
    chart.y_axis.title = axis_title
    chart.x_axis.title = category_title
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 otherwise leaves Excel to hide both axes
    chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first category at the top
        chart.y_axis.crosses = "max"  # and the value axis still at the bottom
    data = Reference(ws, min_col=series[0], max_col=series[1], min_row=header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    chart.width = width_cm
    chart.height = 3 + 0.8 * max(last - first + 1, 1) if horizontal else 9
    chart.legend.position = "b"
    ws.add_chart(chart, anchor)
    return chart
