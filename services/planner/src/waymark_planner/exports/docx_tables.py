"""Word tables that stay fast at 500 rows and read well: a shaded header row repeated
on every page, fixed column widths, rows that do not split across pages, text in the
document's own small "Table Text" style (numbers right-aligned in "Table Number").

python-docx builds a cell with a dozen element look-ups; a 500-row table took over a
second that way, so the table's XML is written as one string and parsed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.table import Table

from waymark_planner.exports.tallies import xml_safe

TEXT_STYLE = "Table Text"
NUMBER_STYLE = "Table Number"
HEADING_STYLE = "Table Heading"
HEADER_FILL = "D9E2F3"
TWIPS_PER_CM = 566.93


def add_table_styles(document: Document) -> None:
    styles = document.styles
    text = styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = styles["Normal"]
    text.font.size = Pt(9)
    text.paragraph_format.space_before = Pt(1)
    text.paragraph_format.space_after = Pt(1)
    text.paragraph_format.line_spacing = 1.0
    number = styles.add_style(NUMBER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    number.base_style = text
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = text
    heading.font.bold = True


def add_table(
    document: Document,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths_cm: Sequence[float],
) -> Table:
    """A table of ``headers`` then ``rows`` at the end of the document. Values are shown
    with ``str`` (``None`` as nothing, numbers right-aligned); a newline starts a new
    paragraph in the cell."""
    if not len(headers) == len(widths_cm):
        raise ValueError("a width for each column")
    styles = document.styles
    ids = {
        "text": styles[TEXT_STYLE].style_id,
        "number": styles[NUMBER_STYLE].style_id,
        "heading": styles[HEADING_STYLE].style_id,
    }
    twips = [round(w * TWIPS_PER_CM) for w in widths_cm]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'
    numeric = [
        bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) for i in range(len(headers))
    ]
    header = _row(
        [_RightAligned(h) if n else h for h, n in zip(headers, numeric, strict=True)],
        twips,
        ids["heading"],
        ids["heading"],
        cell_props=shading,
        row_props="<w:tblHeader/>",
    )
    body = "".join(_row(values, twips, ids["text"], ids["number"]) for values in rows)
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{styles["Table Grid"].style_id}"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{header}{body}</w:tbl>"
    )
    tbl = parse_xml(xml)
    document.element.body._insert_tbl(tbl)
    return Table(tbl, document._body)


def _row(
    values: Sequence[object],
    twips: Sequence[int],
    text_style: str,
    number_style: str,
    *,
    cell_props: str = "",
    row_props: str = "",
) -> str:
    if len(values) != len(twips):
        raise ValueError(f"{len(values)} values for {len(twips)} columns")
    cells = []
    for value, width in zip(values, twips, strict=True):
        style = number_style if _is_number(value) else text_style
        right = '<w:jc w:val="right"/>' if isinstance(value, _RightAligned) else ""
        text = (
            ""
            if value is None
            else f"{value:,}"
            if _is_number(value) and isinstance(value, int)
            else str(value)
        )
        paragraphs = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{right}</w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(xml_safe(line))}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{cell_props}</w:tcPr>{paragraphs}</w:tc>'
        )
    # cantSplit comes before tblHeader: Word insists on the schema's order.
    return f"<w:tr><w:trPr><w:cantSplit/>{row_props}</w:trPr>{''.join(cells)}</w:tr>"


class _RightAligned(str):
    """A header over a column of numbers: aligned with them."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
