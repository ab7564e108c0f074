"""Word tables written as XML in one go: python-docx builds a cell with a dozen element
look-ups, which a report of twenty tables would feel. A shaded header row repeats on
every page; rows do not split across pages; numbers are right-aligned."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from xml.sax.saxutils import escape

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from waymark_reporting.exports.text import WIDTH_CM, xml_safe
from waymark_reporting.exports.widths import fit_columns

TEXT_STYLE = "Table Text"
NUMBER_STYLE = "Table Number"
HEADING_STYLE = "Table Heading"
HEADER_FILL = "D9E2F3"
STATUS_FILLS = {"met": "D7EFDD", "missing": "F8D7D4", "check": "FFF2CC"}
TEXT_POINTS = 9
POINTS_PER_CM = 28.35
PADDING = 2 * 5.4 + 1  # Word's default cell margins (0.19 cm a side) and the rule


def add_table_styles(document: WordDocument) -> None:
    styles = document.styles
    text = styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = styles["Normal"]
    text.font.size = Pt(TEXT_POINTS)
    text.paragraph_format.space_before = Pt(1)
    text.paragraph_format.space_after = Pt(1)
    text.paragraph_format.line_spacing = 1.0
    number = styles.add_style(NUMBER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    number.base_style = text
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = text
    heading.font.bold = True


def _calibri(text: str, bold: bool) -> float:
    """About how wide ``text`` is in 9 pt Calibri (Carlito where LibreOffice opens it),
    generously: a word broken over two lines reads worse than a column a little wide."""
    return len(text) * (5.3 if bold else 5.0) + 2


def add_table(
    document: WordDocument,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: frozenset[int],
    fills: Sequence[dict[int, str]] | None = None,
) -> None:
    """``rows`` of text under a header of ``columns``; ``fills``: a shading per row by
    column index (a checklist's status cells)."""
    styles = document.styles
    ids = {name: styles[name].style_id for name in (TEXT_STYLE, NUMBER_STYLE, HEADING_STYLE)}
    fit = fit_columns(
        columns, rows, numeric=numeric, measure=_calibri, page=WIDTH_CM * POINTS_PER_CM, padding=PADDING
    )
    twips = [round(w * 20) for w in fit.widths]
    size = "" if fit.scale == 1 else f'<w:rPr><w:sz w:val="{round(2 * TEXT_POINTS * fit.scale)}"/></w:rPr>'

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    header_fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'

    row = partial(_row, twips=twips, numeric=numeric, size=size)
    header = row(
        columns, text_style=ids[HEADING_STYLE], number_style=ids[HEADING_STYLE], fills={}, header=header_fill
    )
    body = "".join(
        row(
            values,
            text_style=ids[TEXT_STYLE],
            number_style=ids[NUMBER_STYLE],
            fills=fills[n] if fills else {},
        )
        for n, values in enumerate(rows)
    )
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{styles["Table Grid"].style_id}"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        ' w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{header}{body}</w:tbl>"
    )
    document.element.body._insert_tbl(parse_xml(xml))


def _row(
    values: Sequence[str],
    *,
    twips: Sequence[int],
    numeric: frozenset[int],
    text_style: str,
    number_style: str,
    fills: dict[int, str],
    header: str = "",
    size: str = "",
) -> str:
    cells = []
    for index, (value, width) in enumerate(zip(values, twips, strict=True)):
        style = number_style if index in numeric else text_style
        right = '<w:jc w:val="right"/>' if index in numeric else ""
        fill = header or (
            f'<w:shd w:val="clear" w:color="auto" w:fill="{fills[index]}"/>' if index in fills else ""
        )
        paragraphs = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{right}</w:pPr>'
            f'<w:r>{size}<w:t xml:space="preserve">{escape(xml_safe(line))}</w:t></w:r></w:p>'
            for line in value.split("\n")
        )
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{paragraphs}</w:tc>')
    # cantSplit comes before tblHeader: Word insists on the schema's order.
    repeat = "<w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>{''.join(cells)}</w:tr>"
