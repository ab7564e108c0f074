"""A report as a document: what the Ofsted pack, the governors' termly report and the
evaluation report say, independent of how it is shown. The page (HTML), Word, Excel
and PDF renderers each take a :class:`Document`, so the four say the same thing.

A document is sections of blocks. A :class:`Chart` always carries the figures it draws,
so every renderer can show them as a table too (a chart is never the only place a
figure is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Cell = str | int | float | None


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["text", "lead", "note"] = "text"


@dataclass(frozen=True)
class KeyFigures:
    """A row of headline figures: (label, value, detail)."""

    figures: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Table:
    """A column whose heading contains "%" ("Sustained rate (%)") holds percentages
    (0 to 100): Excel stores them with a percentage format."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Columns (by index) holding numbers, aligned right; a cell may still be None ("–").
    numeric: frozenset[int] = frozenset()
    empty: str = "Nothing to show yet."


@dataclass(frozen=True)
class Chart:
    """Bars (grouped by category, one bar per series) or lines (one per series, over the
    categories). ``unit`` is "%" when values are percentages (0 to 100)."""

    caption: str
    kind: Literal["bar", "line"]
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = ""
    y_label: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    # met, missing or check (Waymark cannot tell: the person must look).
    status: Literal["met", "missing", "check"]
    evidence: str


@dataclass(frozen=True)
class Checklist:
    caption: str
    items: tuple[ChecklistItem, ...]


Block = Paragraph | KeyFigures | Table | Chart | Checklist


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    # A short id for links within the page (``#destinations``).
    anchor: str = ""


@dataclass(frozen=True)
class Document:
    """``kind``: ofsted-pack, governors-report or evaluation-report (also the file
    name's stem); ``as_of``: the freshness line every rendering carries."""

    kind: str
    title: str
    institution_name: str
    institution_id: str
    subtitle: str
    as_of: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def file_name(self, extension: str) -> str:
        # ASCII only: the name goes in a Content-Disposition header.
        safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in self.institution_name)
        safe = safe.strip("-").lower()
        while "--" in safe:
            safe = safe.replace("--", "-")
        return f"{self.kind}-{safe}.{extension}"
