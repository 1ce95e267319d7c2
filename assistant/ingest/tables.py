"""Tables of PDF, Word, HTML and Markdown documents: grids of cells, one text line per row, a record per cell.

A table is read as a Grid (rows of Pieces, a piece spanning columns or rows where the file merges
cells). The readers write each row into the document text as one line, its cells in column order
joined by " | " (Markdown keeps its own pipe lines); `cells_of` then finds every row in the final
text and gives each cell a TableCell with its row label, its column header and its exact offsets,
so a citation of a cell or a row slices the text like any other quote.

PDF tables come from pdfplumber (MIT): ruled tables from its table finder, whitespace-aligned ones
from its words, lined up into columns here. Their region is cut out of pypdf's text layer
(`without_tables`) and the rendered rows put in its place (`filled`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any

from assistant.records import TableCell

log = logging.getLogger(__name__)
SEPARATOR = " | "
MARKER = "\ue000"  # a table's place in a page's lines until its rows are written there (private use)
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"})
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Piece:
    """A cell as the file has it: its text, and how many columns (`span`) and rows (`down`) it covers."""

    text: str
    span: int = 1
    down: int = 1
    header: bool = False  # a row header (HTML `th` in a body row)


@dataclass(frozen=True)
class Grid:
    """A table: rows of pieces, how many leading rows are its header, and where it is in a PDF."""

    rows: tuple[tuple[Piece, ...], ...]
    header_rows: int = 1
    page: int | None = None
    continued: bool = False  # the rest of the table before it, after a page break
    caption: str = ""
    top: float = 0.0  # PDF: the region in pdfplumber's coordinates (points from the top of the page)
    bottom: float = 0.0


def grid(rows: Sequence[Sequence[str | None]], header_rows: int | None = None, **where: Any) -> Grid:
    """A Grid of plain cell texts; None (pdfplumber's mark of a merged cell) widens the cell before it."""
    out: list[tuple[Piece, ...]] = []
    for row in rows:
        pieces: list[Piece] = []
        for text in row:
            if text is None and pieces:
                pieces[-1] = replace(pieces[-1], span=pieces[-1].span + 1)
            else:
                pieces.append(Piece(_clean(text or "")))
        out.append(tuple(pieces))
    return made(out, header_rows, **where)


def made(rows: Sequence[tuple[Piece, ...]], header_rows: int | None = None, **where: Any) -> Grid:
    """A Grid without empty rows; by default its header is the first row and the rows its cells reach down into."""
    kept = tuple(row for row in rows if any(p.text for p in row))
    if header_rows is None:
        header_rows = max((p.down for p in kept[0]), default=1) if kept else 1
    return Grid(kept, min(header_rows, len(kept)), **where)


def _clean(text: str) -> str:
    return " ".join(text.translate(_LIGATURES).split())


def row_line(row: Sequence[Piece]) -> str:
    """A row as one line of document text: its non-empty cells joined by the separator."""
    return SEPARATOR.join(p.text for p in row if p.text)


def render(table: Grid) -> str:
    """A table as document text: its caption, if any, then one line per row."""
    lines = [row_line(row) for row in table.rows]
    return "\n".join(([table.caption, ""] if table.caption else []) + lines)


# --- cells -----------------------------------------------------------------------------------


def cells_of(text: str, tables: Sequence[Grid], markdown: bool = False) -> tuple[TableCell, ...]:
    """A record per non-empty body cell of every table whose rows are lines of `text`, in order.

    A table whose rows cannot all be found (the text was changed after reading) is left out.
    """
    grids = [(t, False) for t in tables] + [(t, True) for t in (markdown_tables(text) if markdown else [])]
    cells: list[TableCell] = []
    cursor, number, headers = 0, 0, [""]
    for table, piped in grids:
        placed = _placed(text, table, cursor, piped)
        if placed is None:
            log.debug("table of %d rows not found in the text", len(table.rows))
            continue
        number += 0 if table.continued and number else 1
        headers = column_headers(table) if table.header_rows or not table.continued else headers
        cells += _records(table, placed, number, headers)
        cursor = placed[-1][-1][2] if placed and placed[-1] else cursor
    return tuple(cells)


Placed = list[list[tuple[int, int, int]]]  # per row: the index of each rendered piece, its start and end


def _placed(text: str, table: Grid, cursor: int, piped: bool) -> Placed | None:
    """Where each piece of each row is in `text`, rows in order from `cursor`; None if a row is missing."""
    out: Placed = []
    for row in table.rows:
        line = row_line(row)
        at = _line_at(text, line, cursor) if not piped else _pipe_line_at(text, row, cursor)
        if at is None:
            return None
        spots, pos = [], at
        for i, piece in enumerate(row):
            if piece.text:
                start = text.index(piece.text, pos)
                spots.append((i, start, start + len(piece.text)))
                pos = start + len(piece.text)
        out.append(spots)
        cursor = pos
    return out


def _line_at(text: str, line: str, cursor: int) -> int | None:
    """The offset of `line` as a whole line of `text`, at or after `cursor`."""
    at = text.find(line, cursor)
    while at >= 0:
        end = at + len(line)
        if (at == 0 or text[at - 1] == "\n") and (end == len(text) or text[end] == "\n"):
            return at
        at = text.find(line, at + 1)
    return None


def _pipe_line_at(text: str, row: Sequence[Piece], cursor: int) -> int | None:
    """The offset of the Markdown line holding the row's cells in order, at or after `cursor`."""
    for match in re.finditer(r"^.*$", text[cursor:], re.M):
        if _pipe_cells(match.group()) == [p.text for p in row]:
            return cursor + match.start()
    return None


def column_headers(table: Grid) -> list[str]:
    """Each column's header: the header rows' texts over it, joined "Top (Lower)" where they differ."""
    matrix = layout(table)
    headers = []
    for column in range(max((len(r) for r in matrix), default=0)):
        parts: list[str] = []
        for r in range(table.header_rows):
            spot = matrix[r][column] if column < len(matrix[r]) else None
            text = table.rows[spot[0]][spot[1]].text if spot else ""
            if text and text not in parts:
                parts.append(text)
        headers.append(parts[0] + (f" ({', '.join(parts[1:])})" if parts[1:] else "") if parts else "")
    return headers


def layout(table: Grid) -> list[list[tuple[int, int] | None]]:
    """For each row and column of the table, the (row, index) of the piece covering it."""
    matrix: list[list[tuple[int, int] | None]] = [[] for _ in table.rows]
    for r, row in enumerate(table.rows):
        column = 0
        for i, piece in enumerate(row):
            while column < len(matrix[r]) and matrix[r][column] is not None:
                column += 1
            for below in range(r, min(r + piece.down, len(table.rows))):
                line = matrix[below]
                line.extend([None] * (column + piece.span - len(line)))
                for c in range(column, column + piece.span):
                    line[c] = (r, i)
            column += piece.span
    return matrix


def _records(table: Grid, placed: Placed, number: int, headers: list[str]) -> Iterator[TableCell]:
    matrix = layout(table)
    for r in range(table.header_rows, len(table.rows)):
        spots = placed[r]
        if not spots:
            continue
        label = _row_label(table, matrix, r)
        row_start, row_end = spots[0][1], spots[-1][2]
        for i, start, end in spots:
            column = next((c for c, spot in enumerate(matrix[r]) if spot == (r, i)), 0)
            heading = headers[column] if column < len(headers) else ""
            value = table.rows[r][i].text
            yield TableCell(table=number, row=label, column=heading, value=value, start=start, end=end,
                            row_start=row_start, row_end=row_end, page=table.page)  # fmt: skip


def _row_label(table: Grid, matrix: list[list[tuple[int, int] | None]], r: int) -> str:
    """The row's header cell if it has one, else the text of its first column (a cell reaching down counts)."""
    header = next((p.text for p in table.rows[r] if p.header and p.text), None)
    if header:
        return header
    first = matrix[r][0] if matrix[r] else None
    return table.rows[first[0]][first[1]].text if first else ""


# --- Markdown --------------------------------------------------------------------------------


def markdown_tables(text: str) -> list[Grid]:
    """The pipe tables of a Markdown text: a header line, a rule line (|---|:---:|), then body lines."""
    lines = text.split("\n")
    found = []
    for i in range(1, len(lines)):
        if _PIPE_RULE.match(lines[i]) and "|" in lines[i - 1] and "|" in lines[i]:
            body = []
            for line in lines[i + 1 :]:
                if "|" not in line or not line.strip():
                    break
                body.append(_pipe_cells(line))
            found.append(grid([_pipe_cells(lines[i - 1]), *body], header_rows=1))
    return found


def _pipe_cells(line: str) -> list[str]:
    """The cell texts of a pipe-table line (escaped pipes stay in their cell)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [" ".join(cell.split()) for cell in re.split(r"(?<!\\)\|", inner)] if "|" in line else []


# --- Word ------------------------------------------------------------------------------------


def docx_table(table: Any) -> Grid:
    """A python-docx table as a Grid: a cell merged across columns is one piece, one merged down
    (vMerge) is one piece reaching down, written in its first row only."""
    from docx.table import _Cell

    rows = [[(tc.grid_span, tc) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    starts = [[sum(span for span, _ in row[:i]) for i in range(len(row))] for row in rows]
    out = []
    for r, row in enumerate(rows):
        pieces = []
        for (span, tc), column in zip(row, starts[r], strict=True):
            if tc.vMerge == "continue":
                continue  # covered by the cell above, which reaches down
            down = 1
            while r + down < len(rows) and _continues(rows[r + down], starts[r + down], column):
                down += 1
            pieces.append(Piece(_clean(_Cell(tc, table).text), span, down))
        out.append(tuple(pieces))
    return made(out)


def _continues(row: list[tuple[int, Any]], starts: list[int], column: int) -> bool:
    return any(at == column and tc.vMerge == "continue" for (_, tc), at in zip(row, starts, strict=True))


# --- HTML ------------------------------------------------------------------------------------


class _TableParser(HTMLParser):
    """The top-level <table>s of a page: header rows (<thead>, or leading rows of <th> only), spans, row headers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.grids: list[Grid] = []
        self._depth = 0
        self._rows: list[list[Piece]] = []
        self._head: list[bool] = []  # per row: in <thead>
        self._th: list[list[bool]] = []  # per row: which of its cells are <th>
        self._cell: list[str] | None = None
        self._attrs: dict[str, str | None] = {}
        self._caption: list[str] | None = None
        self._in_head = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._rows, self._head, self._th, self._caption = [], [], [], None
        elif self._depth == 1:
            self._start(tag, dict(attrs))

    def _start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._close_cell()
            self._new_row()
        elif tag in ("td", "th"):
            self._close_cell()
            self._cell, self._attrs = [], {"tag": tag, **attrs}
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "table":
            if self._depth == 1:
                self._close_cell()
                self.grids.append(self._grid())
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell()
        elif self._depth == 1 and tag == "thead":
            self._in_head = False
        elif self._depth == 1 and tag == "caption" and self._caption is not None:
            self._caption = [" ".join("".join(self._caption).split())]

    def handle_data(self, data: str) -> None:
        if self._skip or not self._depth:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None and self._depth == 1 and len(self._caption) != 1:
            self._caption.append(data)

    def _close_cell(self) -> None:
        if self._cell is None:
            return
        if not self._rows:
            self._new_row()
        attrs = self._attrs
        header = attrs.get("tag") == "th" and attrs.get("scope") in (None, "row", "rowgroup")
        piece = Piece(_clean("".join(self._cell)), _number(attrs.get("colspan")), _number(attrs.get("rowspan")), header)
        self._rows[-1].append(piece)
        self._th[-1].append(attrs.get("tag") == "th")
        self._cell = None

    def _new_row(self) -> None:
        self._rows.append([])
        self._head.append(self._in_head)
        self._th.append([])

    def _grid(self) -> Grid:
        rows = [tuple(r) for r in self._rows]
        heads = [head or (bool(th) and all(th)) for head, th in zip(self._head, self._th, strict=True)]
        header_rows = next((i for i, head in enumerate(heads) if not head), len(heads))
        rows = [tuple(replace(p, header=False) for p in row) if i < header_rows else row for i, row in enumerate(rows)]
        caption = self._caption[0] if self._caption and len(self._caption) == 1 else ""
        return made(rows, header_rows or 1, caption=caption)


def _number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def html_tables(source: str) -> list[Grid]:
    """The top-level tables of an HTML page, in order."""
    parser = _TableParser()
    parser.feed(source)
    parser.close()
    return parser.grids


def marker(number: int) -> str:
    """The line that stands for a file's table `number` until its rows are written there (no digits:
    the running-header detection of PDF pages must not take two of them for the same line)."""
    return MARKER + chr(0xE100 + number)


def filled(text: str, tables: Sequence[Grid]) -> str:
    """`text` with each table marker replaced by its table's rows, a paragraph of their own (a marker of
    no table: nothing). A marker joined to the lines around it (a PDF page's paragraphs) is set apart."""

    def rows(found: re.Match[str]) -> str:
        number = ord(found.group(1)) - 0xE100
        table = render(tables[number]) if 0 <= number < len(tables) else ""
        before = "" if found.start() == 0 else "\n\n"
        return before + table + ("" if found.end() == len(text) else "\n\n")

    return re.sub(rf"\s*{MARKER}(.)\s*", rows, text)
