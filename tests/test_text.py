"""Segmentation: paragraphs, sentences and chunks keep exact offsets into the document."""

from __future__ import annotations

import pytest

from assistant.ingest.text import chunk_sentences, paragraphs, split_sentences

WRAPPED = "# Brief\nThe summit opened on\nMay 1, 2027 in Oslo. It closed a day later.\n\n- first item\n- second item\n"


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in paragraphs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One.\n\nTwo.\n", ["One.", "Two."]),
        ("A line wrapped\nat forty columns.\n", ["A line wrapped\nat forty columns."]),
        ("- one\n- two\n", ["one", "two"]),
        ("1. one\n2) two\n", ["1. one", "2) two"]),
        ("# Heading\nBody text.\n", ["Heading", "Body text."]),
        ("  • indented bullet\n", ["indented bullet"]),
        ("\n\n   \n", []),
    ],
)
def test_paragraphs_are_blank_line_blocks_with_items_and_headings_apart(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_sentence_may_span_a_wrapped_line_and_still_slices_exactly() -> None:
    sentences = split_sentences("d", WRAPPED)
    assert [s.text for s in sentences] == [
        "Brief",
        "The summit opened on\nMay 1, 2027 in Oslo.",
        "It closed a day later.",
        "first item",
        "second item",
    ]
    assert all(WRAPPED[s.start : s.end] == s.text for s in sentences)


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "It is backed by $10 billion from the Export-Import Bank of the U.S. And more from Mr. Smith."
    assert len(split_sentences("d", text)) == 1


def test_chunks_pack_whole_sentences_up_to_the_limit_with_overlap() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(12))
    sentences = split_sentences("d", text)
    chunks = chunk_sentences("d", text, sentences, max_chars=100, overlap=1)
    assert all(len(c.text) <= 100 and text[c.start : c.end] == c.text for c in chunks)
    assert all(a.sentence_ids[-1] == b.sentence_ids[0] for a, b in zip(chunks, chunks[1:], strict=False))
    assert {i for c in chunks for i in c.sentence_ids} == set(range(len(sentences)))


def test_a_sentence_longer_than_the_limit_is_a_chunk_of_its_own() -> None:
    text = "Short one. " + "Very long " * 30 + "sentence."
    chunks = chunk_sentences("d", text, split_sentences("d", text), max_chars=50, overlap=0)
    assert [len(c.sentence_ids) for c in chunks] == [1, 1]


def test_modules_hidden_while_nltk_imports_are_findable_again_and_loaded_ones_untouched() -> None:
    import json  # loaded: left alone, so another thread importing it meanwhile still gets it
    import sys

    from assistant.ingest.text import _hidden

    with _hidden("json", "a_module_nobody_loaded"):
        assert sys.modules["json"] is json
        with pytest.raises(ImportError):
            import a_module_nobody_loaded  # noqa: F401
    assert sys.modules["json"] is json and "a_module_nobody_loaded" not in sys.modules
