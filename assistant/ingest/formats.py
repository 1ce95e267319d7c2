"""Text of PDF and Word files, normalised once, with the page or paragraph of every stretch.

The text returned here is the document text that citations slice, so `text[start:end] == quote`
holds for PDFs and DOCX files as for plain text. Normalisation happens before any offset exists:
ligatures become letters, words hyphenated at a line end are joined, lines repeated at the top or
bottom of most pages (running headers, footers, page numbers) are dropped, and the lines of a
paragraph are joined with spaces. pypdf (BSD) reads PDFs, python-docx (MIT) reads Word files.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError
from assistant.records import Location

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_HYPHENATED = re.compile(r"[a-z]-$")
_ITEM = re.compile(r"(?:[\u2022\u25cf\u25aa*\-–—]|\d+[.)])\s")
_CLOSING = (".", "!", "?", ":", ";", "”", '"', "’", ")")
_REPEATS = 2  # how many lines at the top and at the bottom of a page may be running headers/footers


@dataclass(frozen=True)
class Extracted:
    """A file's normalised text, where each stretch of it comes from, and its own title if any."""

    text: str
    locations: tuple[Location, ...]
    title: str | None = None
    pages: int | None = None


# --- PDF -------------------------------------------------------------------------------------


def read_pdf(path: Path, data: bytes) -> Extracted:
    """The text layer of a PDF, page by page; a CorpusError naming the file if there is none."""
    pages = _pdf_pages(path, data)
    texts = normalised(pages)
    if not any(texts):
        raise CorpusError(
            str(path), "no text layer (a scanned PDF?): run OCR on it (e.g. ocrmypdf) or add a text version instead"
        )
    return _joined([(f"p. {n}", t) for n, t in enumerate(texts, 1)], pages=len(pages))


def normalised(pages: list[str]) -> list[str]:
    """Each page's extracted text as paragraphs: ligatures spelled out, running headers and footers
    dropped, hyphenated line ends mended, wrapped lines joined."""
    lines = [page.translate(_LIGATURES).splitlines() for page in pages]
    return [paragraphs_of(page) for page in drop_running_lines(lines)]


def _pdf_pages(path: Path, data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every repaired cross-reference table
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(str(path), "encrypted PDF: save a copy without a password and add that instead")
        return [page.extract_text() or "" for page in reader.pages]
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError) as err:
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise CorpusError(str(path), f"damaged or not a PDF ({reason}): export it again from its source") from None
    except Exception as err:  # pypdf raises its own and the standard library's errors on broken files
        if "crypt" in str(err).lower():
            raise CorpusError(str(path), "encrypted PDF: save a copy without a password and add that instead") from None
        raise CorpusError(str(path), f"damaged PDF ({type(err).__name__}): export it again from its source") from None


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without the lines repeated at their top or bottom on most pages (page numbers count as equal)."""
    pages = [[line.strip() for line in page if line.strip()] for page in pages]
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.lower())

    edges: Counter[str] = Counter()
    for page in pages:
        edges.update({key(line) for line in page[:_REPEATS] + page[-_REPEATS:]})
    running = {k for k, n in edges.items() if n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for page in pages:
        top = 0
        while top < min(_REPEATS, len(page)) and key(page[top]) in running:
            top += 1
        bottom = len(page)
        while bottom > top and len(page) - bottom < _REPEATS and key(page[bottom - 1]) in running:
            bottom -= 1
        out.append(page[top:bottom])
    return out


def paragraphs_of(lines: list[str]) -> str:
    """The lines of a page as paragraphs: wrapped lines joined, hyphenated words mended, blank line between."""
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return ""
    width = statistics.median(len(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not current:
            current = line
        elif _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        else:
            current += " " + line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not following or _ends_paragraph(line, following, width):
            paragraphs.append(current)
            current = ""
    return "\n\n".join(paragraphs)


def _ends_paragraph(line: str, following: str, width: float) -> bool:
    """A short last line, a heading-like line, or a list item coming next."""
    if _ITEM.match(following):
        return True
    short = len(line) < 0.8 * width
    return short and (line.endswith(_CLOSING) or (following[:1].isupper() and not line.endswith(",")))


# --- Word ------------------------------------------------------------------------------------


def read_docx(path: Path, data: bytes) -> Extracted:
    """Paragraphs and table rows of a Word file in reading order, each located by paragraph and heading."""
    blocks, title = _docx_blocks(path, data)
    if not blocks:
        raise CorpusError(str(path), "empty document: add text or remove the file")
    located, heading = [], None
    for number, (text, is_heading) in enumerate(blocks, 1):
        heading = text if is_heading else heading
        label = f"¶ {number}" if heading is None or is_heading else f"¶ {number}, under “{heading[:60]}”"
        located.append((label, text))
    return _joined(located, title=title or next((t for t, h in blocks if h), None))


def _docx_blocks(path: Path, data: bytes) -> tuple[list[tuple[str, bool]], str | None]:
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        reason = f"damaged or not a Word file ({type(err).__name__}): save it again as .docx"
        raise CorpusError(str(path), reason) from None
    blocks: list[tuple[str, bool]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            style = (item.style.name or "") if item.style is not None else ""
            if text:
                blocks.append((text, style.startswith(("Heading", "Title"))))
        elif isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(" ".join(c.text.split()) for c in row.cells))
                if any(cells):
                    blocks.append((" | ".join(c for c in cells if c), False))
    return blocks, (document.core_properties.title or "").strip() or None


# --- shared ----------------------------------------------------------------------------------


def _joined(parts: list[tuple[str, str]], title: str | None = None, pages: int | None = None) -> Extracted:
    """Parts joined by blank lines, each part's span recorded under its label (empty parts are skipped)."""
    text, locations = "", []
    for label, part in parts:
        if not part:
            continue
        if text:
            text += "\n\n"
        locations.append(Location(start=len(text), end=len(text) + len(part), label=label))
        text += part
    return Extracted(text + "\n", tuple(locations), title, pages)
