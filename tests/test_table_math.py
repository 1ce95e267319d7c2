"""Arithmetic over table cells: the difference between two rows the question names, each input a cited cell."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.answer.table_math import column_extreme, column_total, row_difference, row_share
from assistant.ingest.corpus import read_document
from assistant.records import Document

SUITE = Path(__file__).resolve().parents[1] / "evals" / "corpora" / "tables" / "docs"
PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


@pytest.fixture(scope="module")
def index() -> SimpleNamespace:
    documents: list[Document] = [read_document(p) for p in sorted(SUITE.iterdir()) if not p.name.endswith(".meta.yaml")]
    by_id = {d.doc_id: d for d in documents}
    return SimpleNamespace(data=SimpleNamespace(documents=documents), document=by_id.__getitem__)


# (question -> the headline's start, the working)
DIFFERENCES = [
    ("How much more does Coastal South get than Western Plains in 2026?",
     "Coastal South has $56M more than Western Plains", "$232M − $176M = $56M"),
    ("How much less does Eastern Valleys get than Northern Highlands in 2027?",
     "Eastern Valleys has $55M less than Northern Highlands", "$125M − $180M = −$55M"),
    ("How much more is budgeted for tree planting than cooling centres in 2027?",
     "Tree planting has $2.6M more than Cooling centres", "$6.0M − $3.4M = $2.6M"),
    ("What is the difference between the Central Library and Eastside Branch visits in 2025?",
     "Central Library has 315,500 more than Eastside Branch", "412,000 − 96,500 = 315,500"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "headline", "working"), DIFFERENCES, ids=[d[0] for d in DIFFERENCES])
def test_the_difference_between_two_named_rows_is_worked_from_their_cells(
    index: SimpleNamespace, question: str, headline: str, working: str
) -> None:
    answer = row_difference(question, index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None and answer.text.startswith(headline), answer
    assert answer.calculation is not None and answer.calculation.expression == working


def test_each_input_is_cited_to_its_cell_with_row_column_and_page(index: SimpleNamespace) -> None:
    answer = row_difference("How much more does Coastal South get than Western Plains in 2026?", index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None
    for c in answer.citations:
        assert index.document(c.doc_id).text[c.start : c.end] == c.quote
    assert [c.location for c in answer.citations] == [
        "Table 1, row “Coastal South”, column “Allocation (2026)”, p. 2",  # the table runs over a page break
        "Table 1, row “Western Plains”, column “Allocation (2026)”, p. 1",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "How much funding does the Northern Highlands region get?",  # no comparison asked
        "How much more does Coastal South get than Southern Coast in 2026?",  # one row only: no neighbour's value
        "How much more does Coastal South get than Western Plains?",  # two years each: which column is unsaid
        "How much more is the status of the bike lane network than light rail signalling?",  # words, not numbers
    ],
)
def test_a_question_that_is_not_a_difference_of_two_cells_gets_none(index: SimpleNamespace, question: str) -> None:
    assert row_difference(question, index, PROMPTS) is None  # type: ignore[arg-type]


# (question -> the answer's start, the working or None for a stated cell)
TOTALS_AND_SHARES = [
    ("What is the total transit capital budget for 2027?", "The Budget (2027) column adds up to $126M over its 4 rows",
     "$71M + $22M + $24M + $9M = $126M"),
    ("What is the total number of visits to the library branches in 2025?",
     "The Visits (2025) column adds up to 633,500", "412,000 + 96,500 + 73,800 + 51,200 = 633,500"),
    ("What is the total heat resilience budget for 2028?", "**$11.6M** — Total, 2028 [1]", None),  # stated row
    ("What share of the 2027 heat budget goes to cooling centres?", "Cooling centres is 30.6% of the stated Total",
     "$3.4M ÷ $11.1M = 30.6%"),
    ("What percentage of the 2026 transit capital budget goes to the bike lane network?",
     "Bike lane network is 5.5% of the sum of its 4 rows", "$7M ÷ ($64M + $38M + $19M + $7M) = 5.5%"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "start", "working"), TOTALS_AND_SHARES, ids=[t[0] for t in TOTALS_AND_SHARES])
def test_a_total_or_share_is_worked_from_cited_cells_and_a_stated_total_is_preferred(
    index: SimpleNamespace, question: str, start: str, working: str | None
) -> None:
    answer = row_share(question, index, PROMPTS) or column_total(question, index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None and answer.text.startswith(start), answer
    assert (answer.calculation.expression if answer.calculation else None) == working
    assert all(c.location and "row “" in c.location and "column “" in c.location for c in answer.citations)


def test_a_stated_total_that_its_rows_do_not_add_up_to_is_shown_with_their_sum(tmp_path: Path) -> None:
    text = "# Parks budget\n\n| Item | Budget (2026) |\n|---|---:|\n| Trees | $5M |\n| Paths | $3M |\n| Total | $9M |\n"
    (tmp_path / "parks.md").write_text(text, "utf-8")
    doc = read_document(tmp_path / "parks.md")
    index = SimpleNamespace(data=SimpleNamespace(documents=[doc]), document={doc.doc_id: doc}.__getitem__)
    answer = column_total("What is the total parks budget for 2026?", index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None and answer.text.startswith(
        "The stated Total for Budget (2026) is $9M [1]; its rows add up to $8M [2][3]"
    )


def test_a_total_of_a_table_the_question_does_not_name_is_left_to_the_cells(index: SimpleNamespace) -> None:
    assert column_total("What is the total budget?", index, PROMPTS) is None  # type: ignore[arg-type]


def test_amounts_written_with_a_scale_word_are_added_and_compared_in_that_unit(tmp_path: Path) -> None:
    text = (
        "# Coastal fund\n\nAllocations for the first year are shown below.\n\n| Region | Allocation |\n|---|---:|\n"
        "| South West | £42 million |\n| Wales | £15 million |\n| North East | £21.5 million |\n"
    )
    (tmp_path / "coastal.md").write_text(text, "utf-8")
    doc = read_document(tmp_path / "coastal.md")
    index = SimpleNamespace(data=SimpleNamespace(documents=[doc]), document={doc.doc_id: doc}.__getitem__)
    total = column_total("What is the total allocation for the first year?", index, PROMPTS)  # type: ignore[arg-type]
    assert total is not None and total.calculation is not None
    assert total.calculation.expression == "£42 million + £15 million + £21.5 million = £78.5 million"
    more = row_difference("How much more does the South West get than Wales?", index, PROMPTS)  # type: ignore[arg-type]
    assert more is not None and more.text.startswith("South West has £27 million more than Wales"), more.text


@pytest.mark.parametrize(
    ("question", "headline"),
    [
        ("Which branch had the most visits in 2025?", "**Central Library** has the most Visits (2025): 412,000 [1]"),
        (
            "Which branch is open the fewest hours per week?",
            "**Millbrook Branch** has the least Hours per week: 36 [1]",
        ),
        (
            "Which region gets the largest allocation in 2027?",
            "**Coastal South** has the most Allocation (2027): $215M",
        ),
        ("Which programme gets the most money in 2028?", "**Tree planting** has the most in 2028: $6.2M [1]"),
    ],
)
def test_the_row_with_the_most_or_least_is_named_with_every_value_of_its_column_cited(
    index: SimpleNamespace, question: str, headline: str
) -> None:
    answer = column_extreme(question, index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None and answer.text.startswith(headline), answer
    values = [c.quote for c in answer.citations]
    assert answer.calculation is not None and all(v in answer.calculation.expression for v in values)
    assert not any(c.location and "row “Total”" in c.location for c in answer.citations)  # a total is no row


@pytest.mark.parametrize(
    "question",
    [
        "Which branch has the most staff?",  # no such column
        "Which programme gets the most money in 2030?",  # no such year
        "Which country has the largest allocation?",  # no table of countries
        "How much did Central Library get?",  # no most or least
    ],
)
def test_no_row_is_named_when_no_column_or_table_fits(index: SimpleNamespace, question: str) -> None:
    assert column_extreme(question, index, PROMPTS) is None  # type: ignore[arg-type]


def test_a_tie_names_every_row_that_has_it(tmp_path: Path) -> None:
    text = "# Grants\n\n| Town | Grant |\n|---|---:|\n| Alton | $4M |\n| Brill | $9M |\n| Caxton | $9M |\n"
    (tmp_path / "grants.md").write_text(text, "utf-8")
    doc = read_document(tmp_path / "grants.md")
    index = SimpleNamespace(data=SimpleNamespace(documents=[doc]), document={doc.doc_id: doc}.__getitem__)
    answer = column_extreme("Which town got the biggest grant?", index, PROMPTS)  # type: ignore[arg-type]
    assert answer is not None and answer.text.startswith("**Brill** and **Caxton** have the most Grant: $9M [1][2]")
