"""Arithmetic over table cells: differences, totals and shares, each input a cited cell.

A difference takes the two cells `cells.match_cells` finds for the question, in two rows of one
table and one column ("How much more does Coastal South get than Western Plains in 2026?"). A
total adds up the column the question asks for in the table it names, unless a row states the
total: a stated total row is a cell like any other, and `match_cells` answers with it. A share is
a named row's cell over the stated total row, else over the column's sum. Values must be numbers
of one unit ("$232M", "$176M"); anything else is left to the cell answer.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from assistant.answer.cells import CellMatch, asked_columns, cell_location, match_cells, table_named
from assistant.answer.prompts import render
from assistant.calculate.arithmetic import plain
from assistant.ingest.index import Index
from assistant.ingest.lexicon import stems
from assistant.records import Answer, CalcInput, Calculation, Citation, TableCell

_DIFFERENCE = re.compile(r"\bhow much (?:more|less)\b|\bdifference\b|\b(?:more|less|fewer) than\b", re.I)
_TOTAL = re.compile(r"\btotal\b|\baltogether\b|\bcombined\b|\bin all\b", re.I)
_SHARE = re.compile(r"\bshare\b|\bwhat percent(?:age)?\b|\bproportion\b|\bwhat fraction\b", re.I)
_MOST = re.compile(r"\b(?:most|largest|biggest|highest|greatest|longest|maximum)\b", re.I)
_LEAST = re.compile(r"\b(?:least|fewest|smallest|lowest|shortest|minimum)\b", re.I)
_WHICH = re.compile(r"\b(?:which|what|who)\b", re.I)
_WHICH_NOUN = re.compile(r"\b(?:which|what|who)(?:\s+[\w-]+)?\s+", re.I)  # "Which region ": the rows, not the value
_TOTAL_ROW = re.compile(r"^\s*(?:grand\s+)?total\b", re.I)
TABLE_NAMED = 0.5  # of the question's words the table's title and caption must contain for a computed total
# "$5.5M", "315,500", "£42 million", "12%": the sign, the number, and its scale written after it
_NUMBER = re.compile(
    r"(?P<pre>[$€£]?)(?P<num>\d[\d,]*(?:\.\d+)?)(?P<post>\s?(?:million|billion|trillion|thousand|bn|mn)|[MBK%]?)", re.I
)


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


def column_total(question: str, index: Index, prompts: Path) -> Answer | None:
    """The total of the column the question asks for, in the one table it names: its stated total row, else the sum."""
    if not _TOTAL.search(question) or _SHARE.search(question):
        return None
    column = _asked_column(question, index)
    if column is None:
        return None  # no table named clearly enough: the cell answer decides
    doc_id, name, cells = column
    stated = [c for c in cells if _TOTAL_ROW.match(c.row)]
    rows = [c for c in cells if not _TOTAL_ROW.match(c.row)]
    unit, grouped = _number(cells[0].value)[1], any("," in c.value for c in cells)
    total = sum((_number(c.value)[0] for c in rows), Decimal(0))
    shown = _write(total, unit, grouped)
    expression = " + ".join(c.value for c in rows) + f" = {shown}"
    if stated and _number(stated[0].value)[0] == total:  # a stated total is preferred to a computed one
        cell = stated[0]
        citation = _cite(1, CellMatch(doc_id, cell, 0.0), index)
        return Answer(question=question, text=f"**{cell.value}** — {cell.row}, {cell.column} [1]", citations=[citation])
    matches = [CellMatch(doc_id, c, 0.0) for c in stated[:1] + rows]
    markers = "".join(f"[{n}]" for n in range(len(stated[:1]) + 1, len(matches) + 1))
    headline = f"The {name} column adds up to {shown} over its {len(rows)} rows {markers}."
    if stated:  # they differ: both are shown
        headline = (
            f"The stated {stated[0].row} for {name} is {stated[0].value} [1]; its rows add up to {shown} {markers}."
        )
    return _calculated(question, index, prompts, matches, headline, expression, stated[0].value if stated else shown)


def column_extreme(question: str, index: Index, prompts: Path) -> Answer | None:
    """The row with the largest (or smallest) value of the column the question asks for, in the table
    whose rows it asks about ("Which branch had the most visits?": the table of branches). Every value
    of the column is cited, so the comparison can be checked; a tie names every row that has it."""
    most, least = _MOST.search(question), _LEAST.search(question)
    if bool(most) == bool(least) or not _WHICH.search(question):
        return None
    column = _rows_column(question, index)
    if column is None:
        return None
    doc_id, name, cells = column
    numbers = [_number(c.value)[0] for c in cells]
    best = max(numbers) if most else min(numbers)
    top = [c for c, n in zip(cells, numbers, strict=True) if n == best]
    if len(top) == len(cells):
        return None  # all the same: no row stands out
    ordered = top + [c for c in cells if c not in top]
    matches = [CellMatch(doc_id, c, 0.0) for c in ordered]
    rows = " and ".join(f"**{c.row}**" for c in top)
    markers = "".join(f"[{n}]" for n in range(1, len(top) + 1))
    others = ", ".join(f"{c.value} [{n}]" for n, c in enumerate(ordered[len(top) :], len(top) + 1))
    what = f"{'most' if most else 'least'} " + (
        f"in {name}" if name.isdigit() else name
    )  # a "2028" column: that year's
    headline = f"{rows} {'has' if len(top) == 1 else 'have'} the {what}: {top[0].value} {markers}, against {others}."
    listed = ", ".join(c.value for c in ordered)
    expression = f"{'largest' if most else 'smallest'} of {listed} = {top[0].value} ({', '.join(c.row for c in top)})"
    return _calculated(question, index, prompts, matches, headline, expression, top[0].value)


def row_share(question: str, index: Index, prompts: Path) -> Answer | None:
    """A named row's share of its column: over the stated total row, else over the column's sum."""
    if not _SHARE.search(question):
        return None
    # "what share" asks for a percent; the cells it divides are amounts
    found = [m for m in match_cells(_SHARE.sub("how much", question), index.data.documents)
             if not _TOTAL_ROW.match(m.cell.row)]  # fmt: skip
    if len(found) != 1 or not _NUMBER.fullmatch(found[0].cell.value.strip()):
        return None
    part = found[0]
    rows = [c for c in _table(index, part) if c.column == part.cell.column and c.value != c.row]
    stated = [c for c in rows if _TOTAL_ROW.match(c.row)]
    whole = stated[:1] or rows
    if (
        not all(_NUMBER.fullmatch(c.value.strip()) for c in whole)
        or len({_number(c.value)[1] for c in [part.cell, *whole]}) != 1
    ):
        return None
    amount = sum((_number(c.value)[0] for c in whole), Decimal(0))
    if amount == 0:
        return None
    share = f"{plain(round(_number(part.cell.value)[0] * 100 / amount, 1))}%"
    of = f"the stated {whole[0].row} ({whole[0].value})" if stated else f"the sum of its {len(whole)} rows"
    matches = [part] + [CellMatch(part.doc_id, c, 0.0) for c in whole if c != part.cell]
    markers = "".join(f"[{n}]" for n in range(1, len(matches) + 1))
    headline = f"{part.cell.row} is {share} of {of}, {part.cell.column} {markers}."
    denominator = whole[0].value if stated else "(" + " + ".join(c.value for c in whole) + ")"
    expression = f"{part.cell.value} ÷ {denominator} = {share}"
    return _calculated(question, index, prompts, matches, headline, expression, share)


def _asked_column(question: str, index: Index) -> tuple[str, str, list[TableCell]] | None:
    """The one table the question names best and the one numeric column of it that it asks for, with its cells."""
    found = []
    for doc in index.data.documents:
        for _, group in groupby(doc.cells, key=lambda c: c.table):
            cells = list(group)
            named = table_named(question, doc, cells)
            columns = asked_columns(question, cells)
            if named >= TABLE_NAMED and len(columns) == 1:
                (column,) = columns
                values = [c for c in cells if c.column == column and c.value != c.row]
                if values and all(_NUMBER.fullmatch(c.value.strip()) for c in values):
                    found.append((named, doc.doc_id, column, values))
    found.sort(key=lambda f: f[0], reverse=True)
    if not found or (len(found) > 1 and found[1][0] == found[0][0]):
        return None
    if len({_number(c.value)[1] for c in found[0][3]}) != 1:
        return None
    return found[0][1], found[0][2], found[0][3]


def _rows_column(question: str, index: Index) -> tuple[str, str, list[TableCell]] | None:
    """The one table whose rows the question asks about (its row header is the question's "which X", or the
    question names the table) and the one numeric column of it that it asks for, without a total row."""
    asked = set(stems(question))
    found = []
    for doc in index.data.documents:
        for _, group in groupby(doc.cells, key=lambda c: c.table):
            cells = list(group)
            header = next((c.column for c in cells if c.value == c.row and c.column), "")
            heads = stems(header)
            named = 1.0 if heads and heads[-1] in asked else table_named(question, doc, cells)
            # by the header's words or year; else by the kind the value noun asks for ("the most money")
            columns = asked_columns(question, cells, by_kind=False) or asked_columns(
                _WHICH_NOUN.sub("", question), cells
            )
            if named >= TABLE_NAMED and len(columns) == 1:
                (column,) = columns
                values = [c for c in cells if c.column == column and c.value != c.row and not _TOTAL_ROW.match(c.row)]
                if len(values) > 1 and all(_NUMBER.fullmatch(c.value.strip()) for c in values):
                    found.append((named, doc.doc_id, column, values))
    found.sort(key=lambda f: f[0], reverse=True)
    if not found or (len(found) > 1 and found[1][0] == found[0][0]):
        return None
    if len({_number(c.value)[1] for c in found[0][3]}) != 1:
        return None
    return found[0][1], found[0][2], found[0][3]


def _table(index: Index, match: CellMatch) -> list[TableCell]:
    return [c for c in index.document(match.doc_id).cells if c.table == match.cell.table]


def _calculated(
    question: str, index: Index, prompts: Path, matches: list[CellMatch], headline: str, expression: str, result: str
) -> Answer:
    """The answer for a calculation over cells: headline, working, and each cell cited with its row and column."""
    citations = [_cite(n, m, index) for n, m in enumerate(matches, 1)]
    inputs = [CalcInput(fact_id=f"{m.doc_id}:cell:{m.cell.start}", label=f"{m.cell.row}, {m.cell.column}",
                        value=m.cell.value, citation=n) for n, m in enumerate(matches, 1)]  # fmt: skip
    listed = "\n".join(f"- {i.label}: {i.value} [{i.citation}]" for i in inputs)
    text = render(prompts, "calculation", headline=headline, expression=expression, inputs=listed)
    calculation = Calculation(expression=expression, result=result, inputs=inputs)
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
