"""PDF and Word files made inside the tests: reportlab draws PDFs, python-docx writes Word files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

LEFT, TOP, LINE = 72, 740, 14  # points: margin, first baseline, line height on a US Letter page


def pdf(
    path: Path,
    pages: Sequence[Sequence[str] | tuple[Sequence[str], Sequence[str]]],
    header: str | None = None,
    footer: bool = True,
    password: str | None = None,
) -> Path:
    """A PDF whose pages hold the given lines (or a pair of line lists: a two-column page).

    `header` is drawn at the top of every page with its page number, and a footer "Page N of M".
    """
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    encrypt = None
    if password is not None:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, canPrint=0)
    sheet = canvas.Canvas(str(path), pagesize=letter, encrypt=encrypt, invariant=1)
    for number, page in enumerate(pages, 1):
        sheet.setFont("Helvetica", 10)
        if header:
            sheet.drawString(LEFT, 760, f"{header} {number}")
        columns = page if isinstance(page, tuple) else (page,)
        width = 468 / len(columns)
        for c, lines in enumerate(columns):
            for i, line in enumerate(lines):
                sheet.drawString(LEFT + c * (width + 12), TOP - i * LINE, line)
        if footer:
            sheet.drawString(LEFT, 40, f"Page {number} of {len(pages)}")
        sheet.showPage()
    sheet.save()
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF with a drawing and no text layer, as a scanner makes."""
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), invariant=1)
    sheet.rect(100, 100, 300, 400, fill=1)
    sheet.showPage()
    sheet.save()
    return path


def docx(path: Path, blocks: Sequence[tuple[str, str]], title: str | None = None) -> Path:
    """A Word file of (style, text) blocks: style "h1"/"h2" for headings, "p" for paragraphs,
    "table" for a row whose cells are separated by " | "."""
    import docx as python_docx

    document = python_docx.Document()
    if title:
        document.core_properties.title = title
    for style, text in blocks:
        if style.startswith("h"):
            document.add_heading(text, level=int(style[1:]))
        elif style == "table":
            cells = text.split(" | ")
            row = document.add_table(rows=1, cols=len(cells)).rows[0]
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
        else:
            document.add_paragraph(text)
    section = document.sections[0]
    section.header.paragraphs[0].text = "OFFICIAL - header text that is not the body"
    document.save(str(path))
    return path


# A short unseen document for answer rules: a dated event, an amount, a deadline counted from the
# event, and a sentence with no date, name or figure at all.
HARBOUR = """Harbour review

The Lisbon Harbour Summit opened on March 3, 2025, with port authorities from nine countries.

Dredging of the north channel began in 2024 and cost $40 million.

The review panel must publish its findings within 6 weeks of the summit.

The review panel praised the new container cranes and the quieter night shifts.
"""


def report_pdf(
    path: Path, title: str, paragraphs: Sequence[str], table: Sequence[Sequence[str]], pages: int = 10
) -> Path:
    """A `pages`-page report: the title, then `paragraphs` over every page, and on the middle page a ruled
    table (its first row the header) as a word processor draws one: a caption, a grid, one line per row."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    stops = [0, *(180 + 100 * i for i in range(len(table[0]) - 1))]
    for number in range(1, pages + 1):
        sheet.setFont("Helvetica-Bold" if number == 1 else "Helvetica", 12 if number == 1 else 8)
        sheet.drawString(LEFT, 760, title if number == 1 else f"{title}, page {number}")
        y = TOP - (2 * LINE if number == 1 else 0)  # the title a paragraph of its own
        if number == pages // 2:
            sheet.setFont("Helvetica-Bold", 10)
            sheet.drawString(LEFT, y, f"Table 1: {title} budget by year")
            y -= 2 * LINE
            for r, cells in enumerate(table):
                sheet.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 10)
                for x, cell in zip(stops, cells, strict=True):
                    sheet.drawString(LEFT + x + 4, y, cell)
                top, bottom = y + LINE - 3, y - 9
                sheet.line(LEFT, top, LEFT + 468, top)
                sheet.line(LEFT, bottom, LEFT + 468, bottom)
                for x in (*stops, 468):
                    sheet.line(LEFT + x, top, LEFT + x, bottom)
                y -= LINE + 6
            y -= LINE
        sheet.setFont("Helvetica", 10)
        for text in paragraphs:
            for line in simpleSplit(text.format(page=number), "Helvetica", 10, 468):
                if y < 80:
                    break
                sheet.drawString(LEFT, y, line)
                y -= LINE
            y -= LINE
        sheet.drawString(LEFT, 40, f"Page {number} of {pages}")
        sheet.showPage()
    sheet.save()
    return path
