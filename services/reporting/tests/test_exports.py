"""A report's Word, Excel and PDF files, opened as their readers would open them: what a
careers leader, a governor or an inspector sees in each (headings, figures, checklist
statuses in words, charts and the figures beneath them)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl import load_workbook
from pypdf import PdfReader

from waymark_reporting.exports import FORMATS, MEDIA_TYPES, render
from waymark_reporting.exports.document import Chart, Document, Paragraph, Section, Table
from waymark_reporting.exports.samples import sample_document
from waymark_reporting.exports.xlsx import sheet_name

DOCUMENT = sample_document(extra_sections=1)
CHARTS = sum(isinstance(b, Chart) for s in DOCUMENT.sections for b in s.blocks)


@pytest.fixture(scope="module")
def word():
    return open_docx(io.BytesIO(render(DOCUMENT, "docx")))


@pytest.fixture(scope="module")
def workbook():
    return load_workbook(io.BytesIO(render(DOCUMENT, "xlsx")))


@pytest.fixture(scope="module")
def pdf():
    return PdfReader(io.BytesIO(render(DOCUMENT, "pdf")))


def word_table(word, first_heading: str):
    return next(t for t in word.tables if t.rows[0].cells[0].text == first_heading)


def test_each_format_has_its_media_type_and_an_unknown_one_is_refused():
    assert FORMATS == ("docx", "xlsx", "pdf")
    assert MEDIA_TYPES["pdf"] == "application/pdf" and MEDIA_TYPES["xlsx"].endswith("spreadsheetml.sheet")
    with pytest.raises(ValueError, match="unknown format"):
        render(DOCUMENT, "odt")


def test_word_opens_with_the_title_institution_and_as_of_line_on_a4(word):
    texts = [p.text for p in word.paragraphs]
    assert texts[:4] == [DOCUMENT.title, DOCUMENT.institution_name, DOCUMENT.subtitle, DOCUMENT.as_of]
    assert word.paragraphs[0].style.name == "Title"
    page = word.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    assert word.core_properties.subject == "St Mary’s C of E (Aided) High School"
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_word_has_a_heading_per_section_and_tables_with_dashes_for_missing_figures(word):
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading for s in DOCUMENT.sections]
    benchmarks = word_table(word, "Benchmark")
    assert [c.text for c in benchmarks.rows[0].cells] == [
        "Benchmark",
        "This year (%)",
        "Last year (%)",
        "Criteria met",
    ]
    seventh = [c.text for c in benchmarks.rows[7].cells]
    assert seventh == ["7. Encounters with further and higher education", "80", "–", "6 of 8"]
    assert benchmarks.rows[2].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "<w:tblHeader/>" in benchmarks.rows[0]._tr.xml  # repeats on each page
    encounters = word_table(word, "Year group")
    assert [c.text for c in encounters.rows[1].cells] == ["Year 7", "200", "112", "112", "56"]
    assert "No provider visits recorded this term." in [p.text for p in word.paragraphs]


def test_word_checklist_says_each_status_in_words(word):
    checklist = word_table(word, "Requirement")
    statuses = [row.cells[1].text for row in checklist.rows[1:]]
    assert statuses == ["Met", "Missing", "Check"]
    assert checklist.rows[2].cells[2].text == "None recorded yet this year"


def test_word_shows_each_chart_as_an_image_with_alt_text_and_its_figures_beneath(word):
    assert len(word.inline_shapes) == CHARTS
    shape = word.inline_shapes[0]
    assert shape.width == Cm(17)
    assert "Chart: Benchmarks achieved, this year and last" in shape._inline.docPr.get("descr")
    figures = [t for t in word.tables if t.rows[0].cells[0].text == "Group"]
    assert len(figures) == CHARTS
    benchmark_figures = figures[0]
    assert [c.text for c in benchmark_figures.rows[0].cells] == ["Group", "2026–27", "2025–26"]
    assert [c.text for c in benchmark_figures.rows[7].cells] == [
        "7. Encounters with further and higher education",
        "80%",
        "–",
    ]


def test_word_key_figures_show_value_label_and_detail(word):
    first = word.tables[0].rows[0].cells
    assert [p.text for p in first[2].paragraphs] == [
        "1,204",
        "Employer encounters",
        "£0 spent on providers – all volunteers",
    ]


def test_excel_has_a_summary_and_a_sheet_per_section_with_figures(workbook):
    with_figures = [
        s.heading for s in DOCUMENT.sections if any(not isinstance(b, Paragraph) for b in s.blocks)
    ]
    assert workbook.sheetnames == ["Summary"] + [h for h in with_figures if h != "Summary"]
    summary = workbook["Summary"]
    assert [summary[f"A{row}"].value for row in range(1, 5)] == [
        DOCUMENT.title, DOCUMENT.institution_name, DOCUMENT.subtitle, DOCUMENT.as_of
    ]  # fmt: skip
    figures = {row[1].value: row[2] for row in summary.iter_rows(min_row=8, max_col=3) if row[1].value}
    assert figures["Pupils with a guidance interview"].value == pytest.approx(0.86)
    assert figures["Pupils with a guidance interview"].number_format == "0%"
    assert figures["Employer encounters"].value == 1204
    assert figures["Benchmarks fully met"].value == "5 of 8"
    links = [c.hyperlink.location for c in summary["A"] if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in workbook.sheetnames[1:]]


def test_excel_tables_hold_numbers_with_filters_and_a_frozen_header(workbook):
    sheet = workbook["Destinations"]
    leavers = sheet.tables["T6_Sustained_destinations_of_leavers"]
    assert leavers.ref == "A4:F7" and leavers.autoFilter.ref == "A4:F7"
    assert [c.value for c in sheet[4]][:3] == ["Leavers", "Pupils", "Education (%)"]
    pupils, education = sheet["B5"], sheet["C5"]
    assert pupils.value == 190 and isinstance(pupils.value, int)
    assert education.value == pytest.approx(0.842) and education.number_format == "0.0%"
    assert sheet["E6"].value == "–"  # no figure
    provider = workbook["Provider access"]
    assert provider.freeze_panes == "A5"  # one table: its header stays in view
    assert provider.print_title_rows == "$4:$4"  # and is printed on each page
    setup = provider.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert [c.value for c in provider["B"][4:7]] == ["Met", "Missing", "Check"]
    assert provider["A10"].value == "No provider visits recorded this term."


def test_excel_draws_each_chart_natively_from_its_figures_on_the_sheet(workbook):
    charts = {ws.title: len(ws._charts) for ws in workbook.worksheets}
    assert charts == {"Summary": 0, "Gatsby Benchmarks": 1, "Encounters with employers": 1, "Provider access": 0,
                      "Destinations": 1, "Activity area 1": 1}  # fmt: skip
    sheet = workbook["Gatsby Benchmarks"]
    figures = sheet.tables["T2_Benchmarks_achieved_this_year_and_last"]
    assert figures.ref == "A15:C23"
    assert sheet["B22"].value == pytest.approx(0.8) and sheet["C22"].value is None  # a gap, not a zero
    chart = sheet._charts[0]
    assert chart.type == "bar"  # long names: bars lie down
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["'Gatsby Benchmarks'!$B$16:$B$23", "'Gatsby Benchmarks'!$C$16:$C$23"]
    assert chart.y_axis.number_format.formatCode == "0%"
    line = workbook["Destinations"]._charts[0]
    assert type(line).__name__ == "LineChart" and len(line.series) == 2


def test_sheet_names_are_what_excel_accepts():
    taken = {"summary"}
    names = [
        sheet_name(h, taken) for h in ("Summary", "What: [this] / that?", "x" * 40, "x" * 40, "'quoted'")
    ]
    assert names == ["Summary (2)", "What   this    that", "x" * 31, "x" * 27 + " (2)", "quoted"]
    assert all(len(n) <= 31 for n in names)


def test_pdf_holds_the_same_headings_figures_and_statuses(pdf):
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for section in DOCUMENT.sections:
        assert section.heading in text
    assert "St Mary’s C of E (Aided) High School" in text
    assert "£0 spent on providers" in text and "2026–27" in text
    assert "87.5" in text and "97.5%" in text
    for status in ("Met", "Missing", "Check"):
        assert status in text
    assert "No provider visits recorded this term." in text
    assert f"Page 1 of {len(pdf.pages)}" in text
    assert [entry.title for entry in pdf.outline] == [s.heading for s in DOCUMENT.sections]
    assert pdf.metadata.title == DOCUMENT.title


def test_pdf_draws_each_chart_with_words_a_reader_can_search(pdf):
    assert sum(len(page.images) for page in pdf.pages) == 0  # vectors, not pictures
    pages = [page.extract_text() for page in pdf.pages]
    page = next(p for p in pages if "Sustained destinations over five years\n" in p)
    # The legend, the axis in percent, and the categories, as text.
    assert "This school" in page and "Local authority" in page
    assert "100%" in page and "80%" in page and "2021" in page


def test_characters_files_cannot_hold_are_dropped_and_empty_reports_still_open():
    odd = replace(
        DOCUMENT,
        institution_name="Oakwood\x01 Academy",
        sections=(
            Section("Notes\x0c", (Paragraph("3 of 8\x1f achieved"), Table("Nothing", ("A", "B"), ()))),
        ),
    )
    word = open_docx(io.BytesIO(render(odd, "docx")))
    assert "Oakwood Academy" in [p.text for p in word.paragraphs]
    assert "3 of 8 achieved" in [p.text for p in word.paragraphs]
    assert load_workbook(io.BytesIO(render(odd, "xlsx")))["Notes"]["A1"].value == "Notes"
    assert "Oakwood" in PdfReader(io.BytesIO(render(odd, "pdf"))).pages[0].extract_text()
    empty = Document("governors-report", "Governors' report", "Oakwood", "i-1", "", "As of today")
    for fmt in FORMATS:
        assert render(empty, fmt)


def test_pdf_falls_back_to_helvetica_showing_what_it_can(monkeypatch):
    from waymark_reporting.exports import pdf_fonts

    monkeypatch.setattr(pdf_fonts, "_matplotlib_fonts", lambda: None)
    pdf_fonts.fonts.cache_clear()
    try:
        welsh = replace(DOCUMENT, institution_name="Ysgol Gymraeg Llŷn – £5 ≥ 3")
        text = PdfReader(io.BytesIO(render(welsh, "pdf"))).pages[0].extract_text()
    finally:
        pdf_fonts.fonts.cache_clear()
    assert "Ysgol Gymraeg Llyn – £5 >= 3" in text
    assert pdf_fonts.latin("Zoë ✓ 日") == "Zoë Yes ?"


def test_excel_reads_figures_given_as_text_as_numbers():
    table = Table(
        "Mixed",
        ("Name", "Count", "Share"),
        (("a", "1,204", "45%"), ("b", "–", "12.5%")),
        numeric=frozenset({1, 2}),
    )
    book = load_workbook(
        io.BytesIO(render(replace(DOCUMENT, sections=(Section("Mixed", (table,)),)), "xlsx"))
    )
    sheet = book["Mixed"]
    assert (sheet["B5"].value, sheet["B5"].number_format) == (1204, "#,##0")
    assert (sheet["C5"].value, sheet["C5"].number_format) == (pytest.approx(0.45), "0%")
    assert (sheet["C6"].value, sheet["C6"].number_format) == (pytest.approx(0.125), "0.0%")
    assert sheet["B6"].value == "–"


def test_a_table_too_wide_for_the_page_gets_smaller_type_not_broken_words():
    columns = (
        "Year group", "Learners", "BM5: Employer encounter this year", "BM6: Workplace experience by 16",
        "BM6: Further workplace experience by 18", "BM7: FE, HE or technical provider by 16",
        "BM7: All three by 16", "BM8: Guidance meeting by 16", "BM8: Further guidance meeting by 18", "None of these",
    )  # fmt: skip
    wide = Table(
        "Encounters (%)", columns, (("Year 10", 1_204, *range(50, 57), 3),), numeric=frozenset(range(1, 10))
    )
    document = replace(DOCUMENT, sections=(Section("Wide", (wide,)),))
    word = open_docx(io.BytesIO(render(document, "docx")))
    assert '<w:sz w:val="' in word.tables[0]._tbl.xml  # the type is made smaller
    assert sum(cell.width for cell in word.tables[0].rows[0].cells) <= Cm(17.05)
    lines = PdfReader(io.BytesIO(render(document, "pdf"))).pages[0].extract_text().split("\n")
    words = {word for line in lines for word in line.split()}
    assert {w for heading in columns for w in heading.split()} <= words  # none broken across lines


def test_a_long_table_starts_under_its_heading_and_repeats_its_header_on_each_page():
    rows = tuple(
        (
            f"{n} March 2026",
            f"Careers fair {n}",
            "Apprenticeship or technical education provider encounter",
            28,
        )
        for n in range(300)
    )
    long = Table("Delivered", ("Delivered", "Activity", "Type", "Participants"), rows, numeric=frozenset({3}))
    document = replace(
        DOCUMENT, sections=(Section("Intro", (Paragraph("Every activity."),)), Section("Log", (long,)))
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(render(document, "pdf"))).pages]
    assert len(pages) > 3
    assert "Log\nDelivered\n" in pages[0] and "0 March 2026" in pages[0]  # not pushed to a page of its own
    assert all("Participants" in page for page in pages)
    assert "299 March 2026" in pages[-1]
    word = open_docx(io.BytesIO(render(document, "docx")))
    assert len(word.tables[0].rows) == 301 and "<w:tblHeader/>" in word.tables[0].rows[0]._tr.xml


@pytest.mark.parametrize(
    "chart",
    [
        Chart("No benchmarks yet", "bar", (), ()),
        Chart("No series yet", "line", ("2024", "2025"), ()),
        Chart("Not judged yet", "line", ("2024", "2025"), (("Sustained", (None, None)),), unit="%"),
    ],
)
def test_a_chart_without_figures_says_so_in_every_format(chart):
    document = replace(DOCUMENT, sections=(Section("Destinations", (chart,)),))
    word = open_docx(io.BytesIO(render(document, "docx")))
    assert len(word.inline_shapes) == 1  # the image says "No figures yet"
    sheet = load_workbook(io.BytesIO(render(document, "xlsx")))["Destinations"]
    if not chart.categories or not chart.series:
        assert sheet["A4"].value == "No figures yet." and not sheet._charts
    text = PdfReader(io.BytesIO(render(document, "pdf"))).pages[0].extract_text()
    assert "No figures yet" in text or "No figures yet." in text


def _typed(text: str) -> Document:
    """A report with ``text`` where people type (an objective, an activity's title)."""
    table = Table(
        "The plan's objectives", ("", "Objective"), ((1, text), (2, "Short")), numeric=frozenset({0})
    )
    return Document(
        "ofsted-pack",
        "Ofsted pack",
        "School",
        "id",
        "",
        "As of now",
        (Section("Intent", (table,), "intent"),),
    )


def test_text_that_looks_like_a_formula_stays_text_in_excel():
    book = load_workbook(io.BytesIO(render(_typed('=HYPERLINK("http://example.org","Click")'), "xlsx")))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value]
    typed = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert typed.data_type == "s"
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_a_long_unbroken_word_wraps_in_a_narrow_table_in_every_format():
    address = "https://example.org/careers/" + "programme-" * 20
    for fmt in FORMATS:
        assert render(_typed(address), fmt)  # no layout error
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render(_typed(address), "pdf"))).pages
    )
    assert "Short" in text and "example.org" in text
