"""Text of PDF and Word files, normalised once, with the page or paragraph of every stretch.

The text returned here is the document text that citations slice, so `text[start:end] == quote`
holds for PDFs and DOCX files as for plain text. Normalisation happens before any offset exists:
ligatures become letters, words hyphenated at a line end are joined, lines repeated at the top or
bottom of most pages (running headers, footers, page numbers) are dropped, and the lines of a
paragraph are joined with spaces. pypdf (BSD) reads PDFs, python-docx (MIT) reads Word files.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError
from assistant.ingest.guarded import spend
from assistant.ingest.pdf_tables import pdf_tables, without_tables
from assistant.ingest.tables import Grid, docx_table, filled, row_line
from assistant.records import Location

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_HYPHENATED = re.compile(r"[a-z]-$")
_ITEM = re.compile(r"(?:[\u2022\u25cf\u25aa*\-–—]|\d+[.)])\s")
_CLOSING = (".", "!", "?", ":", ";", "”", '"', "’", ")")
_GAP = 1.4  # a step down this many times the usual line spacing is a paragraph gap
_TITLE_CHARS = 100  # a first line longer than this is no title
_REPEATS = 2  # how many lines at the top and at the bottom of a page may be running headers/footers


@dataclass(frozen=True)
class Extracted:
    """A file's normalised text, where each stretch of it comes from, and its own title if any."""

    text: str
    locations: tuple[Location, ...]
    title: str | None = None
    pages: int | None = None
    tables: tuple[Grid, ...] = ()  # written into `text` one line per row


# --- PDF -------------------------------------------------------------------------------------


def read_pdf(path: Path, data: bytes) -> Extracted:
    """The text layer of a PDF, page by page; a CorpusError naming the file if there is none."""
    tables = pdf_tables(data)
    pages = _pdf_pages(path, data, tables)
    every = [table for page in tables for table in page]
    texts = [filled(text, every) for text in normalised(pages)]
    if not any(texts):
        raise CorpusError(
            str(path), "no text layer (a scanned PDF?): run OCR on it (e.g. ocrmypdf) or add a text version instead"
        )
    joined = _joined([(f"p. {n}", t) for n, t in enumerate(texts, 1)], pages=len(pages))
    return replace(joined, title=pdf_title(pages), tables=tuple(every))


def pdf_title(pages: list[str]) -> str | None:
    """The first line of the first page (running headers dropped) when it reads as a title: short and
    not a sentence. The text joins it to the paragraph below when no gap parts them."""
    lines = drop_running_lines([page.translate(_LIGATURES).splitlines() for page in pages])
    first = next((line.strip() for page in lines for line in page if line.strip()), "")
    return first if 0 < len(first) <= _TITLE_CHARS and not first.endswith((".", ",", ";", ":")) else None


def normalised(pages: list[str]) -> list[str]:
    """Each page's extracted text as paragraphs: ligatures spelled out, running headers and footers
    dropped, hyphenated line ends mended, wrapped lines joined."""
    lines = [page.translate(_LIGATURES).splitlines() for page in pages]
    return [paragraphs_of(page) for page in drop_running_lines(lines)]


def _pdf_pages(path: Path, data: bytes, tables: Sequence[Sequence[Grid]] = ()) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf logs every repaired cross-reference table
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise CorpusError(str(path), "encrypted PDF: save a copy without a password and add that instead")
        return [
            _spent("\n".join(with_gaps(without_tables(_positioned_lines(page), tables, n, page))))
            for n, page in enumerate(reader.pages)
        ]
    except CorpusError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError) as err:
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise CorpusError(str(path), f"damaged or not a PDF ({reason}): export it again from its source") from None
    except Exception as err:  # pypdf raises its own and the standard library's errors on broken files
        if "crypt" in str(err).lower():
            raise CorpusError(str(path), "encrypted PDF: save a copy without a password and add that instead") from None
        raise CorpusError(str(path), f"damaged PDF ({type(err).__name__}): export it again from its source") from None


def _positioned_lines(page: Any) -> list[tuple[str, float | None]]:
    """The lines pypdf extracts from a page, each with the height of its baseline on the page."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        pieces.append((text, tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    lines: list[tuple[str, float | None]] = []
    current, height = "", None
    for text, at in pieces:  # the pieces concatenate to exactly what extract_text returns
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if part.strip() and height is None:
                height = at
            current += part
            if i < len(parts) - 1:
                lines.append((current, height))
                current, height = "", None
    if current.strip():
        lines.append((current, height))
    return lines


def with_gaps(lines: list[tuple[str, float | None]]) -> list[str]:
    """The lines, with an empty one where the next line sits lower than the usual line spacing
    allows (a paragraph gap) or higher (the top of a new column)."""
    filled = [(text.strip(), y) for text, y in lines if text.strip()]
    steps = [a - b for (_, a), (_, b) in itertools.pairwise(filled) if a is not None and b is not None and a > b]
    leading = statistics.median(steps) if steps else None
    out: list[str] = []
    for i, (text, y) in enumerate(filled):
        above = filled[i - 1][1] if i else None
        if leading and y is not None and above is not None and not 0 < above - y <= _GAP * leading:
            out.append("")
        out.append(text)
    return out


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without the lines repeated at their top or bottom on most pages (page numbers count as equal).

    Empty lines (paragraph gaps) are kept, and skipped over when looking for the top and bottom lines.
    """
    pages = [[line.strip() for line in page] for page in pages]
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.lower())

    def edges(page: list[str]) -> tuple[list[int], list[int]]:
        filled = [i for i, line in enumerate(page) if line]
        return filled[:_REPEATS], filled[::-1][:_REPEATS]

    seen: Counter[str] = Counter()
    for page in pages:
        top, bottom = edges(page)
        seen.update({key(page[i]) for i in top + bottom})
    running = {k for k, n in seen.items() if n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for page in pages:
        keys = [key(line) for line in page]
        dropped = {i for side in edges(page) for i in itertools.takewhile(lambda i: keys[i] in running, side)}  # noqa: B023 -- used at once
        out.append([line for i, line in enumerate(page) if i not in dropped])
    return out


def paragraphs_of(lines: list[str]) -> str:
    """The lines of a page as paragraphs: wrapped lines joined, hyphenated words mended, blank line between.

    An empty line (a gap on the page) ends a paragraph, and so does a list item starting. On a page
    without gaps, a short line that closes a sentence or looks like a heading ends one too.
    """
    marked = [line.strip() for line in lines]
    filled = [line for line in marked if line]
    if not filled:
        return ""
    gaps = len(filled) < len(marked)
    width = statistics.median(len(line) for line in filled)
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(marked):
        if line:
            current = _mended(current, line) if current else line
        following = marked[i + 1] if i + 1 < len(marked) else ""
        if current and (not following or _ends_paragraph(line, following, width, gaps)):
            paragraphs.append(current)
            current = ""
    return "\n\n".join(paragraphs)


def _mended(current: str, line: str) -> str:
    """`line` appended to the paragraph so far: a word hyphenated at the line end is joined again."""
    if _HYPHENATED.search(current) and line[:1].islower():
        return current[:-1] + line
    return current + " " + line


def _ends_paragraph(line: str, following: str, width: float, gaps: bool) -> bool:
    """A list item coming next; without gap marks, a short last line or a heading-like line."""
    if _ITEM.match(following):
        return True
    short = len(line) < 0.8 * width
    return not gaps and short and (line.endswith(_CLOSING) or (following[:1].isupper() and not line.endswith(",")))


# --- Word ------------------------------------------------------------------------------------


def read_docx(path: Path, data: bytes) -> Extracted:
    """Paragraphs and table rows of a Word file in reading order, each located by paragraph and heading."""
    blocks, title, tables = _docx_blocks(path, data)
    if not blocks:
        raise CorpusError(str(path), "empty document: add text or remove the file")
    located, heading = [], None
    for number, (text, is_heading) in enumerate(blocks, 1):
        heading = text if is_heading else heading
        label = f"¶ {number}" if heading is None or is_heading else f"¶ {number}, under “{_shortened(heading)}”"
        located.append((label, text))
    return replace(_joined(located, title=title or next((t for t, h in blocks if h), None)), tables=tables)


def _docx_blocks(path: Path, data: bytes) -> tuple[list[tuple[str, bool]], str | None, tuple[Grid, ...]]:
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
    tables: list[Grid] = []
    for item in document.iter_inner_content():
        spend()  # the time budget of assistant.ingest.guarded
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            style = (item.style.name or "") if item.style is not None else ""
            if text:
                blocks.append((text, style.startswith(("Heading", "Title"))))
        elif isinstance(item, Table):  # one block per row, merged cells once (assistant/ingest/tables.py)
            tables.append(docx_table(item))
            blocks += [(row_line(row), False) for row in tables[-1].rows]
    return blocks, (document.core_properties.title or "").strip() or None, tuple(tables)


# --- shared ----------------------------------------------------------------------------------


def _spent(text: str) -> str:
    """`text`, once its length is drawn from the budget of the file being read (assistant.ingest.guarded)."""
    spend(len(text))
    return text


def _shortened(heading: str, limit: int = 60) -> str:
    """A heading cut at a word boundary, with an ellipsis, when longer than `limit` characters."""
    if len(heading) <= limit:
        return heading
    return heading[: limit + 1].rsplit(" ", 1)[0].rstrip(" :;,–-") + "…"


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
