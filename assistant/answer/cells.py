"""Questions about a table cell, answered from the cell: the row the question names, the column it asks for.

A row is named when at least two thirds of its label's words are in the question (stems, or
close spellings: "centers" for "centres"); a column when a year of the question is in its header,
or its header's words are, or, failing both, when its values are of the kind the question asks
for ("how much" -> amounts, "when" -> dates). A question that names no row gets no cell, and
neither does one whose year no column has: a value is never borrowed from another row or year.
Pure: documents in, cells out; `answer_from_cells` cites them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from rapidfuzz import fuzz

from assistant.ingest.index import Index
from assistant.ingest.lexicon import stems
from assistant.records import Answer, Citation, Document, TableCell
from assistant.retrieve.question import PEOPLE, PLACES, TIMES, answer_type

ROW_SHARE = 2 / 3  # of a row label's words the question must contain
SPELLING = 85.0  # rapidfuzz ratio at which two words of five or more letters are the same word
MAX_CELLS = 6  # a question fitting more cells than this is too vague to answer from tables
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_EXPLAINS = re.compile(r"\bwhy\b|\bhow (?:do|does|did|can|could|will|would|should)\b", re.I)
_MONEY = re.compile(r"[$€£]\s?\d|\d\s?(?:million|billion|bn|m)\b", re.I)
_DATE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|^(?:19|20)\d\d$", re.I)


@dataclass(frozen=True)
class CellMatch:
    """A cell that answers the question, its document, and how well the question fits it (higher is better)."""

    doc_id: str
    cell: TableCell
    score: float


def kind(value: str) -> str:
    """What a cell holds: money, percent, date, number or text."""
    if _MONEY.search(value):
        return "money"
    if "%" in value:
        return "percent"
    if _DATE.search(value):
        return "date"
    return "number" if any(ch.isdigit() for ch in value) else "text"


def _asked_kinds(question: str) -> frozenset[str]:
    """The kinds of value the question's wording asks for; empty when it asks for none in particular."""
    labels = answer_type(question).labels
    kinds = set()
    if "MONEY" in labels:
        kinds |= {"money"}
    if "PERCENT" in labels:
        kinds |= {"percent"}
    if "CARDINAL" in labels:  # "how many"; "how much" asks for an amount, not a bare number
        kinds |= {"number"}
    if labels & TIMES:
        kinds |= {"date"}
    if labels & (PEOPLE | PLACES):
        kinds |= {"text"}
    return frozenset(kinds)


def _same(a: str, b: str) -> bool:
    """The same stem, or close spellings of words of five letters or more ("centr", "center"; not "plan", "plant")."""
    return a == b or (min(len(a), len(b)) >= 5 and a.isalpha() and b.isalpha() and fuzz.ratio(a, b) >= SPELLING)


def _share(words: Sequence[str], asked: Sequence[str]) -> float:
    """The share of `words` that the question's words contain."""
    return sum(any(_same(w, q) for q in asked) for w in words) / len(words) if words else 0.0


@dataclass(frozen=True)
class _Asked:
    """What matching needs of the question: its stems, its years and the kinds of value it asks for."""

    stems: list[str]
    years: set[str]
    kinds: frozenset[str]


def match_cells(question: str, documents: Sequence[Document]) -> list[CellMatch]:
    """The cells the question asks for, best first; several when it fits several equally, none when no row fits."""
    if _EXPLAINS.search(question):
        return []
    asked = _Asked(stems(question), set(_YEAR.findall(question)), _asked_kinds(question))
    found: list[CellMatch] = []
    for doc in documents:
        for _, cells in groupby(doc.cells, key=lambda c: c.table):
            found += _in_table(doc, list(cells), asked)
    if not found:
        return []
    best = max(m.score for m in found)
    chosen = [m for m in found if m.score >= best - 1e-9]
    return chosen if len(chosen) <= MAX_CELLS else []


def _in_table(doc: Document, cells: list[TableCell], asked: _Asked) -> list[CellMatch]:
    """The cells of one table that the question fits, each scored by its row, its column and the table's context."""
    rows = {c.row: _share(stems(c.row), asked.stems) for c in cells}
    named = max(rows.values(), default=0.0)
    if named < ROW_SHARE:
        return []
    values = [c for c in cells if rows[c.row] == named and c.value != c.row]
    columns = _columns(values, asked)
    context = _share(stems(f"{doc.title} {_caption(doc, cells[0])}"), asked.stems) * 0.1
    return [CellMatch(doc.doc_id, c, named + columns[c.column] + context) for c in values if c.column in columns]


def _columns(values: list[TableCell], asked: _Asked) -> dict[str, float]:
    """The columns the question asks for, with how well it names each: by year, by header words, else by the
    kind of value asked for; a column of another kind than the question asks for never answers it."""
    held = {h: Counter(kind(c.value) for c in values if c.column == h) for h in dict.fromkeys(c.column for c in values)}
    headers = [h for h, kinds in held.items() if not asked.kinds or kinds.most_common(1)[0][0] in asked.kinds]
    dated = {h: set(_YEAR.findall(h)) for h in held}
    if asked.years and any(dated.values()):
        headers = [h for h in headers if dated[h] & asked.years]  # a year no column has: no answer from this table
        if not headers:
            return {}
    worded = {h: _share(stems(_YEAR.sub("", h)), asked.stems) for h in headers}
    best = max(worded.values(), default=0.0)
    if best > 0 or (asked.years and headers):
        return {h: 1.0 + worded[h] for h in headers if worded[h] == best}
    return {h: 0.5 for h in headers if asked.kinds}


def asked_columns(question: str, cells: list[TableCell], by_kind: bool = True) -> dict[str, float]:
    """The columns of one table that the question asks for, scored as `match_cells` scores them; without
    `by_kind`, by header words and years alone ("Which region has the most ...?" asks for a row, not a place)."""
    asked = _Asked(stems(question), set(_YEAR.findall(question)), _asked_kinds(question) if by_kind else frozenset())
    return _columns([c for c in cells if c.value != c.row], asked)


def table_named(question: str, doc: Document, cells: list[TableCell]) -> float:
    """The share of the question's words that the document's title and the table's caption contain."""
    return _share(stems(question), stems(f"{doc.title} {_caption(doc, cells[0])}"))


def _caption(doc: Document, first: TableCell) -> str:
    """The text just before a table's first body row: its header and, usually, its caption."""
    return doc.text[max(0, first.row_start - 300) : first.row_start]


# --- the answer -----------------------------------------------------------------------------


def cell_location(cell: TableCell, doc: Document) -> str:
    """'Table 2, row “Northern Highlands”, column “Allocation (2026)”, p. 3' (the page or paragraph when known)."""
    where = doc.location_of(cell.start)
    column = f", column “{cell.column}”" if cell.column else ""
    return f"Table {cell.table}, row “{cell.row}”{column}" + (f", {where}" if where else "")


def answer_from_cells(question: str, index: Index) -> Answer | None:
    """The answer from the table cells the question names, each cited to the cell itself; None when no cell fits.

    One cell: "**$205M** — Northern Highlands, Allocation (2026) [1]"; several: one line each.
    """
    found = match_cells(question, index.data.documents)
    if not found:
        return None
    citations, lines = [], []
    for n, match in enumerate(found, 1):
        cell, doc = match.cell, index.document(match.doc_id)
        citations.append(
            Citation(n=n, doc_id=doc.doc_id, title=doc.title, quote=cell.value, start=cell.start, end=cell.end,
                     location=cell_location(cell, doc))
        )  # fmt: skip
        lines.append(f"**{cell.value}** — {cell.row}{f', {cell.column}' if cell.column else ''} [{n}]")
    text = lines[0] if len(lines) == 1 else "The tables give:\n" + "\n".join(f"- {line}" for line in lines)
    return Answer(question=question, text=text, citations=citations)
