"""The PDF's charts, drawn by reportlab as vectors: sharp when printed or zoomed, their
words searchable, and no matplotlib to import for a PDF. They follow the Word images
(``charts.py``): the same palette, bars lying down for many or long categories,
percentages from 0 to 100%, the legend above, figures on bars when there are few."""

from __future__ import annotations

import textwrap

from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from waymark_reporting.exports.charts import LABELLED_BARS, MARKERS, PALETTE, horizontal
from waymark_reporting.exports.document import Chart
from waymark_reporting.exports.pdf_fonts import Fonts
from waymark_reporting.exports.text import figure_text

SIZE = 7.5  # points, for the axes' labels
GRID = colors.HexColor("#DDDDDD")
MARKER_NAMES = {"o": "FilledCircle", "s": "FilledSquare", "^": "FilledTriangle", "D": "FilledDiamond"}


def chart_drawing(chart: Chart, width: float, font: Fonts) -> Drawing:
    if not any(v is not None for _, values in chart.series for v in values):
        empty = Drawing(width, 40)
        empty.add(
            String(width / 2, 16, "No figures yet", fontName=font.regular, fontSize=9, textAnchor="middle")
        )
        return empty
    lying = horizontal(chart)
    series = [[v if v is None else float(v) for v in values] for _, values in chart.series] or [[]]
    series = [s + [None] * (len(chart.categories) - len(s)) for s in series]
    labels = [font.text(c) for c in chart.categories]
    legend = 18 if len(chart.series) > 1 else 0
    if lying:
        wrapped = [textwrap.fill(c, 36) for c in labels]
        left = min(max((stringWidth(line, font.regular, SIZE) for c in wrapped for line in c.split("\n")),
                       default=0) + 10, width * 0.4)  # fmt: skip
        height = min(max(40 + 22 * len(labels) * max(len(series), 1) ** 0.5, 150), 520)
        plot: BarChart | HorizontalLineChart = HorizontalBarChart()
        plot.x, plot.y, plot.width, plot.height = left, 30, width - left - 30, height - 40 - legend
        plot.categoryAxis.reverseDirection = 1  # the first category at the top
    else:
        wrapped = [textwrap.fill(c, 14) for c in labels]
        lines = max((c.count("\n") + 1 for c in wrapped), default=1)
        height = 190 + 9 * lines + legend
        plot = HorizontalLineChart() if chart.kind == "line" else VerticalBarChart()
        plot.x, plot.y, plot.width, plot.height = (
            42,
            14 + 9 * lines,
            width - 60,
            160 - (12 if chart.y_label else 0),
        )
    drawing = Drawing(width, height)
    # reportlab stacks a group's bars from the bottom up: reversed, the first is on top.
    order = list(range(len(series)))[::-1] if lying else list(range(len(series)))
    plot.data = [series[i] for i in order]
    plot.categoryAxis.categoryNames = wrapped
    _axes(plot, chart, font)
    if isinstance(plot, HorizontalLineChart):
        _lines(plot)
    else:
        _bars(plot, chart, font, order)
    drawing.add(plot)
    if chart.y_label:  # under the value axis when bars lie down, else above it, level
        x, y, anchor = (
            (plot.x + plot.width / 2, 4, "middle") if lying else (4, plot.y + plot.height + 6, "start")
        )
        drawing.add(
            String(x, y, font.text(chart.y_label), fontName=font.regular, fontSize=SIZE, textAnchor=anchor)
        )
    if legend:
        drawing.add(_legend(chart, font, plot.x, height - 6))
    return drawing


def _axes(plot, chart: Chart, font: Fonts) -> None:
    category, value = plot.categoryAxis, plot.valueAxis
    for axis in (category, value):
        axis.labels.fontName, axis.labels.fontSize = font.regular, SIZE
        axis.strokeColor = colors.black
    value.visibleGrid, value.gridStrokeColor, value.gridStrokeWidth = 1, GRID, 0.5
    value.visibleAxis = value.visibleTicks = category.visibleTicks = 0
    values = [v for _, vs in chart.series for v in vs if v is not None]
    if chart.unit == "%":
        value.valueMin, value.valueMax, value.valueStep = 0, 100, 20
        value.labelTextFormat = "%d%%"
    else:
        value.valueMin = min(0, *values) if values else 0
        if not values or max(values) == 0:
            value.valueMax = 1
    if isinstance(plot, HorizontalBarChart):
        category.labels.boxAnchor, category.labels.dx, category.labels.textAnchor = "e", -4, "end"
    else:
        category.labels.boxAnchor, category.labels.dy = "n", -3


def _bars(plot: BarChart, chart: Chart, font: Fonts, order: list[int]) -> None:
    count = max(len(chart.series), 1)
    plot.groupSpacing, plot.barSpacing = 6, 1
    for index, series in enumerate(order):
        plot.bars[index].fillColor = colors.HexColor(PALETTE[series % len(PALETTE)])
        plot.bars[index].strokeColor = None
    if len(chart.categories) * count <= LABELLED_BARS:
        plot.barLabelFormat = lambda value: figure_text(value, chart.unit)
        plot.barLabels.fontName, plot.barLabels.fontSize = font.regular, 6.5
        if isinstance(plot, HorizontalBarChart):
            plot.barLabels.boxAnchor, plot.barLabels.dx = "w", 3
        else:
            plot.barLabels.boxAnchor, plot.barLabels.dy = "s", 2


def _lines(plot: HorizontalLineChart) -> None:
    plot.joinedLines = 1
    for index in range(len(plot.data)):
        colour = colors.HexColor(PALETTE[index % len(PALETTE)])
        plot.lines[index].strokeColor, plot.lines[index].strokeWidth = colour, 1.6
        marker = makeMarker(MARKER_NAMES.get(MARKERS[index % len(MARKERS)], "FilledCircle"))
        marker.fillColor, marker.strokeColor, marker.size = colour, colour, 4.5
        plot.lines[index].symbol = marker


def _legend(chart: Chart, font: Fonts, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y, legend.alignment, legend.boxAnchor = x, y, "right", "nw"
    legend.fontName, legend.fontSize = font.regular, 7
    legend.columnMaximum, legend.dx, legend.dy, legend.dxTextSpace = 1, 10, 7, 4
    legend.deltax = max(stringWidth(font.text(name), font.regular, 7) for name, _ in chart.series) + 28
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[i % len(PALETTE)]), font.text(name))
        for i, (name, _) in enumerate(chart.series)
    ]
    legend.strokeColor = None
    return legend
