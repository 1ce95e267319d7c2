"""The decision step: answer, show the closest passage (visibly not an answer), or decline; rules switch off by name."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest

from assistant import Assistant
from assistant.answer.decide import RULES, Policy
from assistant.config import Rule
from tests.conftest import assert_citations_exact

CLOSEST = "The documents do not answer this directly. The closest passage is:"


def without(bot: Assistant, *rules: str) -> Assistant:
    return dataclasses.replace(bot, settings=bot.settings.model_copy(update={"rules_off": frozenset(rules)}))


def at_threshold(bot: Assistant, threshold: float) -> Assistant:
    return dataclasses.replace(bot, settings=bot.settings.model_copy(update={"abstain_below": threshold}))


def test_every_rule_the_settings_accept_is_one_the_decision_knows() -> None:
    assert set(RULES) == set(get_args(Rule))


@pytest.mark.parametrize(
    ("rules_off", "rule", "on"),
    [(frozenset(), "typed_decline", True), (frozenset({"typed_decline"}), "typed_decline", False),
     (frozenset({"typed_decline"}), "closest_passage", True)],
)  # fmt: skip
def test_a_policy_applies_every_rule_it_does_not_switch_off(rules_off: frozenset[str], rule: str, on: bool) -> None:
    assert Policy(0.3, 0.15, rules_off=rules_off).on(rule) is on


@pytest.mark.model
def test_an_unsure_answer_shows_the_closest_passage_quoted_and_cited_not_as_an_answer(harbour: Assistant) -> None:
    answer = harbour.ask("When were the new container cranes installed?")  # the cranes sentence holds no date
    assert answer.abstained and answer.text.startswith(CLOSEST), answer.text
    assert len(answer.citations) == 1 and "cranes" in answer.citations[0].quote
    assert_citations_exact(harbour, answer)


@pytest.mark.model
def test_without_the_closest_passage_rule_an_unsure_answer_is_a_plain_decline(harbour: Assistant) -> None:
    answer = without(harbour, "closest_passage").ask("When were the new container cranes installed?")
    assert answer.abstained and not answer.citations and CLOSEST not in answer.text


@pytest.mark.model
def test_a_question_about_nothing_in_the_documents_is_declined_without_a_passage(harbour: Assistant) -> None:
    answer = harbour.ask("What is the boiling point of mercury in kelvin?")
    assert answer.abstained and not answer.citations and CLOSEST not in answer.text, answer.text


@pytest.mark.model
def test_switching_the_typed_decline_off_lets_the_best_sentence_answer(harbour: Assistant) -> None:
    answer = without(at_threshold(harbour, 0.0), "typed_decline").ask("When were the new container cranes installed?")
    assert not answer.abstained and "cranes" in answer.citations[0].quote, answer.text


@pytest.mark.model
def test_a_threshold_above_every_probability_declines_what_it_would_answer(harbour: Assistant) -> None:
    question = "How much did dredging the north channel cost?"
    assert not at_threshold(harbour, 0.0).ask(question).abstained
    declined = without(at_threshold(harbour, 1.0), "doubted_lookup").ask(question)
    assert declined.abstained and declined.calculation is None, declined.text
