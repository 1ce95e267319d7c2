"""The cited page of a PDF as a figure in the sources panel: drawn from the indexed file only."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.corpus import read_document
from assistant.records import Citation, Document
from assistant.web import cited_page as cp
from tests.documents import pdf

QUOTE = "The estimate will be reviewed in 2028."


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    pdf(folder / "survey.pdf", [["Lithium <Survey> notes", "", "Sites were counted."], ["Tonnes were counted.", QUOTE]])
    (folder / "note.txt").write_text(f"A note.\n\n{QUOTE}\n", encoding="utf-8")
    return folder


def citation(doc: Document, quote: str = QUOTE) -> Citation:
    start = doc.text.index(quote)
    return Citation(n=1, doc_id=doc.doc_id, title=doc.title, quote=quote, start=start, end=start + len(quote))


def test_a_pdf_citation_shows_its_page_highlighted(docs: Path) -> None:
    doc = read_document(docs / "survey.pdf")
    figure = cp.page_figure(docs, doc, citation(doc))
    assert '<img src="data:image/png;base64,' in figure and 'data-marked="true"' in figure
    assert "p. 2: The quote is highlighted on the page." in figure


def test_the_title_in_the_image_description_is_escaped(docs: Path) -> None:
    doc = read_document(docs / "survey.pdf").model_copy(update={"title": 'A "<b>" title'})
    figure = cp.page_figure(docs, doc, citation(doc))
    assert 'alt="Page 2 of “A &quot;&lt;b&gt;&quot; title”, the quote highlighted"' in figure


def test_a_file_changed_since_indexing_is_not_drawn(docs: Path) -> None:
    doc = read_document(docs / "survey.pdf")
    pdf(docs / "survey.pdf", [["Other text entirely."]])
    figure = cp.page_figure(docs, doc, citation(doc))
    assert "<img" not in figure and cp.CHANGED in figure


def test_other_formats_have_no_page(docs: Path) -> None:
    doc = read_document(docs / "note.txt")
    assert cp.page_figure(docs, doc, citation(doc)) == ""


def test_a_quote_running_over_a_page_end_is_cut_to_the_page_it_starts_on(docs: Path) -> None:
    doc = read_document(docs / "survey.pdf")
    start = doc.text.index("Sites were counted.")
    c = citation(doc, doc.text[start : doc.text.index("Tonnes") + 6])
    assert cp.cited_page(doc, c) == (1, "Sites were counted.")
