"""Tables: read from every format as one line per row, a record per cell, and questions answered from a cell."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.answer.cells import answer_from_cells, cell_location, kind, match_cells
from assistant.ingest.corpus import read_document
from assistant.ingest.tables import Piece, cells_of, column_headers, grid, made
from assistant.records import Document
from tests.documents import pdf

SUITE = Path(__file__).resolve().parents[1] / "evals" / "corpora" / "tables" / "docs"

MARKDOWN = """# Library report

Visits rose in 2025.

| Branch | Visits (2025) | Hours per week |
|---|---:|---:|
| Central Library | 412,000 | 68 |
| Harbour Branch | 73,800 | 42 |

After the table.
"""

HTML = """<html><head><title>Transit</title></head><body><p>Intro.</p>
<table><caption>Capital budget</caption>
<thead><tr><th rowspan="2">Line item</th><th colspan="2">Budget</th></tr><tr><th>2026</th><th>2027</th></tr></thead>
<tbody><tr><th scope="row">Bus fleet</th><td>$64M</td><td>$71M</td></tr>
<tr><th scope="row">Bike lanes</th><td>$7M</td><td>$7M</td></tr></tbody></table>
<p>After.</p></body></html>"""


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Projects and their funding.")
    table = document.add_table(rows=3, cols=3)
    top, second = table.rows[0].cells, table.rows[1].cells
    top[0].merge(second[0]).text = "Project"
    top[1].merge(top[2]).text = "Funding"
    second[1].text, second[2].text = "Federal", "State"
    for cell, value in zip(table.rows[2].cells, ("Treatment Plant", "$42.0M", "$42.0M"), strict=True):
        cell.text = value
    document.save(str(path))
    return path


def _written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _cells(document: Document) -> set[tuple[int, str, str, str, int | None]]:
    return {(c.table, c.row, c.column, c.value, c.page) for c in document.cells}


# (file maker, cells that must be among the document's, the text of a row line)
FORMATS = [
    pytest.param(
        lambda tmp: _written(tmp, "report.md", MARKDOWN),
        {(1, "Central Library", "Visits (2025)", "412,000", None), (1, "Harbour Branch", "Hours per week", "42", None)},
        "| Central Library | 412,000 | 68 |",
        id="markdown",
    ),
    pytest.param(
        lambda tmp: _written(tmp, "transit.html", HTML),
        {(1, "Bus fleet", "Budget (2026)", "$64M", None), (1, "Bike lanes", "Budget (2027)", "$7M", None)},
        "Bike lanes | $7M | $7M",
        id="html-two-header-rows-and-row-headers",
    ),
    pytest.param(
        lambda tmp: _docx(tmp / "water.docx"),
        {
            (1, "Treatment Plant", "Funding (Federal)", "$42.0M", None),
            (1, "Treatment Plant", "Funding (State)", "$42.0M", None),
        },
        "Treatment Plant | $42.0M | $42.0M",
        id="word-merged-header",
    ),
    pytest.param(
        lambda tmp: SUITE / "riverton-heat-resilience-plan.pdf",
        {(1, "Shade structures", "2027", "$0.6M", 1), (2, "Harbour Sports Centre", "Capacity (people)", "200", 2)},
        "Shade structures | $1.1M | $0.6M | $0.8M",
        id="pdf-ruled",
    ),
    pytest.param(
        lambda tmp: SUITE / "rural-broadband-allocations.pdf",
        {
            (1, "Northern Highlands", "Allocation (2026)", "$205M", 1),
            (1, "Northern Coast", "Underserved households", "41,000", 2),
        },
        "Western Plains | $176M | $190M | 210,000",
        id="pdf-whitespace-over-a-page-break",
    ),
]


@pytest.mark.parametrize(("make", "expected", "row"), FORMATS)
def test_a_table_is_read_as_rows_and_cells_with_their_headers(tmp_path: Path, make, expected, row) -> None:  # type: ignore[no-untyped-def]
    document = read_document(make(tmp_path))
    assert expected <= _cells(document)
    assert f"\n{row}\n" in document.text


@pytest.mark.parametrize(("make", "expected", "row"), FORMATS)
def test_every_cell_and_its_row_slice_the_document_text_exactly(tmp_path: Path, make, expected, row) -> None:  # type: ignore[no-untyped-def]
    document = read_document(make(tmp_path))
    assert document.cells
    for cell in document.cells:
        assert document.text[cell.start : cell.end] == cell.value
        assert cell.value in document.text[cell.row_start : cell.row_end].split(" | ") or document.format == "md"


def test_a_pdf_table_region_is_not_also_in_the_text_as_fragments() -> None:
    document = read_document(SUITE / "rural-broadband-allocations.pdf")
    assert document.text.count("Northern Highlands") == 1
    assert document.text.count("Region | Allocation (2026) | Allocation (2027) | Underserved households") == 2


def test_a_table_continued_after_a_page_break_keeps_its_number() -> None:
    document = read_document(SUITE / "rural-broadband-allocations.pdf")
    assert {c.table for c in document.cells} == {1} and {c.page for c in document.cells} == {1, 2}


def test_two_columns_of_prose_are_no_table(tmp_path: Path) -> None:
    columns = (["The left column opens the page", "and goes on for a while here.", "A third line of it."],
               ["The right column begins after", "the left column is done now.", "And ends on this line."])  # fmt: skip
    assert read_document(pdf(tmp_path / "two.pdf", [columns])).cells == ()


def test_a_cell_merged_down_counts_for_every_row_it_covers() -> None:
    table = made([(Piece("Region", down=2), Piece("Allocation", span=2)), (Piece("2026"), Piece("2027"))])
    assert table.header_rows == 2 and column_headers(table) == ["Region", "Allocation (2026)", "Allocation (2027)"]


def test_cells_of_a_table_missing_from_the_text_are_left_out() -> None:
    assert cells_of("no table here\n", [grid([["A", "B"], ["x", "1"]])]) == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("$205M", "money"), ("12%", "percent"), ("June 15, 2026", "date"), ("2029", "date"), ("41,000", "number"),
     ("Planned", "text")],
)  # fmt: skip
def test_a_cell_value_has_a_kind(value: str, expected: str) -> None:
    assert kind(value) == expected


# --- questions answered from cells --------------------------------------------------------------


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [read_document(p) for p in sorted(SUITE.iterdir()) if not p.name.endswith(".meta.yaml")]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How much funding does the Northern Highlands region get in 2026?", {("Northern Highlands", "$205M")}),
        ("What was the 2027 budget for shade structures?", {("Shade structures", "$0.6M")}),
        ("How many underserved households are in Western Plains?", {("Western Plains", "210,000")}),
        ("What is the 2027 budget for cooling centers?", {("Cooling centres", "$3.4M")}),
        ("How much federal funding does the Riverton Treatment Plant get?", {("Riverton Treatment Plant", "$42.0M")}),
        ("When does the Eastside Community Hall cooling centre open?", {("Eastside Community Hall", "June 15, 2026")}),
        ("What is the status of the bike lane network?", {("Bike lane network", "Planned")}),
        ("How many hours per week is the Harbour Branch open?", {("Harbour Branch", "42")}),
        ("How much funding does the Northern Highlands region get?",
         {("Northern Highlands", "$205M"), ("Northern Highlands", "$180M")}),
    ],
)  # fmt: skip
def test_a_question_naming_a_row_and_a_column_is_answered_by_that_cell(documents, question: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert {(m.cell.row, m.cell.value) for m in match_cells(question, documents)} == expected


@pytest.mark.parametrize(
    "question",
    [
        "How much funding does the Southern Coast region get in 2026?",  # no such row: no neighbour's value
        "How many underserved households are in the Central Highlands?",  # half of two rows is neither
        "What is the 2029 budget for tree planting?",  # no such year
        "How many street trees will the heat plan add by 2028?",  # "plan" is not "planting", trees are no money
        "Why does tree planting get more in 2027?",  # an explanation, not a figure
        "When do applications open for the broadband fund?",  # prose
    ],
)
def test_a_question_no_row_fits_gets_no_cell(documents, question: str) -> None:  # type: ignore[no-untyped-def]
    assert match_cells(question, documents) == []


def test_the_answer_cites_the_cell_itself_with_its_row_column_and_page(documents) -> None:  # type: ignore[no-untyped-def]
    by_id = {d.doc_id: d for d in documents}
    index = SimpleNamespace(data=SimpleNamespace(documents=documents), document=by_id.__getitem__)
    answer = answer_from_cells("What is the 2026 allocation for Northern Highlands?", index)  # type: ignore[arg-type]
    assert answer is not None and answer.text == "**$205M** — Northern Highlands, Allocation (2026) [1]"
    (citation,) = answer.citations
    assert by_id[citation.doc_id].text[citation.start : citation.end] == citation.quote == "$205M"
    assert citation.location == "Table 1, row “Northern Highlands”, column “Allocation (2026)”, p. 1"


def test_a_word_cell_is_located_by_its_paragraph(documents) -> None:  # type: ignore[no-untyped-def]
    doc = next(d for d in documents if d.format == "docx")
    cell = next(c for c in doc.cells if c.value == "$12.0M")
    assert cell_location(cell, doc).startswith(
        "Table 1, row “Millbrook Reservoir Upgrade”, column “Funding (State)”, ¶ "
    )
