"""Question types by rules: which entity labels, or which head noun, an answer should carry."""

from __future__ import annotations

import pytest

from assistant.ingest.lexicon import stems
from assistant.records import Mention, Sentence
from assistant.retrieve.candidates import typed_mentions
from assistant.retrieve.question import (
    AMOUNTS,
    COUNTS,
    NUMBERS,
    PEOPLE,
    PLACES,
    RATES,
    TIMES,
    answer_type,
    is_year,
)


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
        ("What is the deadline for bids?", TIMES),  # a deadline is a date
        ("What was the closing date of the consultation?", TIMES),
    ],
)
def test_a_wh_word_asks_for_entity_labels(question: str, labels: frozenset[str]) -> None:
    assert answer_type(question).labels == labels


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("harbour dredging cost", AMOUNTS),
        ("EXIM money?", AMOUNTS),
        ("reserve total $$", AMOUNTS),
        ("cobalt share of output", frozenset({"PERCENT"})),
        ("number of ports attending", COUNTS),  # the count, though "ports" is no place noun
        ("staff headcount 2024", COUNTS),
        ("mexico plan deadline", TIMES),
        ("summit host city", PLACES),
        ("trailer weight", NUMBERS),
        ("size of the loan", NUMBERS),  # a size may be a sum
        ("reserve purpose", frozenset()),  # no noun naming a value: for the sentences to answer
        ("Who paid the cost?", PEOPLE),  # an asking word decides, not a noun
    ],
)
def test_a_few_typed_words_ask_for_the_type_their_value_noun_names(question: str, labels: frozenset[str]) -> None:
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


@pytest.mark.parametrize(
    ("question", "duration"),
    [("How long was the workshop closed in spring 2020?", True), ("How long is the river?", True),
     ("When was the workshop closed?", False), ("How many days are left?", False)],
)  # fmt: skip
def test_how_long_asks_for_a_span_of_time_or_a_length(question: str, duration: bool) -> None:
    assert answer_type(question).duration is duration


def _sentence(text: str, *mentions: tuple[str, str]) -> Sentence:
    found = tuple(Mention(label=k, start=text.index(t), end=text.index(t) + len(t), text=t) for k, t in mentions)
    return Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=found)


def test_how_long_is_not_answered_by_a_day_or_a_year() -> None:
    wanted = answer_type("How long was the depot closed?")
    day = _sentence("On 23 March 2020 we closed the depot.", ("DATE", "23 March 2020"))
    year = _sentence("The depot closed in 1998.", ("CARDINAL", "1998"))
    span = _sentence("The depot was closed for five weeks.", ("DATE", "five weeks"))
    length = _sentence("The line runs 86 km.", ("QUANTITY", "86 km"))
    assert typed_mentions(day, wanted, frozenset()) == ()
    assert typed_mentions(year, wanted, frozenset()) == ()
    assert [m.text for m in typed_mentions(span, wanted, frozenset())] == ["five weeks"]
    assert [m.text for m in typed_mentions(length, wanted, frozenset())] == ["86 km"]
    assert [m.text for m in typed_mentions(day, answer_type("When was the depot closed?"), frozenset())] == [
        "23 March 2020"
    ]


def test_a_name_made_mostly_of_the_questions_words_is_its_subject_not_its_answer() -> None:
    wanted = answer_type("Who chairs the harbour fund's review panel?")
    text = "The Coastal Harbour Fund was announced by Minister Ana Ruiz."
    sentence = _sentence(text, ("ORG", "The Coastal Harbour Fund"), ("PERSON", "Ana Ruiz"))
    asked = frozenset(stems("Who chairs the harbour fund's review panel?"))
    assert [m.text for m in typed_mentions(sentence, wanted, asked)] == ["Ana Ruiz"]


@pytest.mark.parametrize(
    ("question", "labels"),
    [("What did the 2011 storm cost the town?", AMOUNTS), ("What did Ravi pay for the van?", AMOUNTS),
     ("What does a season ticket cost?", AMOUNTS), ("What did the council spend the grant on?", frozenset()),
     ("What did the aunt ask for in exchange?", frozenset())],
)  # fmt: skip
def test_what_did_it_cost_or_pay_asks_for_an_amount(question: str, labels: frozenset[str]) -> None:
    assert answer_type(question).labels == labels
