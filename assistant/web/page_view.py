"""A cited PDF page as an image, the quote's region highlighted where the text layer gives positions.

`page_view` is pure: a PDF's bytes, a page number and the quote in, a PNG and what it shows out.
The quote is found in the page's characters by their letters and digits alone (case, spaces, line
breaks, hyphens and ligatures aside), as ingestion joins wrapped and hyphenated lines that pdfium
keeps apart. `PageViews` keeps the latest images, bounded by count and bytes.
"""

from __future__ import annotations

import base64
import io
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image
    from pypdfium2 import PdfPage

WIDTH = 720  # pixels of a page's width in the image (a page twice as tall as wide is bounded by MAX_HEIGHT)
MAX_HEIGHT = 1400
MAX_SCALE = 3.0  # a tiny page is not blown up beyond this
FILL = (255, 224, 102)  # the quote's yellow in the passage (#ffe066)
EDGE = (194, 65, 12)  # outlined in the app's orange, visible on any page colour
PAD = 2  # pixels around each highlighted line
NO_POSITIONS = "This page has no text positions; the quote is not marked."
NOT_FOUND = "The quote was not found in this page's text layer; it is not marked."
ROTATED = "This page is rotated; the quote is not marked."
MARKED = "The quote is highlighted on the page."

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@dataclass(frozen=True)
class PageView:
    """Page `page` (1-based) drawn as a PNG; `boxes` are the highlighted lines, `note` says what is shown."""

    png: bytes
    page: int
    width: int
    height: int
    boxes: tuple[Box, ...]
    note: str

    @property
    def marked(self) -> bool:
        return bool(self.boxes)

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def letters(text: str) -> str:
    """The letters and digits of `text`, case-folded, ligatures and accents in their compatibility form."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def quote_span(chars: list[str], quote: str) -> tuple[int, int] | None:
    """The first and last index in `chars` (one page character each) of the quote's letters, if present."""
    wanted = letters(quote)
    if not wanted:
        return None
    kept, owner = [], []  # the page's letters, and which character each came from
    for i, ch in enumerate(chars):
        for letter in letters(ch):
            kept.append(letter)
            owner.append(i)
    at = "".join(kept).find(wanted)
    return None if at < 0 else (owner[at], owner[at + len(wanted) - 1])


def page_view(data: bytes, page: int, quote: str) -> PageView | None:
    """Page `page` of the PDF `data` with `quote` highlighted; None when the file or page cannot be drawn."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        if not 1 <= page <= len(document):
            return None
        return _drawn(document[page - 1], page, quote)
    except pdfium.PdfiumError:
        return None
    finally:
        document.close()


def _drawn(pdf_page: PdfPage, page: int, quote: str) -> PageView:
    left, bottom, right, top = pdf_page.get_cropbox()
    scale = min(WIDTH / max(right - left, 1), MAX_HEIGHT / max(top - bottom, 1), MAX_SCALE)
    image = pdf_page.render(scale=scale).to_pil().convert("RGB")
    to_pixels = lambda x0, y0, x1, y1: (  # noqa: E731 -- PDF points (origin bottom left) to pixels
        round((x0 - left) * scale) - PAD,
        round((top - y1) * scale) - PAD,
        round((x1 - left) * scale) + PAD,
        round((top - y0) * scale) + PAD,
    )
    boxes, note = _quote_boxes(pdf_page, quote, to_pixels)
    return PageView(_png(image, boxes), page, image.width, image.height, boxes, note)


def _quote_boxes(
    pdf_page: PdfPage, quote: str, to_pixels: Callable[[float, float, float, float], Box]
) -> tuple[tuple[Box, ...], str]:
    """The pixel boxes of the quote's lines on the page, and the note that says what is marked."""
    if pdf_page.get_rotation():
        return (), ROTATED
    text = pdf_page.get_textpage()
    try:
        chars = [text.get_text_range(i, 1) for i in range(text.count_chars())]
        if not any(ch.strip() for ch in chars):
            return (), NO_POSITIONS
        span = quote_span(chars, quote)
        if span is None:
            return (), NOT_FOUND
        first, last = span
        lines = [text.get_rect(i) for i in range(text.count_rects(first, last - first + 1))]
        return tuple(to_pixels(*line) for line in lines), MARKED
    finally:
        text.close()


def _png(image: Image, boxes: tuple[Box, ...]) -> bytes:
    """The page as PNG, each box filled as a highlighter would (multiplied: the text stays dark) and outlined."""
    from PIL import Image, ImageChops, ImageDraw

    if boxes:
        marker = Image.new("RGB", image.size, "white")
        for box in boxes:
            ImageDraw.Draw(marker).rectangle(box, fill=FILL)
        image = ImageChops.multiply(image, marker)
        for box in boxes:
            ImageDraw.Draw(image).rectangle(box, outline=EDGE, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class PageViews:
    """The latest page images by (file digest, page, quote), at most `count` of them and `max_bytes` in all."""

    def __init__(self, count: int = 64, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.count, self.max_bytes = count, max_bytes
        self._views: OrderedDict[tuple[str, int, str], PageView | None] = OrderedDict()
        self._lock = threading.Lock()  # handlers of several sessions run at once

    def get(self, key: tuple[str, int, str], make: Callable[[], PageView | None]) -> PageView | None:
        """The image kept under `key`, else `make()`'s, kept (the oldest dropped beyond the bounds)."""
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        view = make()  # outside the lock: drawing a page takes a while
        with self._lock:
            self._views[key] = view
            while len(self._views) > self.count or (len(self._views) > 1 and self.size() > self.max_bytes):
                self._views.popitem(last=False)
        return view

    def size(self) -> int:
        return sum(len(v.png) for v in self._views.values() if v is not None)
