"""How a document's values read in every file: cells, checklist statuses, chart figures.

The page, Word, Excel and PDF show the same words, so a figure reads the same whichever
one a governor opens.
"""

from __future__ import annotations

import re

from waymark_reporting.exports.document import Cell, Chart, ChecklistItem, Table

MISSING = "–"
CATEGORY_HEADING = "Group"
CHECKLIST_COLUMNS = ("Requirement", "Status", "Evidence")
# Status in words, never by colour alone.
STATUS_WORDS = {"met": "Met", "missing": "Missing", "check": "Check"}
WIDTH_CM = 17.0  # A4 less 2 cm margins
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"^\s*(-?[\d,]*\.?\d+)\s*(%?)\s*$")


def xml_safe(text: str) -> str:
    """Drop the characters Word and Excel files cannot hold (control characters)."""
    return _NOT_XML.sub("", text)


def cell_text(value: Cell) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return value


def status_text(item: ChecklistItem) -> str:
    return STATUS_WORDS.get(item.status, item.status)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_number(value: Cell) -> tuple[float | int | None, bool]:
    """A cell as a number for a spreadsheet, and whether it was a percentage: numbers as
    they are, text such as "1,204" or "45%" parsed (45% as 0.45); anything else None."""
    if is_number(value):
        return value, False  # type: ignore[return-value]
    if not isinstance(value, str):
        return None, False
    match = _NUMBER.match(value)
    if not match:
        return None, False
    number = float(match.group(1).replace(",", ""))
    if match.group(2):
        return number / 100, True
    return (int(number) if number.is_integer() and "." not in match.group(1) else number), False


def percent_column(table: Table, index: int) -> bool:
    """A numeric column of percentages (0 to 100), by its heading: "Sustained (%)"."""
    return index in table.numeric and "%" in table.columns[index]


def figure_text(value: float | None, unit: str) -> str:
    if value is None:
        return MISSING
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit == "%" else text


def chart_table(chart: Chart) -> Table:
    """The chart's figures as a table: a row per category, a column per series."""
    columns = (CATEGORY_HEADING, *(name for name, _ in chart.series))
    rows = tuple(
        (
            category,
            *(figure_text(values[i] if i < len(values) else None, chart.unit) for _, values in chart.series),
        )
        for i, category in enumerate(chart.categories)
    )
    return Table(
        caption=f"Figures for: {chart.caption}",
        columns=columns,
        rows=rows,
        numeric=frozenset(range(1, len(columns))),
        empty="No figures yet.",
    )
