"""The Word export's chart: activities per benchmark and year group, as a PNG.

matplotlib is imported here and only when a chart is drawn (it costs a few hundred
milliseconds the first time). The figure is a plain ``matplotlib.figure.Figure`` on
an Agg canvas, not pyplot, so nothing global is kept and threads do not share state.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence

# Okabe and Ito's colour-blind safe palette (grey in place of black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
WIDTH_IN = 6.5
DPI = 150


def benchmark_year_chart(
    matrix: Mapping[int, Mapping[int, int]],
    labels: Mapping[int, str],
    years: Sequence[int],
    *,
    title: str,
    x_label: str,
) -> bytes:
    """A horizontal stacked bar for each benchmark (first at the top), one colour a year group."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    benchmarks = list(matrix)
    height = 1.2 + 0.4 * max(len(benchmarks), 1)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    # Fixed margins (room for wrapped benchmark titles left, the legend right): one
    # draw instead of the two a constrained or tight layout costs.
    figure.subplots_adjust(left=0.34, right=0.84, top=1 - 0.45 / height, bottom=0.6 / height)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(benchmarks))
    left = [0] * len(benchmarks)
    for index, year in enumerate(years):
        values = [matrix[b].get(year, 0) for b in benchmarks]
        axes.barh(
            positions,
            values,
            left=left,
            height=0.7,
            color=PALETTE[index % len(PALETTE)],
            edgecolor="white",
            linewidth=0.6,
            label=f"Year {year}",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(list(positions), [textwrap.fill(labels[b], 34) for b in benchmarks], fontsize=7.5)
    axes.invert_yaxis()
    axes.set_xlabel(x_label, fontsize=8)
    axes.set_title(title, fontsize=10, loc="left")
    axes.tick_params(axis="x", labelsize=7.5)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if not any(left):
        axes.set_xlim(0, 1)
        axes.text(0.5, 0.5, "No activities yet", transform=axes.transAxes, ha="center", fontsize=9)
    axes.legend(
        title="Year group",
        fontsize=7,
        title_fontsize=7.5,
        loc="upper left",
        frameon=False,
        bbox_to_anchor=(1.01, 1.0),
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    figure.clear()
    return buffer.getvalue()


def warm_up() -> None:
    """Import matplotlib and draw a tiny chart (fonts, caches): a worker that calls this
    at start spares its first Word download about half a second."""
    benchmark_year_chart({1: {7: 1}}, {1: "1"}, (7,), title="", x_label="")
