"""The composer's pure rules: expected answer types and the short focus of a direct answer."""

from __future__ import annotations

import pytest

from assistant.answer import focus, required_type

RUBIO = "On February 4, 2026, Secretary of State Marco Rubio hosted the inaugural Critical Minerals Ministerial."


@pytest.mark.parametrize(
    ("question", "sentence", "has_it"),
    [
        ("What is the population of Mexico?", "An action plan with Mexico is due within 60 days.", False),
        ("How many nations attended?", "Representatives from 54 nations attended.", True),
        ("What tariff rate will apply?", "Tools like price floors and tariffs are explored.", False),
        ("How much comes from the private sector?", "An additional $2 billion from the private sector.", True),
        ("What is Mark Carney's date of birth?", "Mark Carney is advocating for a coalition.", False),
        ("When was the ministerial held?", RUBIO, True),
    ],
)
def test_a_question_that_asks_for_a_figure_or_date_needs_one_in_the_sentence(
    question: str, sentence: str, has_it: bool
) -> None:
    pattern = required_type(question)
    assert pattern is not None and bool(pattern.search(sentence)) is has_it


def test_a_question_without_a_required_type_has_none() -> None:
    assert required_type("What did the Vice President propose?") is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who hosted the Critical Minerals Ministerial?", "Secretary of State Marco Rubio"),
        ("When was the Critical Minerals Ministerial held?", "February 4, 2026"),
        ("What did the ministerial produce?", None),
    ],
)
def test_the_focus_is_the_part_of_the_sentence_that_answers(question: str, expected: str | None) -> None:
    got = focus(question, RUBIO)
    assert got == expected and (got is None or got in RUBIO)
