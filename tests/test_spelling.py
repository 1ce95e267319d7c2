"""Misspelt questions: a word neither the corpus nor an English dictionary knows is read as the corpus
word it is closest to, for understanding and retrieval; the answer keeps the question as typed."""

from __future__ import annotations

import pytest

from assistant.api import Assistant
from assistant.ingest.lexicon import Lexicon
from tests.conftest import one_document

SURVEY = (
    "Lithium Survey\n\n"
    "The survey team visited eleven brine sites in the northern basin during the spring.\n\n"
    "Representatives from nine provinces attended the closing workshop in Salta.\n"
)
LEXICON = Lexicon.build(SURVEY.splitlines())


@pytest.mark.parametrize(
    ("typed", "read"),
    [("how many provinces atended", "how many provinces attended"),
     ("Which provnices sent people?", "Which provinces sent people?"),
     ("Where is the Nrothern basin?", "Where is the Northern basin?")],
)  # fmt: skip
def test_a_misspelt_word_is_read_as_the_closest_corpus_word(typed: str, read: str) -> None:
    assert LEXICON.respell(typed) == read


@pytest.mark.parametrize(
    "question",
    ["What did the report cover?", "Who wrote the survey?", "Is the mine in Peru?", "how many sites, pls", "the bsn"],
)
def test_real_words_names_the_corpus_lacks_and_short_words_are_left_alone(question: str) -> None:
    assert LEXICON.respell(question) == question


def test_a_real_word_the_corpus_lacks_matches_no_other_word_that_merely_looks_like_it() -> None:
    lexicon = Lexicon.build(["The basin holds oil.", "Each brine sample weighs two kilograms."])
    assert lexicon.query_terms("What is the boiling point of brine?") == ["brine"]  # "boil" is not "oil"
    assert "weigh" in lexicon.query_terms("brine sample weight")  # the same word's other form still matches
    assert lexicon.query_terms("Where did Boil work?") == ["oil"]  # a capitalised word may be a misspelt name


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return one_document(tmp_path_factory, "survey", SURVEY, "minilm")


def test_a_misspelt_question_gets_the_answer_of_the_spelt_one_and_keeps_its_own_words(survey: Assistant) -> None:
    right = survey.ask("How many provinces attended the closing workshop?")
    typed = survey.ask("How many provnices atended the closing workshop?")
    assert "nine" in right.text and typed.text == right.text
    assert typed.question == "How many provnices atended the closing workshop?"
    assert typed.resolved_question == "How many provinces attended the closing workshop?"
