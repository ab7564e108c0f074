"""Column widths for Word and PDF tables: wide enough that no word is broken, as wide
as the text where the page allows, and a smaller type size when even the words will
not fit across the page (a table of ten measures by year group)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The width in points of some text at the table's type size; bold for headings.
Measure = Callable[[str, bool], float]
SAMPLE_ROWS = 50  # long tables: the first rows, and the longest text, stand for the rest
SMALLEST = 0.75  # of the type size, at the least
# A word wider than this share of the page (a pasted web address) is broken rather
# than given a column that leaves the others no room.
LONGEST_WORD = 0.4


@dataclass(frozen=True)
class Fit:
    widths: list[float]  # points
    scale: float  # the type size to use, as a share of the usual


def fit_columns(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: frozenset[int],
    measure: Measure,
    page: float,
    padding: float,
) -> Fit:
    natural, minimum = [], []
    for index, heading in enumerate(columns):
        texts = [row[index] for row in rows[:SAMPLE_ROWS]]
        texts.append(max((row[index] for row in rows), key=len, default=""))
        lines = [line for text in texts for line in text.split("\n")]
        longest = max((measure(line, False) for line in lines), default=0.0)
        cap = measure("n" * (12 if index in numeric else 24), True)
        words = [(w, True) for w in heading.split()] + [(w, False) for line in lines for w in line.split()]
        widest = min(max((measure(w, bold) for w, bold in words), default=0.0), page * LONGEST_WORD)
        natural.append(max(longest, widest, min(measure(heading, True), cap)) + padding)
        minimum.append(widest + padding)
    if sum(natural) <= page:
        return Fit(natural, 1.0)
    if sum(minimum) <= page:
        spare = (page - sum(minimum)) / (sum(natural) - sum(minimum))
        return Fit([m + (n - m) * spare for m, n in zip(minimum, natural, strict=True)], 1.0)
    text = sum(minimum) - padding * len(columns)
    scale = max((page - padding * len(columns)) / text, SMALLEST) if text > 0 else 1.0
    widths = [(m - padding) * scale + padding for m in minimum]
    squeeze = min(page / sum(widths), 1.0)  # at the smallest size: words break, the page holds
    return Fit([w * squeeze for w in widths], scale)
