"""A question that asks for a date, a name, a place or a figure is declined when the best sentence holds none."""

from __future__ import annotations

import pytest

from assistant import Assistant
from tests.conftest import assert_citations_exact


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    [
        "When were the new container cranes installed?",  # no date near the cranes
        "Who operates the new container cranes?",  # no name in the cranes sentence
        "How much did the container cranes cost?",  # the only amount is the dredging's
        "What interest rate does the dredging loan carry?",  # an amount is not a rate
        "How many tonnes of silt were dredged from the north channel?",  # no measure at all
    ],
)
def test_the_asked_type_missing_from_the_best_sentence_is_declined(harbour: Assistant, question: str) -> None:
    answer = harbour.ask(question)
    assert answer.abstained and answer.calculation is None, answer.text


@pytest.mark.model
@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("When did the Lisbon Harbour Summit open?", "March 3, 2025"),
        ("How much did dredging the north channel cost?", "$40 million"),
        ("How many countries sent port authorities to the summit?", "nine"),
    ],
)
def test_the_asked_type_in_the_best_sentence_is_the_short_answer(harbour: Assistant, question: str, value: str) -> None:
    answer = harbour.ask(question)
    assert not answer.abstained and value in answer.text, answer.text
    assert_citations_exact(harbour, answer)
