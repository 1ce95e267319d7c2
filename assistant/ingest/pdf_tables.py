"""Tables on PDF pages, found with pdfplumber (MIT) and cut out of pypdf's text layer.

Ruled tables come from pdfplumber's table finder (lines strategy). Whitespace-aligned ones are
found here from pdfplumber's words: at least three consecutive lines that split into the same
columns at wide gaps, short cells, and a column of figures. A table continued on the next page
under its repeated header keeps its number. pypdf still reads the rest of the page: its lines
inside a table's region give way to one marker line, and the marker to the table's rows.
"""

from __future__ import annotations

import io
import logging
import statistics
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.ingest.tables import Grid, grid, marker

log = logging.getLogger(__name__)
_GAP = 9.0  # points between two words that separate cells of a whitespace-aligned row
_ROW_STEP = 3.0  # rows of an aligned table are at most this many text heights apart
_MIN_ROWS = 3
_MAX_CELL = 40  # characters: prose columns are longer than table cells
_SLACK = 2.0  # points around a table's region when dropping pypdf's lines
# pdfplumber parses every character of a page (about 0.15 s a page): from this many pages on, forked
# worker processes read ranges of pages (a 300-page report took 48-60 s in one process)
PARALLEL_PAGES = 24
MAX_PROCESSES = 4
_data = b""  # the PDF the forked workers read (inherited, not pickled)


def pdf_tables(data: bytes) -> list[list[Grid]]:
    """The tables of every page, top to bottom; no tables at all when pdfplumber cannot read the file."""
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            count = len(pdf.pages)
            processes = _processes(count)
            if processes == 1:
                pages = [_closed_page_tables(page, n) for n, page in enumerate(pdf.pages, 1)]
        if processes > 1:
            pages = _in_workers(data, count, processes)
    except Exception as err:  # noqa: BLE001 -- pypdf read the text; a table finder failure only costs the tables
        log.debug("tables not read (%s: %s); the text is read without them", type(err).__name__, err)
        return []
    return _continued(pages)


def _processes(pages: int) -> int:
    import multiprocessing
    import os

    if pages < PARALLEL_PAGES or multiprocessing.current_process().daemon:  # a pool's worker has no children
        return 1
    return min(os.cpu_count() or 1, MAX_PROCESSES)


def _in_workers(data: bytes, count: int, processes: int) -> list[list[Grid]]:
    """`_page_tables` of every page, by `processes` forked workers, each reading ranges of pages."""
    import multiprocessing

    global _data
    size = -(-count // (2 * processes))
    ranges = [(first, min(first + size, count)) for first in range(0, count, size)]
    _data = data
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            return [page for part in pool.map(_range_tables, ranges) for page in part]
    finally:
        _data = b""


def _range_tables(pages: tuple[int, int]) -> list[list[Grid]]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(_data)) as pdf:
        return [_closed_page_tables(pdf.pages[n], n + 1) for n in range(*pages)]


def _closed_page_tables(page: Any, number: int) -> list[Grid]:
    """`_page_tables`, then the page's parsed objects let go (300 pages held 2 GB)."""
    try:
        return _page_tables(page, number)
    finally:
        page.close()


def _page_tables(page: Any, number: int) -> list[Grid]:
    ruled = []
    for found in page.find_tables():
        rows = found.extract()
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            x0, top, x1, bottom = found.bbox
            ruled.append(grid(rows, page=number, top=top, bottom=bottom))
    aligned = [g for g in _aligned(page, number) if not any(_overlap(g, r) for r in ruled)]
    return sorted(ruled + aligned, key=lambda g: g.top)


def _overlap(a: Grid, b: Grid) -> bool:
    return a.top < b.bottom and b.top < a.bottom


# --- whitespace-aligned tables ----------------------------------------------------------------

Segment = tuple[float, float, str]  # x0, x1, text
Line = tuple[float, float, list[Segment]]  # top, bottom, segments


def _aligned(page: Any, number: int) -> list[Grid]:
    lines = _lines(page.extract_words(use_text_flow=False, keep_blank_chars=False))
    out: list[Grid] = []
    run: list[Line] = []
    for line in lines + [(float("inf"), float("inf"), [])]:
        height = line[1] - line[0]
        joined = run and len(line[2]) >= 2 and line[0] - run[-1][1] <= _ROW_STEP * max(height, 1.0)
        if joined or (not run and len(line[2]) >= 2):
            run.append(line)
            continue
        if table := _table(run, number):
            out.append(table)
        run = [line] if len(line[2]) >= 2 else []
    return out


def _lines(words: list[dict[str, Any]]) -> list[Line]:
    """Words on the same baseline as one line, split into segments where the gap between words is wide."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) < 1.5:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        segments: list[Segment] = []
        for word in sorted(row, key=lambda w: w["x0"]):
            if segments and word["x0"] - segments[-1][1] < _GAP:
                x0, _, text = segments[-1]
                segments[-1] = (x0, word["x1"], f"{text} {word['text']}")
            else:
                segments.append((word["x0"], word["x1"], word["text"]))
        lines.append((min(w["top"] for w in row), max(w["bottom"] for w in row), segments))
    return lines


def _table(run: list[Line], number: int) -> Grid | None:
    """The run of lines as a table, if it looks like one: enough rows, short cells, a column of figures."""
    if len(run) < _MIN_ROWS:
        return None
    width = statistics.mode(len(segments) for _, _, segments in run)
    columns = _columns([s for _, _, s in run if len(s) == width])
    rows = [_assigned(segments, columns) for _, _, segments in run]
    cells = [c for row in rows for c in row if c]
    figures = [sum(any(ch.isdigit() for ch in row[c]) for row in rows[1:]) for c in range(1, width)]
    if width < 2 or statistics.median(len(c) for c in cells) > _MAX_CELL or max(figures, default=0) * 2 < len(rows) - 1:
        return None
    return grid(rows, header_rows=1, page=number, top=run[0][0], bottom=run[-1][1])


def _columns(rows: list[list[Segment]]) -> list[tuple[float, float]]:
    """Each column's horizontal extent, over the rows that have every column."""
    return [(min(r[c][0] for r in rows), max(r[c][1] for r in rows)) for c in range(len(rows[0]))]


def _assigned(segments: list[Segment], columns: list[tuple[float, float]]) -> list[str]:
    """A line's segments in the columns they overlap most (two in one column are joined)."""
    cells = [""] * len(columns)
    for x0, x1, text in segments:
        best = max(range(len(columns)), key=lambda c: min(x1, columns[c][1]) - max(x0, columns[c][0]))
        cells[best] = f"{cells[best]} {text}".strip()
    return cells


# --- pages ------------------------------------------------------------------------------------


def _continued(pages: list[list[Grid]]) -> list[list[Grid]]:
    """The first table of a page that repeats the header of the last table on the page before is its continuation."""
    for n in range(1, len(pages)):
        if pages[n] and pages[n - 1]:
            last, first = pages[n - 1][-1], pages[n][0]
            if first.rows and last.rows and [p.text for p in first.rows[0]] == [p.text for p in last.rows[0]]:
                pages[n][0] = replace(first, continued=True)
    return pages


def without_tables(
    lines: Sequence[tuple[str, float | None]], tables: Sequence[Sequence[Grid]], n: int, page: Any
) -> list[tuple[str, float | None]]:
    """pypdf's lines of page `n` (0-based; text, baseline height) with those inside a table's region
    replaced by one marker line per table; `tables` are the tables of every page (pdf_tables)."""
    own = tables[n] if n < len(tables) else []
    first, top = sum(len(p) for p in tables[:n]), float(page.mediabox.top)
    out: list[tuple[str, float | None]] = []
    placed: set[int] = set()
    for text, y in lines:
        inside = next((i for i, t in enumerate(own) if y is not None and _within(y, t, top)), None)
        if inside is None:
            out.append((text, y))
        elif inside not in placed:
            placed.add(inside)
            out.append((marker(first + inside), y))
    return out + [(marker(first + i), None) for i in range(len(own)) if i not in placed]


def _within(y: float, table: Grid, top: float) -> bool:
    return top - table.bottom - _SLACK <= y <= top - table.top + _SLACK
