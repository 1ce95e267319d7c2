"""Write evals/corpora/formats/: the ministerial corpus as a PDF brief and a Word article.

The two text documents of evals/corpora/ministerial/ are laid out again, the brief as a PDF
(reportlab: wrapped lines, a running header and page footers on every page) and the article as a
Word file (python-docx: a title and one paragraph per block). Because this script places every
line itself, it knows on which page (or in which paragraph) each evidence string starts, and writes
that into the question set as the `location` the citation must carry. The extractor never sees
these expectations, so the suite checks it from outside.

    .venv/bin/python evals/make_formats_corpus.py          # rewrites evals/corpora/formats/
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "corpora" / "ministerial"
TARGET = HERE / "corpora" / "formats"
BRIEF, ARTICLE = "ministerial-follow-up-brief", "us-critical-minerals-strategy"
FONT, SIZE, LEADING, WIDTH = "Helvetica", 10, 14, 468
TOP, BOTTOM, LEFT = 730, 80, 72


def blocks(text: str) -> list[str]:
    """The paragraphs of a text document: runs of non-blank lines, whitespace collapsed."""
    return [" ".join(b.split()) for b in re.split(r"\n\s*\n", text) if b.strip()]


def write_pdf(paragraphs: list[str], path: Path, header: str) -> list[list[tuple[int, int]]]:
    """Draw the paragraphs; return, per paragraph, (character offset, page) of each of its lines."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    page, y, placed = 1, TOP, []

    def new_page() -> None:
        nonlocal page, y
        sheet.drawString(LEFT, 40, f"Page {page}")
        sheet.showPage()
        page, y = page + 1, TOP
        start_page()

    def start_page() -> None:
        sheet.setFont(FONT, SIZE)
        sheet.drawString(LEFT, 760, f"{header} | Policy Desk")

    start_page()
    for paragraph in paragraphs:
        offsets, offset = [], 0
        for line in simpleSplit(paragraph, FONT, SIZE, WIDTH):
            if y < BOTTOM:
                new_page()
            sheet.drawString(LEFT, y, line)
            offsets.append((offset, page))
            offset += len(line) + 1
            y -= LEADING
        placed.append(offsets)
        y -= LEADING // 2
    sheet.drawString(LEFT, 40, f"Page {page}")
    sheet.showPage()
    sheet.save()
    return placed


def write_docx(paragraphs: list[str], path: Path, title: str) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(paragraphs[0], level=0)
    for paragraph in paragraphs[1:]:
        if is_heading(paragraph):  # section headings keep their Word style, as an author would set them
            document.add_heading(paragraph, level=1)
        else:
            document.add_paragraph(paragraph)
    document.save(str(path))


def is_heading(paragraph: str) -> bool:
    """A short line without a closing full stop or colon, and not a byline: how the plain-text sources
    write their headings."""
    line = paragraph.strip()
    return len(line) <= 90 and not line.endswith((".", ":")) and not line.lower().startswith("by ")


def pdf_page(paragraphs: list[str], placed: list[list[tuple[int, int]]], evidence: str) -> int | None:
    """The page on which `evidence` starts, from where its paragraph's lines were drawn."""
    wanted = " ".join(evidence.split())
    for paragraph, lines in zip(paragraphs, placed, strict=True):
        at = paragraph.find(wanted)
        if at >= 0:
            return max(page for offset, page in lines if offset <= at)
    return None


def docx_paragraph(paragraphs: list[str], evidence: str) -> int | None:
    wanted = " ".join(evidence.split())
    return next((n for n, p in enumerate(paragraphs, 1) if wanted in p), None)


def main() -> None:
    brief = blocks((SOURCE / "docs" / f"{BRIEF}.txt").read_text("utf-8"))
    article = blocks((SOURCE / "docs" / f"{ARTICLE}.txt").read_text("utf-8"))
    shutil.rmtree(TARGET, ignore_errors=True)
    (TARGET / "docs").mkdir(parents=True)
    placed = write_pdf(brief, TARGET / "docs" / f"{BRIEF}.pdf", "After the Ministerial")
    write_docx(article, TARGET / "docs" / f"{ARTICLE}.docx", article[0])
    for name in (BRIEF, ARTICLE):
        shutil.copy(SOURCE / "docs" / f"{name}.meta.yaml", TARGET / "docs" / f"{name}.meta.yaml")
    shutil.copy(SOURCE / "aliases.yaml", TARGET / "aliases.yaml")
    items = []
    for line in (SOURCE / "questions.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        evidence = [*item.get("evidence", []), *item.get("evidence_any", [])]
        if evidence:
            page = pdf_page(brief, placed, evidence[0])
            number = docx_paragraph(article, evidence[0])
            item["location"] = f"^p\\. {page}$" if page else f"^¶ {number}\\b" if number else None
        items.append({k: v for k, v in item.items() if v is not None})
    (TARGET / "questions.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    print(f"wrote {TARGET}: {len(items)} questions, brief {max(p for lines in placed for _, p in lines)} pages")


if __name__ == "__main__":
    main()
