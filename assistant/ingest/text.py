"""Sentence segmentation and chunking that keep exact character offsets into the document."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from assistant.records import Chunk, Sentence

_BULLET = re.compile(r"[\s\u2022\u25cf\u25aa*\-–—#]*")  # leading whitespace, list bullets, heading marks
_ITEM = re.compile(r"\s*(?:[\u2022\u25cf\u25aa*\-–—]\s|\d+[.)]\s|#{1,6}\s)")  # bullet, numbered item, heading
_HEADING = re.compile(r"#{1,6}\s")
# a table row as the readers write it ("a | b"), a Markdown pipe-table line, or its rule line ("|---|:--:|")
_ROW = re.compile(r"[^\n]*\S \| \S|\s*\|?\s*:?-{3,}:?\s*\|")


@lru_cache(maxsize=1)
def _punkt():  # type: ignore[no-untyped-def]
    """NLTK's trained English punkt model, from the copy llama-index-core ships (offline)."""
    import importlib.util

    with _hidden("scipy.stats", "sklearn"):
        import nltk
        from nltk.tokenize.punkt import PunktTokenizer

    # Locate the package without importing it: importing llama_index.core costs seconds.
    spec = importlib.util.find_spec("llama_index.core")
    assert spec is not None and spec.origin is not None, "llama-index-core is not installed"
    cache = Path(spec.origin).parent / "_static" / "nltk_cache"
    if str(cache) not in nltk.data.path:
        nltk.data.path.append(str(cache))
    return PunktTokenizer("english")


@contextlib.contextmanager
def _hidden(*names: str) -> Iterator[None]:
    """Modules not loaded yet that `import` cannot find meanwhile (findable again after).

    nltk's package import pulls in scipy.stats and scikit-learn (about 0.6 s, half of it) for modules
    it only offers if they import (collocation tests, a scikit-learn classifier); punkt uses neither.
    A module already loaded is left alone: importing it again costs nothing.
    """
    import sys

    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None in sys.modules: ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) of every line, newline excluded."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of runs of non-blank lines; a list item or heading line starts a new run,
    and a heading line or a table row is a run of its own."""
    start, end, alone = -1, -1, False
    for offset, line in _lines(text):
        blank = not line.strip()
        row = bool(_ROW.match(line))
        if start >= 0 and (blank or alone or row or _ITEM.match(line)):
            yield start, end
            start = -1
        if not blank:
            start = offset if start < 0 else start
            end = offset + len(line)
            alone = row or bool(_HEADING.match(line.lstrip()))
    if start >= 0:
        yield start, end


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph, without its indentation and list bullet.

    Paragraphs are separated by blank lines; a list item or a Markdown heading line is a
    paragraph of its own. Lines wrapped inside a paragraph are one paragraph (sentences may span them).
    """
    for start, end in _blocks(text):
        block = text[start:end]
        lead = _BULLET.match(block).end()  # type: ignore[union-attr]
        body = block[lead:].rstrip()
        if body:
            yield start + lead, start + lead + len(body)


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """Sentences of every paragraph; `text[s.start:s.end] == s.text` for each."""
    punkt = _punkt()
    out: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        for s, e in punkt.span_tokenize(text[p_start:p_end]):
            start, end = p_start + s, p_start + e
            out.append(Sentence(doc_id=doc_id, start=start, end=end, text=text[start:end], paragraph=number))
    return out


def chunk_sentences(doc_id: str, text: str, sentences: list[Sentence], max_chars: int, overlap: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most `max_chars` (a longer sentence stands alone)."""
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1].end - sentences[first].start <= max_chars:
            last += 1
        start, end = sentences[first].start, sentences[last].end
        chunks.append(
            Chunk(
                doc_id=doc_id,
                chunk_id=f"{doc_id}#{len(chunks)}",
                start=start,
                end=end,
                text=text[start:end],
                sentence_ids=tuple(range(first, last + 1)),
            )
        )
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return chunks
