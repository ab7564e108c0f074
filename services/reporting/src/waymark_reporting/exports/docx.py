"""A report as a Word document: A4, Word's own Title and Heading styles (so the
navigation pane and a table of contents work), tables with a repeated header row,
checklists with their status in words, and each chart as an image with its figures in
a table beneath (alt text on the image too)."""

from __future__ import annotations

import io

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from waymark_reporting.exports.document import Block, Chart, Checklist, Document, KeyFigures, Paragraph, Table
from waymark_reporting.exports.docx_tables import STATUS_FILLS, add_table, add_table_styles
from waymark_reporting.exports.text import (
    CHECKLIST_COLUMNS,
    WIDTH_CM,
    cell_text,
    chart_table,
    status_text,
    xml_safe,
)

BODY_FONT = "Calibri"
GREY = RGBColor(0x50, 0x5A, 0x5F)
KEY_FIGURES_PER_ROW = 4


def word_document(document: Document, images: dict[Chart, bytes]) -> bytes:
    """``images``: each chart's PNG (``charts.chart_images``)."""
    word = new_word_document()
    _page(word, document)
    add_table_styles(word)
    _front(word, document)
    for section in document.sections:
        word.add_heading(xml_safe(section.heading), 1)
        for block in section.blocks:
            _block(word, block, images)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page(word: WordDocument, document: Document) -> None:
    page = word.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(page, side, Cm(2.0))
    normal = word.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    properties = word.core_properties
    properties.title = xml_safe(document.title)
    properties.subject = xml_safe(document.institution_name)
    properties.author = "Waymark"
    properties.language = "en-GB"
    header = page.header.paragraphs[0]
    header.text = xml_safe(f"{document.institution_name} · {document.title}")
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = GREY
    footer = page.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(xml_safe(f"{document.as_of} · Page ")).font.size = Pt(8)
    _field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8)
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _front(word: WordDocument, document: Document) -> None:
    word.add_heading(xml_safe(document.title), 0)
    institution = word.add_paragraph()
    run = institution.add_run(xml_safe(document.institution_name))
    run.bold = True
    run.font.size = Pt(14)
    if document.subtitle:
        word.add_paragraph(xml_safe(document.subtitle))
    as_of = word.add_paragraph().add_run(xml_safe(document.as_of))
    as_of.font.color.rgb = GREY
    as_of.font.size = Pt(9.5)


def _block(word: WordDocument, block: Block, images: dict[Chart, bytes]) -> None:
    if isinstance(block, Paragraph):
        _paragraph(word, block)
    elif isinstance(block, KeyFigures):
        _key_figures(word, block)
    elif isinstance(block, Table):
        _table(word, block)
    elif isinstance(block, Chart):
        _chart(word, block, images[block])
    elif isinstance(block, Checklist):
        _checklist(word, block)


def _paragraph(word: WordDocument, block: Paragraph) -> None:
    run = word.add_paragraph().add_run(xml_safe(block.text))
    if block.kind == "lead":
        run.font.size = Pt(12.5)
    elif block.kind == "note":
        run.italic = True
        run.font.size = Pt(9)
        run.font.color.rgb = GREY


def _key_figures(word: WordDocument, block: KeyFigures) -> None:
    figures = block.figures
    for start in range(0, len(figures), KEY_FIGURES_PER_ROW):
        chunk = figures[start : start + KEY_FIGURES_PER_ROW]
        table = word.add_table(rows=1, cols=len(chunk))
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a figure stays whole
        for cell, (label, value, detail) in zip(table.rows[0].cells, chunk, strict=True):
            cell.width = Cm(WIDTH_CM / len(chunk))
            _shade(cell, "F3F2F1")
            big = cell.paragraphs[0].add_run(xml_safe(value))
            big.bold = True
            big.font.size = Pt(18)
            cell.add_paragraph().add_run(xml_safe(label)).bold = True
            if detail:
                small = cell.add_paragraph().add_run(xml_safe(detail))
                small.font.size = Pt(8.5)
                small.font.color.rgb = GREY
    word.add_paragraph()


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _caption(word: WordDocument, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.add_run(xml_safe(text)).bold = True


def _table(word: WordDocument, table: Table) -> None:
    _caption(word, table.caption)
    if not table.rows:
        word.add_paragraph(xml_safe(table.empty))
        return
    rows = [[cell_text(value) for value in row] for row in table.rows]
    add_table(word, table.columns, rows, numeric=table.numeric)
    word.add_paragraph()


def _chart(word: WordDocument, chart: Chart, png: bytes) -> None:
    # The caption and the picture are one paragraph whose lines are kept together, so
    # neither is left at the foot of a page (LibreOffice does not keep a caption with
    # a picture in the next paragraph).
    paragraph = word.add_paragraph()
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.space_before = Pt(6)
    caption = paragraph.add_run(xml_safe(chart.caption))
    caption.bold = True
    caption.add_break()
    shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(WIDTH_CM))
    shape._inline.docPr.set("descr", xml_safe(f"Chart: {chart.caption}. Its figures are in the table below."))
    _table(word, chart_table(chart))


def _checklist(word: WordDocument, checklist: Checklist) -> None:
    _caption(word, checklist.caption)
    if not checklist.items:
        word.add_paragraph("Nothing to check yet.")
        return
    rows = [[item.label, status_text(item), item.evidence] for item in checklist.items]
    fills = [{1: STATUS_FILLS.get(item.status, "FFFFFF")} for item in checklist.items]
    add_table(word, CHECKLIST_COLUMNS, rows, numeric=frozenset(), fills=fills)
    word.add_paragraph()
