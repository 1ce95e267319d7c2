"""pypdf and pdfplumber compared as the text layer of the suite's PDFs (issue 21: "measure both").

Run from the repository root:

    .venv/bin/python evals/compare_pdf_text.py

For every PDF under evals/corpora and the PDFs the tests draw (tests/documents.py), the page text is
extracted with pypdf (the lines formats.py reads, `_positioned_lines`), with pdfplumber's
`extract_text()` and with `extract_text(use_text_flow=True)` (content-stream order). The Markdown
table printed has, per PDF and extractor:

- s/page: the best of three runs, the file opened afresh each time;
- chars, and word agreement: difflib's ratio of the word sequence to pypdf's;
- interleaved: lines of side-by-side prose (two segments of one baseline a wide gap apart, outside
  any table) whose segments the text runs together on one line, of all such lines;
- hyphens / ligatures: lines ending in a letter and "-", and ligature glyphs (fi, fl ...) in the raw text;
- evidence: the corpus questions' `evidence` quotes found verbatim (whitespace collapsed) in the
  text after the project's normalisation (`formats.normalised`), of those found in any extractor's
  text or in the project's own reading (`read_pdf`);
- table cells in row order: cells of the tables `pdf_tables` finds (pdfplumber's ruled finder and the
  project's whitespace finder) that sit on the line of their row's first cell, after the cell before.
"""

from __future__ import annotations

import difflib
import io
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.ingest.formats import _LIGATURES, _positioned_lines, normalised, read_pdf  # noqa: E402
from assistant.ingest.pdf_tables import _GAP, _lines, pdf_tables  # noqa: E402
from assistant.ingest.tables import Grid  # noqa: E402

LIGATURE = re.compile("[\ufb00-\ufb06]")
HYPHEN_END = re.compile(r"[A-Za-z]-$", re.M)


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return ["\n".join(text for text, _ in _positioned_lines(page)) for page in PdfReader(io.BytesIO(data)).pages]


def plumber_pages(**options: object) -> Callable[[bytes], list[str]]:
    def pages(data: bytes) -> list[str]:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [page.extract_text(**options) or "" for page in pdf.pages]

    return pages


EXTRACTORS = {
    "pypdf": pypdf_pages,
    "pdfplumber": plumber_pages(),
    "pdfplumber (text flow)": plumber_pages(use_text_flow=True),
}


def squeeze(text: str) -> str:
    return " ".join(text.split())


def timed(extract: Callable[[bytes], list[str]], data: bytes) -> tuple[list[str], float]:
    best, pages = float("inf"), []
    for _ in range(3):
        start = time.perf_counter()
        pages = extract(data)
        best = min(best, time.perf_counter() - start)
    return pages, best / max(len(pages), 1)


def side_by_side(data: bytes, tables: list[list[Grid]]) -> list[list[str]]:
    """Each physical line of prose that holds segments a wide gap apart (columns), outside any table."""
    import pdfplumber

    found = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for n, page in enumerate(pdf.pages):
            own = tables[n] if n < len(tables) else []
            for top, bottom, segments in _lines(page.extract_words()):
                inside = any(t.top - 2 <= top and bottom <= t.bottom + 2 for t in own)
                if len(segments) >= 2 and not inside and segments[1][0] - segments[0][1] >= _GAP:
                    found.append([text for _, _, text in segments])
    return found


def interleaved(text: str, lines: list[list[str]]) -> int:
    """Column lines whose neighbouring segments this text puts on one line, one after the other."""
    flat = [squeeze(line) for line in text.translate(_LIGATURES).splitlines()]
    return sum(any(f"{a} {b}" in line for line in flat for a, b in zip(segs, segs[1:], strict=False)) for segs in lines)


def cells_in_order(text: str, tables: list[list[Grid]]) -> tuple[int, int]:
    """(cells on their row's line in order, all cells) over every table."""
    lines = [squeeze(line) for line in text.translate(_LIGATURES).splitlines()]
    kept = total = 0
    for table in (t for page in tables for t in page):
        for row in table.rows:
            cells = [p.text for p in row if p.text]
            total += len(cells)
            best = 0
            for line in (line for line in lines if cells and cells[0] in line):
                at, count = 0, 0
                for cell in cells:
                    found = line.find(cell, at)
                    if found < 0:
                        break
                    at, count = found + len(cell), count + 1
                best = max(best, count)
            kept += best
    return kept, total


def evidence_of(pdf: Path) -> list[str]:
    """The `evidence` quotes of the questions of the corpus the PDF belongs to."""
    corpus = pdf.parent.parent
    quotes = []
    for file in corpus.glob("questions*.jsonl"):
        for line in file.read_text().splitlines():
            if line.strip():
                quotes += json.loads(line).get("evidence", [])
    return sorted({squeeze(q) for q in quotes})


def test_pdfs(folder: Path) -> list[Path]:
    """The PDFs tests/test_formats.py (header, hyphenation, two columns) and tests/test_documents_e2e.py draw."""
    from tests.documents import pdf
    from tests.test_documents_e2e import FIRST_PAGE, SECOND_PAGE
    from tests.test_formats import two_page_pdf

    return [two_page_pdf(folder), pdf(folder / "harbour report.pdf", [FIRST_PAGE, SECOND_PAGE], header="PORT NEWS")]


def compare(path: Path, label: str) -> list[str]:
    data = path.read_bytes()
    tables = pdf_tables(data)
    columns = side_by_side(data, tables)
    quotes = evidence_of(path) if "evals/corpora" in str(path) else []
    texts, seconds = {}, {}
    for name, extract in EXTRACTORS.items():
        pages, seconds[name] = timed(extract, data)
        texts[name] = ("\n".join(pages), squeeze("\n\n".join(normalised(pages))))
    own = squeeze(read_pdf(path, data).text)
    relevant = [q for q in quotes if q in own or any(q in norm for _, norm in texts.values())]
    base = texts["pypdf"][0].split()
    rows = []
    for name, (raw, norm) in texts.items():
        agree = difflib.SequenceMatcher(None, base, raw.split(), autojunk=False).ratio()
        kept, total = cells_in_order(raw, tables)
        found = sum(q in norm for q in relevant)
        rows.append(
            f"| {label} | {name} | {seconds[name] * 1000:.1f} ms | {len(raw)} | {agree:.2f} "
            f"| {interleaved(raw, columns)}/{len(columns)} | {len(HYPHEN_END.findall(raw))} "
            f"| {len(LIGATURE.findall(raw))} | {f'{found}/{len(relevant)}' if relevant else '–'} "
            f"| {f'{kept}/{total}' if total else '–'} |"
        )
    return rows


def main() -> None:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    print(
        "| PDF | extractor | per page | chars | words vs pypdf | interleaved column lines "
        "| line-end hyphens | ligature glyphs | evidence found | table cells in row order |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in sorted((ROOT / "evals" / "corpora").rglob("*.pdf")):
        print("\n".join(compare(path, str(path.relative_to(ROOT / "evals" / "corpora")))))
    with tempfile.TemporaryDirectory() as folder:
        for path in test_pdfs(Path(folder)):
            print("\n".join(compare(path, f"tests: {path.name}")))


if __name__ == "__main__":
    main()
