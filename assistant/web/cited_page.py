"""The page of a PDF that a citation quotes, as a figure for the sources panel.

The file is the document's own in `<corpus>/docs/`, read again and drawn only while its bytes are
those that were indexed (else the page could show other text). Images are kept per (file digest,
page, quote) in one bounded `PageViews`, shared by every session.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from assistant.records import Citation, Document
from assistant.web.page_view import PageView, PageViews, page_view

PAGES = PageViews()
MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is not read again to draw a page
_PAGE = re.compile(r"p\. (\d+)")  # formats.read_pdf's location labels
CHANGED = "The file has changed since it was indexed; its page is not shown."
UNDRAWN = "The page could not be drawn."


def cited_page(doc: Document, c: Citation) -> tuple[int, str] | None:
    """The page number the quote starts on, and the part of the quote on that page; None for no page."""
    for loc in doc.locations:
        if loc.start <= c.start < loc.end and (found := _PAGE.fullmatch(loc.label)):
            return int(found.group(1)), doc.text[c.start : min(c.end, loc.end)]
    return None


def pdf_bytes(docs: Path, doc: Document) -> bytes | None:
    """The document's file as indexed, or None when it is gone, too large or no longer the same."""
    path = docs / Path(doc.path).name  # a name in docs/, never a path from elsewhere
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == doc.sha256 else None


def page_figure(docs: Path, doc: Document, c: Citation) -> str:
    """A <figure> with the cited page of a PDF, the quote highlighted where positions allow; '' for other files."""
    where = cited_page(doc, c) if doc.format == "pdf" else None
    if where is None:
        return ""
    number, quote = where
    data = pdf_bytes(docs, doc)
    if data is None:
        return _figure(None, number, doc.title, CHANGED)
    view = PAGES.get((doc.sha256, number, quote), lambda: page_view(data, number, quote))
    return _figure(view, number, doc.title, view.note if view else UNDRAWN)


def _figure(view: PageView | None, number: int, title: str, note: str) -> str:
    caption = f"<figcaption>p. {number}: {html.escape(note)}</figcaption>"
    if view is None:
        return f'<figure class="page">{caption}</figure>'
    marked = ", the quote highlighted" if view.marked else ""
    alt = html.escape(f"Page {number} of “{title}”{marked}", quote=True)
    image = f'<img src="{view.data_uri}" alt="{alt}" width="{view.width}" height="{view.height}">'
    return f'<figure class="page" data-marked="{str(view.marked).lower()}">{image}{caption}</figure>'
