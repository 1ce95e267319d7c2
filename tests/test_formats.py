"""PDF and Word documents: text extracted once, citations slice it exactly and know their page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.formats import drop_running_lines, normalised, paragraphs_of, read_docx, read_pdf, with_gaps
from tests.documents import docx, pdf, scanned_pdf

PAGE_ONE = [
    "Reserve Brief",
    "The reserve will hold cobalt, gallium and rare earths so that the",
    "United States can withstand a supply shock. The strate-",
    "gic reserve is backed by $10 billion from the Export-Import Bank.",
]
TWO_COLUMNS = (
    ["The left column opens the page and it", "goes on over a second line of the", "left column."],
    ["The right column begins after", "the left column is done."],
)


def two_page_pdf(tmp_path: Path) -> Path:
    return pdf(tmp_path / "brief.pdf", [PAGE_ONE, TWO_COLUMNS], header="MINERALS WATCH | Issue")


def test_a_pdf_reads_as_paragraphs_with_hyphenated_words_mended(tmp_path: Path) -> None:
    path = two_page_pdf(tmp_path)
    text = read_pdf(path, path.read_bytes()).text
    assert "so that the United States can withstand" in text and "The strategic reserve is backed" in text
    assert "strate-" not in text and "\n" not in text.split("\n\n")[1]


def test_running_headers_and_page_footers_are_dropped(tmp_path: Path) -> None:
    path = two_page_pdf(tmp_path)
    text = read_pdf(path, path.read_bytes()).text
    assert "MINERALS WATCH" not in text and "Page 1 of 2" not in text and text.startswith("Reserve Brief")


def test_a_two_column_page_reads_one_column_after_the_other(tmp_path: Path) -> None:
    path = two_page_pdf(tmp_path)
    text = read_pdf(path, path.read_bytes()).text
    left = "The left column opens the page and it goes on over a second line of the left column."
    assert left in text and text.index(left) < text.index("The right column begins after the left column is done.")


def test_every_stretch_of_pdf_text_knows_its_page(tmp_path: Path) -> None:
    path = two_page_pdf(tmp_path)
    extracted = read_pdf(path, path.read_bytes())
    assert extracted.pages == 2 and [loc.label for loc in extracted.locations] == ["p. 1", "p. 2"]
    second = extracted.locations[1]
    assert extracted.text[second.start : second.end].startswith("The left column")


def test_ligatures_are_spelled_out_before_any_offset_exists() -> None:
    assert normalised(["The ﬁnal ﬂow of eﬀort.\n"]) == ["The final flow of effort."]


def test_a_line_repeated_at_the_top_of_most_pages_is_a_header_and_numbers_may_differ() -> None:
    pages = [["Weekly Report 12", "Body one."], ["Weekly Report 13", "Body two."], ["Other top", "Body three."]]
    assert drop_running_lines(pages) == [["Body one."], ["Body two."], ["Other top", "Body three."]]


def test_a_short_line_with_closing_punctuation_ends_a_paragraph() -> None:
    lines = ["A long first line of a paragraph that wraps onto the next", "line here.", "Next paragraph."]
    expected = "A long first line of a paragraph that wraps onto the next line here.\n\nNext paragraph."
    assert paragraphs_of(lines) == expected


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: scanned_pdf(p), "no text layer (a scanned PDF?): run OCR"),
        (lambda p: pdf(p, [["Secret text."]], password="s3cret"), "encrypted PDF: save a copy without a password"),
        (lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj garbage") and p, "damaged or not a PDF"),
        (lambda p: p.write_bytes(b"") and p, "damaged or not a PDF"),
    ],
)
def test_an_unreadable_pdf_is_one_line_naming_the_file_and_the_fix(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.pdf"
    make(path)
    with pytest.raises(CorpusError) as caught:
        read_pdf(path, path.read_bytes())
    assert caught.value.path == str(path) and message in str(caught.value) and "\n" not in str(caught.value)


WORD = [
    ("h1", "Funding"),
    ("p", "The reserve is backed by $10 billion from the bank."),
    ("table", "Source | Amount"),
    ("h2", "Timeline"),
    ("p", "Talks end in March."),
]


def test_a_word_file_reads_paragraphs_tables_and_headings_in_order_without_its_page_header(tmp_path: Path) -> None:
    path = docx(tmp_path / "brief.docx", WORD, title="Funding brief")
    extracted = read_docx(path, path.read_bytes())
    assert extracted.text.split("\n\n") == [text for _, text in WORD][:-1] + ["Talks end in March.\n"]
    assert extracted.title == "Funding brief" and "OFFICIAL" not in extracted.text


def test_a_word_paragraph_is_located_by_number_and_heading(tmp_path: Path) -> None:
    path = docx(tmp_path / "brief.docx", WORD)
    extracted = read_docx(path, path.read_bytes())
    labels = {extracted.text[loc.start : loc.end]: loc.label for loc in extracted.locations}
    assert labels["Talks end in March."] == "¶ 5, under “Timeline”" and labels["Funding"] == "¶ 1"


def test_a_damaged_word_file_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorpusError, match="damaged or not a Word file"):
        read_docx(path, path.read_bytes())


def test_pdf_and_word_documents_join_a_corpus_and_locate_any_offset(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    two_page_pdf(tmp_path / "docs")
    docx(tmp_path / "docs" / "Funding note.docx", WORD)
    corpus = load_corpus(tmp_path, strict=True)
    brief = corpus.document("brief")
    assert (brief.format, brief.pages) == ("pdf", 2)
    assert brief.location_of(brief.text.index("right column")) == "p. 2"
    note = next(d for d in corpus.documents if d.path == "Funding note.docx")
    assert note.format == "docx" and note.location_of(note.text.index("March")) == "¶ 5, under “Timeline”"


def test_a_scanned_pdf_beside_good_documents_is_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    two_page_pdf(tmp_path / "docs")
    scanned_pdf(tmp_path / "docs" / "scan.pdf")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["brief"]
    assert corpus.skipped[0].path.endswith("scan.pdf") and "no text layer" in corpus.skipped[0].reason


def test_a_step_down_larger_than_the_line_spacing_or_a_jump_up_marks_a_paragraph_gap() -> None:
    lines = [("Title", 700.0), ("one", 680.0), ("two", 666.0), ("three", 652.0), ("four", 630.0), ("five", 616.0)]
    lines += [("column", 700.0), ("six", 686.0)]
    expected = ["Title", "", "one", "two", "three", "", "four", "five", "", "column", "six"]
    assert with_gaps(lines) == expected


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("ministerial-follow-up-brief.pdf", "ministerial-follow-up-brief.txt"),
        ("us-critical-minerals-strategy.docx", "us-critical-minerals-strategy.txt"),
    ],
)
def test_the_evaluation_pdf_and_word_files_lose_no_paragraph_and_no_word(name: str, source: str) -> None:
    """evals/corpora/formats/ holds the ministerial documents laid out as PDF and Word.

    They are made by evals/make_formats_corpus.py."""
    evals = Path(__file__).resolve().parent.parent / "evals" / "corpora"
    path = evals / "formats" / "docs" / name
    extracted = (read_pdf if name.endswith(".pdf") else read_docx)(path, path.read_bytes())
    original = (evals / "ministerial" / "docs" / source).read_text("utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", original) if p.strip()]
    assert extracted.text.strip().split("\n\n") == paragraphs


def test_a_pdf_is_titled_by_its_first_line_even_when_the_text_joins_it_to_the_paragraph(tmp_path: Path) -> None:
    lines = ["Harbour Cooperation Report", "The ports of Rotterdam and Antwerp agreed to share dredging data."]
    path = pdf(
        tmp_path / "harbour.pdf", [lines, ["Funding", "The fund is backed by 240 million euros."]], header="PORT NEWS"
    )
    assert read_pdf(path, path.read_bytes()).title == "Harbour Cooperation Report"  # the running header is no title
    sentence = pdf(tmp_path / "plain.pdf", [["The ports agreed to share dredging data.", "More text follows here."]])
    assert read_pdf(sentence, sentence.read_bytes()).title is None  # a sentence is no title: the file name is used
