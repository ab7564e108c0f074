"""A document's charts as PNG images, for Word (Excel draws its own, natively; the PDF
draws them as vectors in ``pdf_charts``, following these).

matplotlib is imported only when a chart is drawn (a few hundred milliseconds the first
time). Each figure is a plain ``matplotlib.figure.Figure`` on an Agg canvas, not pyplot,
so nothing global is kept and threads do not share state.
"""

from __future__ import annotations

import io
import math
import textwrap

from waymark_reporting.exports.document import Chart, Document
from waymark_reporting.exports.text import figure_text

# Okabe and Ito's colour-blind safe palette (grey in place of black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
WIDTH_IN = 6.4
DPI = 150
LABELLED_BARS = 24  # more bars than this and their figures would crowd: the table has them


def horizontal(chart: Chart) -> bool:
    """Bars lie down when there are many categories or long names (benchmark titles)."""
    return chart.kind == "bar" and (len(chart.categories) > 6 or any(len(c) > 14 for c in chart.categories))


def chart_images(document: Document) -> dict[Chart, bytes]:
    """Every chart in ``document`` drawn once (the Word document looks them up by chart)."""
    images: dict[Chart, bytes] = {}
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Chart) and block not in images:
                images[block] = chart_png(block)
    return images


def chart_png(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    lying = horizontal(chart)
    height = 1.3 + 0.28 * max(len(chart.categories), 1) * max(len(chart.series), 1) ** 0.5 if lying else 3.0
    height = min(max(height, 2.4), 8.0)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    legend = len(chart.series) > 1
    # Fixed margins, one draw instead of the two a tight layout costs.
    figure.subplots_adjust(
        left=0.33 if lying else 0.1,
        right=0.92,
        top=1 - (0.45 if legend else 0.2) / height,
        bottom=(0.5 if lying else 0.45) / height,
    )
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if chart.kind == "line":
        _lines(axes, chart)
    else:
        _bars(axes, chart, lying)
    value_axis = axes.xaxis if lying else axes.yaxis
    if chart.unit == "%":
        value_axis.set_major_formatter(PercentFormatter(100, decimals=0))
        (axes.set_xlim if lying else axes.set_ylim)(0, 100)
    if chart.y_label:
        (axes.set_xlabel if lying else axes.set_ylabel)(chart.y_label, fontsize=8)
    axes.tick_params(labelsize=7.5)
    axes.grid(axis="x" if lying else "y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if not _has_values(chart):
        axes.text(0.5, 0.5, "No figures yet", transform=axes.transAxes, ha="center", fontsize=9)
    if legend:
        columns = min(len(chart.series), 4)
        axes.legend(fontsize=7, loc="lower left", frameon=False, bbox_to_anchor=(0, 1.0), ncols=columns)
    return _png(figure)


def _png(figure) -> bytes:
    """The drawn figure as an RGB PNG: no alpha channel (the PDF would carry it as a
    second image), drawn once (``savefig`` sets up and draws again), compressed lightly
    (level 3: quicker than the default 6, for a file about a fifth bigger)."""
    from PIL import Image

    canvas = figure.canvas
    canvas.draw()
    width, height = canvas.get_width_height()
    rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    rgba.convert("RGB").save(buffer, format="PNG", compress_level=3)
    figure.clear()
    return buffer.getvalue()


def _bars(axes, chart: Chart, lying: bool) -> None:
    count = max(len(chart.series), 1)
    width = 0.8 / count
    positions = range(len(chart.categories))
    for index, (name, values) in enumerate(chart.series):
        offset = (index - (count - 1) / 2) * width
        where = [p + offset for p in positions]
        heights = [_value(values, i) for i in positions]
        colour = PALETTE[index % len(PALETTE)]
        draw = axes.barh if lying else axes.bar
        bars = draw(where, heights, width * 0.92, color=colour, label=name)
        if len(chart.categories) * count <= LABELLED_BARS:
            axes.bar_label(
                bars,
                [figure_text(v, chart.unit) for v in _values(values, positions)],
                fontsize=6.5,
                padding=2,
            )
    labels = [textwrap.fill(c, 36 if lying else 14) for c in chart.categories]
    if lying:
        axes.set_yticks(list(positions), labels)
        axes.set_ylim(max(len(labels), 1) - 0.5, -0.5)
    else:
        axes.set_xticks(list(positions), labels)
        axes.set_xlim(-0.5, max(len(labels), 1) - 0.5)


def _lines(axes, chart: Chart) -> None:
    positions = list(range(len(chart.categories)))
    for index, (name, values) in enumerate(chart.series):
        axes.plot(
            positions,
            [_value(values, i) for i in positions],
            color=PALETTE[index % len(PALETTE)],
            marker=MARKERS[index % len(MARKERS)],
            markersize=4,
            linewidth=1.6,
            label=name,
        )
    axes.set_xticks(positions, [textwrap.fill(c, 14) for c in chart.categories])


def _values(values: tuple[float | None, ...], positions: range) -> list[float | None]:
    return [values[i] if i < len(values) else None for i in positions]


def _value(values: tuple[float | None, ...], index: int) -> float:
    value = values[index] if index < len(values) else None
    return math.nan if value is None else float(value)


def _has_values(chart: Chart) -> bool:
    return any(v is not None for _, values in chart.series for v in values)


def warm_up() -> None:
    """Import matplotlib and draw a tiny chart (fonts, caches): a worker that calls this
    at start spares its first download about half a second."""
    chart_png(Chart(caption="", kind="bar", categories=("a",), series=(("a", (1.0,)),)))
