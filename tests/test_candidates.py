"""Candidate features: margins within a document, names and numbers the question uses, absent names."""

from __future__ import annotations

import pytest

from assistant.ingest.lexicon import Lexicon
from assistant.retrieve.candidates import _leads, _per_doc, _ranks, absent_names, names_absent, question_names

LEXICON = Lexicon.build(["Rollo signed the treaty with Charles in 911.", "The Norse settled in the region."])


def test_only_a_clear_winner_has_a_positive_lead() -> None:
    assert _leads([0.9, 0.5, 0.4]) == pytest.approx([0.4, -0.4, -0.5])


def test_a_tie_gives_no_lead() -> None:
    assert _leads([0.7, 0.7]) == [0.0, 0.0]


def test_margins_and_ranks_are_taken_within_each_document() -> None:
    values, docs = [0.9, 0.8, 0.5], ["a", "b", "a"]
    assert _per_doc(_leads, values, docs) == pytest.approx([0.4, 0.0, -0.4])
    assert _per_doc(_ranks, values, docs) == [1.0, 1.0, 0.5]


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("Who did Rollo sign the treaty of Saint-Clair-sur-Epte with?", ("rollo",)),
        ("What did Charles the Simple give?", ("charles the simple", "charles")[:1]),
        ("What is a prime number?", ()),
    ],
)
def test_question_names_are_the_corpus_names_it_uses_longest_first(question: str, found: tuple[str, ...]) -> None:
    names = frozenset({"rollo", "charles the simple", "charles", "norse"})
    assert question_names(question, names) == found


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("who hosted the ministerial", ("ministerial",)),  # "who" is a question word, not the WHO
        ("What did the WHO say about the ministerial?", ("who", "ministerial")),
        ("Which body left the WHO?", ("who",)),
    ],
)
def test_a_name_that_is_also_a_stop_word_counts_only_in_capitals(question: str, found: tuple[str, ...]) -> None:
    assert question_names(question, frozenset({"who", "ministerial"})) == found


@pytest.mark.parametrize(
    ("question", "absent"),
    [
        ("When did the US sign its memorandum with Russia?", True),
        ("When did Rollo sign the treaty?", False),
        ("When did Rolo sign the treaty?", False),  # a misspelling of a corpus word is not a new name
        ("Russia aside, who signed the treaty?", False),  # a capital at the start proves nothing
    ],
)
def test_a_capitalised_word_the_corpus_lacks_is_an_absent_name(question: str, absent: bool) -> None:
    assert names_absent(LEXICON, question) is absent


def test_an_absent_name_is_given_as_the_question_writes_it() -> None:
    question = "Who won the 2022 FIFA World Cup in Qatar, and did Rollo sign with Russia?"
    assert absent_names(LEXICON, question) == ("FIFA World Cup", "Qatar", "Russia")
    assert absent_names(LEXICON, "When did Rollo sign the treaty with the Norse?") == ()


def test_a_known_abbreviation_is_not_an_absent_name() -> None:
    def canonical(word: str) -> str:
        return {"mou": "memorandum of understanding"}.get(word.lower(), word.lower())

    assert names_absent(LEXICON, "When is the MoU with the EU due?")
    assert not names_absent(LEXICON, "When is the MoU due?", canonical)
