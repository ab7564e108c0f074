"""What a benchmark reports, and the one table ``python -m bench`` prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure; ``ratio`` compares it with ``baseline`` against ``target``."""

    benchmark: str
    backend: str
    subject: str
    value: float
    unit: str
    note: str = ""
    ratio: float | None = None
    baseline: str = ""
    target: float | None = None

    @property
    def verdict(self) -> str:
        if self.ratio is None or self.target is None:
            return ""
        return "met" if self.ratio >= self.target else "MISSED"


HEADERS = ("benchmark", "backend", "subject", "value", "unit", "detail", "ratio", "vs", "target", "")


def render(figures: Sequence[Figure]) -> str:
    """A plain-text table, one row per figure."""
    rows = [HEADERS] + [_cells(figure) for figure in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    numeric = {3, 6, 7}
    lines = [
        "  ".join(
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def _cells(figure: Figure) -> tuple[str, ...]:
    ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else ""
    target = f">= {figure.target:.2f}x" if figure.target is not None else ""
    return (
        figure.benchmark,
        figure.backend,
        figure.subject,
        f"{figure.value:,.0f}" if figure.value >= 100 else f"{figure.value:,.2f}",
        figure.unit,
        figure.note,
        ratio,
        figure.baseline,
        target,
        figure.verdict,
    )
