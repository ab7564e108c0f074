"""Planner: Word and Excel export of a plan of 500 activities (the issue's target: under 2 s each).

The plan is ``waymark_planner.exports.samples.sample_plan(--planner-export-activities)``
(default 500): a seeded, realistic ``PlanExport`` with about half the activities
delivered, participation by year group and feedback, spread over three terms and the
eight benchmarks, as ``views.export_model`` would hand it over. No database is
involved: building the model is the view's job and is measured with the plan page.

Figures, for each of ``plan_document`` and ``log_document`` (Word, with the matplotlib
chart) and ``plan_workbook`` and ``log_workbook`` (Excel, with native charts):

* **warm**: the median of ``--repeat`` calls (default 3; quick 1) after one untimed
  call, the file's bytes included;
* **first call**: in a fresh interpreter, importing the export module and the first
  call (python-docx, openpyxl and matplotlib imports, matplotlib's font set-up), as a
  worker serving its first download would see it. ``--quick`` still measures it.

Both are held against 2 s (``ratio`` is 2000 ms / the figure).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench.figures import Figure
from waymark_planner.exports import docx as word
from waymark_planner.exports import xlsx as excel
from waymark_planner.exports.samples import sample_plan

BENCHMARK = "planner_exports"
BACKEND = "in-process"
TARGET_MS = 2000.0
EXPORTS = {
    "plan_document": (word, "Word plan"),
    "log_document": (word, "Word activity log"),
    "plan_workbook": (excel, "Excel plan"),
    "log_workbook": (excel, "Excel activity log"),
}
FIRST_CALL = """
import json, sys, time
from waymark_planner.exports.samples import sample_plan
model = sample_plan({activities})
started = time.perf_counter()
from {module} import {function} as export
data = export(model)
print(json.dumps({{"ms": (time.perf_counter() - started) * 1000, "bytes": len(data)}}))
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("planner_exports")
    group.add_argument(
        "--planner-export-activities", type=int, default=500, help="activities in the plan (default 500)"
    )


def run(args: argparse.Namespace) -> list[Figure]:
    activities = args.planner_export_activities
    repeat = max(1, args.repeat or (1 if args.quick else 3))
    model = sample_plan(activities)
    delivered = sum(1 for a in model.activities if a.status == "delivered")
    size = f"{activities} activities ({delivered} delivered)"
    figures: list[Figure] = []
    for function, (module, label) in EXPORTS.items():
        export = getattr(module, function)
        data = export(model)  # warm-up: imports, the chart's fonts, caches
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            export(model)
            timings.append((time.perf_counter() - started) * 1000)
        warm = statistics.median(timings)
        note = f"{size}, {len(data) / 1024:,.0f} KiB, median of {repeat}"
        figures.append(_timed(f"{label} ({function})", warm, note))
        first = _first_call(module.__name__, function, activities)
        figures.append(_timed(f"{label}, first call", first, "fresh interpreter: imports + one export"))
    return figures


def _timed(subject: str, ms: float, note: str) -> Figure:
    return Figure(
        BENCHMARK,
        BACKEND,
        subject,
        ms,
        "ms",
        note=f"{note}; ratio is {TARGET_MS:g} ms / time",
        ratio=TARGET_MS / ms if ms else None,
        baseline=f"{TARGET_MS:g} ms",
        target=1.0,
    )


def _first_call(module: str, function: str, activities: int) -> float:
    code = FIRST_CALL.format(module=module, function=function, activities=activities)
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300
    )
    return float(json.loads(result.stdout.strip().splitlines()[-1])["ms"])
