"""A report as a PDF (reportlab): A4, the same content as the Word document, headings
in the PDF's outline, tables whose header row repeats on each page, charts drawn as
vectors (``pdf_charts``) with their figures beneath, "Page n of m" on every page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, SimpleDocTemplate, Spacer
from reportlab.platypus import Paragraph as Para

from waymark_reporting.exports.document import Block, Chart, Checklist, Document, KeyFigures, Paragraph, Table
from waymark_reporting.exports.pdf_charts import chart_drawing
from waymark_reporting.exports.pdf_fonts import Fonts, fonts
from waymark_reporting.exports.pdf_grid import grid, key_figures
from waymark_reporting.exports.text import CHECKLIST_COLUMNS, WIDTH_CM, cell_text, chart_table, status_text

GREY = colors.HexColor("#505A5F")
MARGIN = 2 * cm
WHOLE_TABLE_ROWS = 25  # up to this many rows, a table is not split over two pages
LONG_TABLE_START = 5 * cm  # the least room to start a longer one in (heading, caption, some rows)


def pdf_document(document: Document) -> bytes:
    # Binary streams: reportlab's ASCII85 encoding (pure Python without its optional C
    # accelerator) is slow, and makes the file a quarter bigger.
    rl_config.useA85 = 0
    font = fonts()
    styles = _styles(font)
    story = _front(document, styles, font)
    for section in document.sections:
        flowables = [f for block in section.blocks for f in _block(block, styles, font)]
        heading = Para(_markup(section.heading, font), styles["h1"])
        # A heading never ends a page: it goes over with what follows it, or (before a
        # long table, which may start anywhere) with the room for the table to start.
        first = flowables[0] if flowables else None
        if isinstance(first, CondPageBreak):
            story += [first, heading, *flowables[1:]]
        elif isinstance(first, _Kept):  # one group: reportlab cannot keep a group within a group
            story += [_Kept([heading, *first.parts]), *flowables[1:]]
        else:
            story += [_Kept([heading, *flowables[:1]]), *flowables[1:]]
    buffer = io.BytesIO()
    template = _Template(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=document.title,
        author="Waymark",
        subject=document.institution_name,
    )
    header = font.text(f"{document.institution_name} · {document.title}")
    footer = font.text(f"{document.as_of} · Page")

    def canvas(*args, **kwargs) -> _NumberedCanvas:
        return _NumberedCanvas(*args, header=header, footer=footer, font=font.regular, **kwargs)

    template.build(story, canvasmaker=canvas)
    return buffer.getvalue()


def _styles(font: Fonts) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font.regular, fontSize=10, leading=13.5, spaceAfter=6)
    return {
        "title": ParagraphStyle("title", body, fontName=font.bold, fontSize=22, leading=27, spaceAfter=10),
        "institution": ParagraphStyle("institution", body, fontName=font.bold, fontSize=14, leading=18),
        "h1": ParagraphStyle(
            "h1",
            body,
            fontName=font.bold,
            fontSize=15,
            leading=19,
            spaceBefore=12,
            spaceAfter=6,
            textColor=colors.HexColor("#1D4E89"),
        ),  # fmt: skip
        "caption": ParagraphStyle("caption", body, fontName=font.bold, spaceBefore=6, spaceAfter=4),
        "body": body,
        "lead": ParagraphStyle("lead", body, fontSize=12, leading=16),
        "note": ParagraphStyle("note", body, fontName=font.italic, fontSize=8.5, leading=11, textColor=GREY),
        "as_of": ParagraphStyle("as_of", body, fontSize=9, textColor=GREY, spaceAfter=12),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "number": ParagraphStyle(
            "number", body, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", body, fontName=font.bold, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head_number": ParagraphStyle(
            "head_number",
            body,
            fontName=font.bold,
            fontSize=8.5,
            leading=10.5,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),  # fmt: skip
        "figure": ParagraphStyle("figure", body, fontName=font.bold, fontSize=17, leading=21, spaceAfter=2),
        "figure_label": ParagraphStyle(
            "figure_label", body, fontName=font.bold, fontSize=9, leading=11, spaceAfter=2
        ),
        "figure_detail": ParagraphStyle(
            "figure_detail", body, fontSize=8, leading=10, textColor=GREY, spaceAfter=0
        ),
    }


def _markup(text: str, font: Fonts) -> str:
    return escape(font.text(text))


def _front(document: Document, styles: dict[str, ParagraphStyle], font: Fonts) -> list:
    story = [
        Para(_markup(document.title, font), styles["title"]),
        Para(_markup(document.institution_name, font), styles["institution"]),
    ]
    if document.subtitle:
        story.append(Para(_markup(document.subtitle, font), styles["body"]))
    story.append(Para(_markup(document.as_of, font), styles["as_of"]))
    return story


def _block(block: Block, styles: dict[str, ParagraphStyle], font: Fonts) -> list:
    if isinstance(block, Paragraph):
        return [Para(_markup(block.text, font), styles[block.kind if block.kind in styles else "body"])]
    if isinstance(block, KeyFigures):
        return [key_figures(block, styles, font), Spacer(1, 8)]
    if isinstance(block, Table):
        return _table(block, styles, font)
    if isinstance(block, Chart):
        return _chart(block, styles, font)
    if isinstance(block, Checklist):
        return _checklist(block, styles, font)
    return []


def _table(table: Table, styles: dict[str, ParagraphStyle], font: Fonts) -> list:
    caption = Para(_markup(table.caption, font), styles["caption"])
    if not table.rows:
        return [caption, Para(_markup(table.empty, font), styles["body"])]
    rows = [[cell_text(v) for v in row] for row in table.rows]
    return _captioned(
        caption, grid(table.columns, rows, numeric=table.numeric, styles=styles, font=font), len(rows)
    )


def _captioned(caption: Para, table, rows: int) -> list:
    """A short table is kept whole with its caption; a long one starts where there is
    room for its caption, header and first rows, and carries on over the pages."""
    if rows <= WHOLE_TABLE_ROWS:
        return [_Kept([caption, table]), Spacer(1, 8)]
    return [CondPageBreak(LONG_TABLE_START), caption, table, Spacer(1, 8)]


def _chart(chart: Chart, styles: dict[str, ParagraphStyle], font: Fonts) -> list:
    caption = Para(_markup(chart.caption, font), styles["caption"])
    drawing = chart_drawing(chart, WIDTH_CM * cm, font)
    return [_Kept([caption, drawing]), *_table(chart_table(chart), styles, font)]


def _checklist(checklist: Checklist, styles: dict[str, ParagraphStyle], font: Fonts) -> list:
    caption = Para(_markup(checklist.caption, font), styles["caption"])
    if not checklist.items:
        return [caption, Para("Nothing to check yet.", styles["body"])]
    rows = [[item.label, status_text(item), item.evidence] for item in checklist.items]
    statuses = [item.status for item in checklist.items]
    table = grid(CHECKLIST_COLUMNS, rows, numeric=frozenset(), styles=styles, font=font, statuses=statuses)
    return _captioned(caption, table, len(rows))


class _Kept(KeepTogether):
    """Flowables kept on one page, which remembers them (to add a heading to)."""

    def __init__(self, parts: list) -> None:
        super().__init__(parts)
        self.parts = parts


class _Template(SimpleDocTemplate):
    """Each heading goes into the PDF's outline (the reader's bookmarks pane)."""

    def afterFlowable(self, flowable) -> None:  # noqa: N802 - reportlab's hook
        if isinstance(flowable, Para) and flowable.style.name == "h1":
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


class _NumberedCanvas(Canvas):
    """Holds each page back until the last, so the footer can say "Page 2 of 7"."""

    def __init__(self, *args, header: str, footer: str, font: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._header, self._footer, self._font = header, footer, font

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(self._font, 7.5)
            self.setFillColor(GREY)
            width, height = A4
            self.drawString(MARGIN, height - 1.2 * cm, self._header)
            self.drawCentredString(width / 2, 1.1 * cm, f"{self._footer} {number} of {len(self._pages)}")
            super().showPage()
        super().save()
