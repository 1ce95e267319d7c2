"""Question types by rules: which entity labels, or which head noun, an answer should carry."""

from __future__ import annotations

import pytest

from assistant.retrieve.question import AMOUNTS, COUNTS, PEOPLE, PLACES, RATES, TIMES, answer_type, is_year


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Who hosted the ministerial?", PEOPLE),
        ("Whom did Rollo sign the treaty with?", PEOPLE),
        ("When was the meeting held?", TIMES),
        ("In what year did the Normans conquer England?", TIMES),
        ("Where is the reserve stored?", PLACES),
        ("In what country is Normandy located?", PLACES),
        ("How many nations attended?", COUNTS),
        ("How many days are left until the plan is due?", TIMES | COUNTS),  # "30 days" is a DATE to spaCy
        ("How many tonnes of cobalt will the reserve store?", frozenset({"QUANTITY"})),  # a measure, not a count
        ("How many square miles does the park cover?", frozenset({"QUANTITY"})),
        ("What interest rate does the loan carry?", RATES),
        ("What is the price of lithium per tonne?", AMOUNTS),
        ("How much does the private sector put in?", AMOUNTS),
        ("What percentage of the output does China refine?", frozenset({"PERCENT"})),
        ("How long did the siege last?", TIMES | COUNTS),
    ],
)
def test_a_wh_word_asks_for_entity_labels(question: str, labels: frozenset[str]) -> None:
    assert answer_type(question).labels == labels


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("When the rocks are re-melted, what is formed?", frozenset()),  # asks what, not when
        ("When dating rocks, what is the isotopic date applied to?", frozenset()),
        ("After reopening, where will the art be placed?", PLACES),
        ("If the loan is repaid, how much is left?", AMOUNTS),
        ("When is the deadline, and who signs it?", TIMES),  # "When is ..." asks when
        ("When did the Normans arrive?", TIMES),
        ("Who lent the company money when the bank pulled its overdraft?", PEOPLE),  # a later "when" clause
        ("How much did the council pay when the contract was signed?", AMOUNTS),
    ],
)
def test_a_leading_clause_does_not_decide_what_is_asked(question: str, labels: frozenset[str]) -> None:
    assert answer_type(question).labels == labels


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Which treaty did Rollo sign?", "treati"),
        ("What instrument will the US sign with Japan?", "instrument"),
        ("What kind of reserve was launched?", "reserv"),
    ],
)
def test_which_or_what_x_asks_for_a_phrase_headed_by_x(question: str, head: str) -> None:
    kind = answer_type(question)
    assert kind.head == head and not kind.labels


@pytest.mark.parametrize(
    "question",
    ["Why did the US launch the reserve?", "How does the reserve work?", "What is the reserve?", "Describe the plan."],
)
def test_explanations_and_definitions_ask_for_no_type(question: str) -> None:
    assert not answer_type(question).asked


@pytest.mark.parametrize(
    ("text", "year"), [("911", True), ("in 1066", True), ("1990s", True), ("54", False), ("12,000", False)]
)
def test_a_bare_year_is_recognised(text: str, year: bool) -> None:
    assert is_year(text) is year
