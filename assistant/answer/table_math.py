"""Arithmetic over table cells: how much more one row has than another, each input a cited cell.

The cells are the ones `cells.match_cells` finds for the question: exactly two, in two rows of one
table and one column ("How much more does Coastal South get than Western Plains in 2026?"). Their
values must be numbers of one kind ("$232M", "$176M"); anything else is left to the cell answer.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from assistant.answer.cells import CellMatch, cell_location, match_cells
from assistant.answer.prompts import render
from assistant.calculate.arithmetic import plain
from assistant.ingest.index import Index
from assistant.records import Answer, CalcInput, Calculation, Citation

_DIFFERENCE = re.compile(r"\bhow much (?:more|less)\b|\bdifference\b|\b(?:more|less|fewer) than\b", re.I)
_NUMBER = re.compile(r"(?P<pre>[$€£]?)(?P<num>\d[\d,]*(?:\.\d+)?)(?P<post>[MBK%]?)", re.I)


def row_difference(question: str, index: Index, prompts: Path) -> Answer | None:
    """The difference between the two rows the question names, in the column it asks for; None when it is not that."""
    if not _DIFFERENCE.search(question):
        return None
    found = match_cells(question, index.data.documents)
    if len(found) != 2 or not _comparable(*found):
        return None
    first, second = sorted(found, key=lambda m: _named_at(question, m.cell.row))
    (a, unit), (b, _) = _number(first.cell.value), _number(second.cell.value)
    diff = a - b
    shown = _write(abs(diff), unit, "," in first.cell.value + second.cell.value)
    more = "more" if diff >= 0 else "less"
    column = first.cell.column
    headline = f"{first.cell.row} has {shown} {more} than {second.cell.row} ({column}) [1][2]."
    expression = f"{first.cell.value} − {second.cell.value} = {'−' if diff < 0 else ''}{shown}"
    citations = [_cite(n, m, index) for n, m in enumerate((first, second), 1)]
    inputs = [CalcInput(fact_id=f"{m.doc_id}:cell:{m.cell.start}", label=f"{m.cell.row}, {column}", value=m.cell.value,
                        citation=n) for n, m in enumerate((first, second), 1)]  # fmt: skip
    listed = "\n".join(f"- {i.label}: {i.value} [{i.citation}]" for i in inputs)
    text = render(prompts, "calculation", headline=headline, expression=expression, inputs=listed)
    calculation = Calculation(expression=expression, result=shown, inputs=inputs)
    return Answer(question=question, text=text, citations=citations, calculation=calculation)


def _comparable(a: CellMatch, b: CellMatch) -> bool:
    """Two rows of one table, one column, and values that are numbers of one unit."""
    same_place = (a.doc_id, a.cell.table, a.cell.column) == (b.doc_id, b.cell.table, b.cell.column)
    if not same_place or a.cell.row == b.cell.row:
        return False
    units = {_number(m.cell.value)[1] for m in (a, b) if _NUMBER.fullmatch(m.cell.value.strip())}
    return len(units) == 1 and all(_NUMBER.fullmatch(m.cell.value.strip()) for m in (a, b))


def _number(value: str) -> tuple[Decimal, str]:
    """'$5.5M' -> (5.5, '${}M'): the number and how to write another of its unit."""
    match = _NUMBER.fullmatch(value.strip())
    assert match is not None  # _comparable checked it
    return Decimal(match["num"].replace(",", "")), f"{match['pre']}{{}}{match['post']}"


def _write(number: Decimal, unit: str, grouped: bool) -> str:
    """A number in its cells' unit, with thousands separators where they had them ('315,500')."""
    return unit.format(f"{number.normalize():,f}" if grouped else plain(number))


def _named_at(question: str, row: str) -> int:
    """Where the question names a row (its first word), so the first named is the one compared."""
    at = question.lower().find(row.split()[0].lower())
    return at if at >= 0 else len(question)


def _cite(n: int, match: CellMatch, index: Index) -> Citation:
    cell, doc = match.cell, index.document(match.doc_id)
    return Citation(n=n, doc_id=doc.doc_id, title=doc.title, quote=cell.value, start=cell.start, end=cell.end,
                    location=cell_location(cell, doc))  # fmt: skip
