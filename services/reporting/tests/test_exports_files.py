"""The reports' files as a reader's software opens them: LibreOffice lays out the Word
and Excel files as pages, poppler draws those and the PDF; and every report the
builders make, from real events, renders in each format with its sections."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from report_world import build_with_destinations
from reporting_world import NOW

from waymark_reporting.exports import FORMATS, render
from waymark_reporting.exports.document import Chart, Checklist, Table
from waymark_reporting.exports.samples import sample_document
from waymark_reporting.reports.evaluation import evaluation_report
from waymark_reporting.reports.governors import governors_report
from waymark_reporting.reports.ofsted import ofsted_pack


@pytest.mark.slow
def test_libreoffice_and_poppler_show_each_file_as_pages_with_content(tmp_path: Path):
    # make test installs them (scripts/ensure-system-packages): their absence is a failure.
    assert shutil.which("libreoffice"), "LibreOffice is missing: run scripts/ensure-system-packages"
    assert shutil.which("pdftoppm"), "poppler is missing: run scripts/ensure-system-packages"
    document = sample_document(extra_sections=2)
    for fmt in FORMATS:
        (tmp_path / f"pack-{fmt}.{fmt}").write_bytes(render(document, fmt))
    profile = (tmp_path / "profile").as_uri()  # its own profile: another LibreOffice may be running
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path / "office"), "pack-docx.docx", "pack-xlsx.xlsx"],
        cwd=tmp_path, check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdfs = {"docx": tmp_path / "office" / "pack-docx.pdf", "xlsx": tmp_path / "office" / "pack-xlsx.pdf",
            "pdf": tmp_path / "pack-pdf.pdf"}  # fmt: skip
    for fmt, pdf in pdfs.items():
        reader = PdfReader(pdf)
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert len(reader.pages) >= (3 if fmt != "xlsx" else 2), fmt
        assert "Gatsby Benchmarks" in text and "87.5" in text, fmt
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / fmt)],
                       check=True, timeout=60)  # fmt: skip
        for image in sorted(tmp_path.glob(f"{fmt}-*.png")):
            greys = Image.open(image).convert("L")
            inked = sum(count for level, count in enumerate(greys.histogram()) if level < 200)
            assert inked > 0.005 * greys.width * greys.height, f"{image.name} is blank"
    # The first page of the Word file: the title over the key figures, as in Word.
    assert "Careers provision: evidence for" in PdfReader(pdfs["docx"]).pages[0].extract_text()


@pytest.fixture
def world(deliver, directory_log, audit_log, planner_log, destinations_log):  # type: ignore[no-untyped-def]
    return build_with_destinations(deliver, directory_log, audit_log, planner_log, destinations_log)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the files do not depend on it
@pytest.mark.parametrize("build", [ofsted_pack, governors_report, evaluation_report])
def test_every_report_renders_in_each_format_with_its_sections(runtime, world, build):
    document = build(runtime, world.school, now=NOW)
    blocks = [b for s in document.sections for b in s.blocks]

    word = open_docx(io.BytesIO(render(document, "docx")))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == [
        s.heading for s in document.sections
    ]
    assert len(word.inline_shapes) == sum(isinstance(b, Chart) for b in blocks)

    book = load_workbook(io.BytesIO(render(document, "xlsx")))
    tables = sum(len(ws.tables) for ws in book.worksheets)
    data_blocks = [b for b in blocks if (isinstance(b, Table) and b.rows) or isinstance(b, Chart | Checklist)]
    assert tables == len([b for b in data_blocks if not isinstance(b, Checklist) or b.items])
    assert sum(len(ws._charts) for ws in book.worksheets) == sum(isinstance(b, Chart) for b in blocks)

    pdf = PdfReader(io.BytesIO(render(document, "pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for section in document.sections:
        assert " ".join(section.heading.split()) in text
    assert document.institution_name in text
