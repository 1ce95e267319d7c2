"""Question understanding: intent and entities of one question, names taken from the facts."""

from __future__ import annotations

import pytest

from assistant.calculate.calculator import calculate
from assistant.calculate.understanding import understand
from tests.facts import ALIASES, FACTS, MARCH_1


@pytest.mark.parametrize(
    "question",
    [
        "Who hosted the Critical Minerals Ministerial?",
        "What are critical minerals?",
        "Why is China's dominance a concern?",
        "What is driving demand for critical minerals?",
        "What does the memorandum of understanding cover?",
        "Which earlier initiative is the ministerial contrasted with?",
        "Where will the next Critical Minerals Ministerial be held?",
        "How long was the Critical Minerals Ministerial?",  # how long it lasted, not how long ago
        "How long did the ministerial last?",
    ],
)
def test_questions_for_retrieval_are_not_calculated(question):
    assert understand(question, FACTS, ALIASES).intent is None
    assert calculate(understand(question, FACTS, ALIASES), FACTS, MARCH_1) is None


def test_misspelled_names_are_mended():
    query = understand("When is the memorandum with Japna due?", FACTS, ALIASES)
    assert query.parties == ("Japan",)


def test_names_come_from_the_facts_not_from_a_list():
    assert understand("When is the MoU with Japan due?", [], ALIASES).parties == ()


def test_facts_without_a_name_in_a_role_are_skipped():
    """An extracted amount with no contributor (None) is still a fact, not a crash."""
    from decimal import Decimal

    from assistant.records import MoneyFact

    fact = MoneyFact(id="m", doc="d", quote="$5 million", amount=Decimal(5_000_000), contributor=None)
    assert understand("How much money is there?", [fact], ALIASES).intent == "money_amount"


def test_a_four_letter_misspelled_name_is_mended():
    query = understand("What persentage of key mineral capacity does Chna control?", FACTS, ALIASES)
    assert query.holders == ("China",) and not query.unknown


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("How long ago was the Critical Minerals Ministerial?", "days_since"),
        ("How long until the MoU deadline?", "days_remaining"),
        ("How long does the US have to sign the MoU?", "days_remaining"),
        ("How much time is left for the Mexico action plan?", "days_remaining"),
    ],
)
def test_a_how_long_question_that_counts_to_or_from_a_point_is_a_day_count(question: str, intent: str) -> None:
    assert understand(question, FACTS, ALIASES).intent == intent
