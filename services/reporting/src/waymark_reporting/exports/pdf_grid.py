"""The PDF's tables: text in paragraphs (so long names wrap), numbers right-aligned,
a shaded header row repeated on each page, checklist statuses shaded and in words."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import Table as Grid
from reportlab.platypus import TableStyle

from waymark_reporting.exports.document import KeyFigures
from waymark_reporting.exports.pdf_fonts import Fonts
from waymark_reporting.exports.text import WIDTH_CM
from waymark_reporting.exports.widths import fit_columns

HEADER_FILL = colors.HexColor("#D9E2F3")
LINES = colors.HexColor("#8A9499")
STATUS_FILLS = {"met": "#D7EFDD", "missing": "#F8D7D4", "check": "#FFF2CC"}
KEY_FIGURES_PER_ROW = 4
PADDING = 6 + 6 + 1  # a cell's left and right padding, and the rule
TOP, BOTTOM = 2, 3  # a cell's padding above and below


def grid(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: frozenset[int],
    styles: dict[str, ParagraphStyle],
    font: Fonts,
    statuses: Sequence[str] = (),
) -> Grid:
    size = styles["cell"].fontSize
    texts = [[font.text(v) for v in row] for row in rows]

    def measure(text: str, bold: bool) -> float:
        return stringWidth(text, font.bold if bold else font.regular, size)

    fit = fit_columns([font.text(c) for c in columns], texts, numeric=numeric, measure=measure,
                      page=WIDTH_CM * cm, padding=PADDING)  # fmt: skip
    if fit.scale < 1:
        styles = {
            name: _smaller(styles[name], fit.scale) for name in ("cell", "number", "head", "head_number")
        }

    room = [w - PADDING for w in fit.widths]
    body = styles["cell"].fontSize

    def cell(text: str, style: str) -> Para:
        return Para(escape(text).replace("\n", "<br/>"), styles[style])

    def body_cell(text: str, index: int) -> str | Para:
        # What fits on one line is a plain string, which the table draws without laying
        # out a paragraph (numbers never wrap); the rest wraps in a paragraph.
        if index in numeric or ("\n" not in text and stringWidth(text, font.regular, body) <= room[index]):
            return text
        return cell(text, "cell")

    data = [[cell(font.text(c), "head_number" if i in numeric else "head") for i, c in enumerate(columns)]]
    data += [[body_cell(v, i) for i, v in enumerate(row)] for row in texts]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, LINES),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 1), (-1, -1), font.regular, styles["number"].fontSize, styles["number"].leading),
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric),
        ("TOPPADDING", (0, 0), (-1, -1), TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), BOTTOM),
    ]
    for row, status in enumerate(statuses, start=1):
        commands.append(
            ("BACKGROUND", (1, row), (1, row), colors.HexColor(STATUS_FILLS.get(status, "#FFFFFF")))
        )
    table = Grid(data, colWidths=fit.widths, rowHeights=_heights(data, room, styles["number"].leading),
                 repeatRows=1, hAlign="LEFT")  # fmt: skip
    table.setStyle(TableStyle(commands))
    return table


def _heights(data: list[list[str | Para]], room: list[float], leading: float) -> list[float]:
    """Each row's height, measured once: given them, a table split over many pages does
    not lay out every remaining row again for each page (a 1,000-row table took seconds)."""
    heights = []
    for row in data:
        tallest = 0.0
        for index, value in enumerate(row):
            if isinstance(value, Para):
                tallest = max(tallest, value.wrap(room[index], 1e6)[1])
            else:
                tallest = max(tallest, (value.count("\n") + 1) * leading)
        heights.append(tallest + TOP + BOTTOM)
    return heights


def _smaller(style: ParagraphStyle, scale: float) -> ParagraphStyle:
    return ParagraphStyle(style.name, style, fontSize=style.fontSize * scale, leading=style.leading * scale)


def key_figures(block: KeyFigures, styles: dict[str, ParagraphStyle], font: Fonts) -> Grid:
    """Headline figures in shaded boxes, up to four a row."""
    figures = list(block.figures)
    per_row = min(max(len(figures), 1), KEY_FIGURES_PER_ROW)
    rows = []
    for start in range(0, len(figures), per_row):
        chunk = figures[start : start + per_row]
        cells = [
            [
                Para(escape(font.text(value)), styles["figure"]),
                Para(escape(font.text(label)), styles["figure_label"]),
                Para(escape(font.text(detail)), styles["figure_detail"]),
            ]
            for label, value, detail in chunk
        ]
        rows.append(cells + [""] * (per_row - len(chunk)))
    table = Grid(rows or [[""]], colWidths=[WIDTH_CM * cm / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F3F2F1")),
                ("LINEAFTER", (0, 0), (-2, -1), 3, colors.white),
                ("LINEBELOW", (0, 0), (-1, -2), 3, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
