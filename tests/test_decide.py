"""The decision step: answer, show the closest passage (visibly not an answer), or decline; rules switch off by name."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import get_args

import pytest

from assistant import Assistant
from assistant.answer.compose import Scored, compose
from assistant.answer.decide import FOLLOW_RATIO, RULES, Asked, Decider, Policy
from assistant.calculate.understanding import Query
from assistant.config import Rule
from assistant.ingest.lexicon import stems
from assistant.records import Answer
from assistant.retrieve.candidates import typed_mentions
from assistant.retrieve.question import answer_type
from tests.conftest import assert_citations_exact, one_document

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
def test_a_question_naming_what_the_documents_never_mention_says_so_with_the_related_passage(
    harbour: Assistant,
) -> None:
    answer = harbour.ask("How much did Rotterdam pay for dredging the north channel?")
    assert answer.abstained and answer.text.startswith("The documents never mention Rotterdam"), answer.text
    assert len(answer.citations) == 1 and "Dredging" in answer.citations[0].quote
    assert_citations_exact(harbour, answer)


@pytest.mark.model
def test_a_question_naming_only_what_the_documents_never_mention_shows_no_passage(harbour: Assistant) -> None:
    answer = harbour.ask("Who won the 2022 FIFA World Cup?")
    assert answer.abstained and not answer.citations, answer.text
    assert "never mention FIFA World Cup" in answer.text and CLOSEST not in answer.text, answer.text


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


STORY = (
    "The Mill Bakery\n\n"
    "In March 2019 the credit union wrote to say it was closing the bakery's account. "
    "My uncle Tobias Marr paid the flour suppliers from his own savings until the spring. "
    "We moved the account to a cooperative bank in May.\n\n"
    "The new ovens arrived in June."
)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return one_document(tmp_path_factory, "story", STORY, "fake")


def scored_as(bot: Assistant, question: str, probabilities: dict[str, float]) -> list[Scored]:
    """The story's sentences that start with each key, with that probability, best first."""
    sentences = bot.index.data.sentences
    wanted = answer_type(question)
    out = []
    for start, p in probabilities.items():
        position = next(i for i, s in enumerate(sentences) if s.text.startswith(start))
        s = sentences[position]
        out.append(Scored(position, s, p, typed_mentions(s, wanted, frozenset(stems(question)))))
    return sorted(out, key=lambda c: -c.score)


WHO = "Who paid the suppliers when the credit union closed the account?"


def test_the_sentence_after_the_best_in_its_paragraph_is_quoted_with_it_and_gives_the_short_answer(story) -> None:
    scored = scored_as(story, WHO, {"In March 2019": 0.6, "My uncle": 0.2, "We moved": 0.05})
    answer = compose(WHO, scored, story.index, story.settings.prompts_dir, 3, 0.3, 0.5, None, FOLLOW_RATIO)
    assert [c.quote[:9] for c in answer.citations] == ["In March ", "My uncle "], answer.text
    assert "**Tobias Marr**" in answer.text and "2019**" not in answer.text, answer.text
    assert_citations_exact(story, answer)


@pytest.mark.parametrize(
    ("probabilities", "why"),
    [({"In March 2019": 0.6, "My uncle": 0.1}, "below the share of the best's probability"),
     ({"My uncle": 0.6, "In March 2019": 0.5}, "before the best, not after it"),
     ({"We moved": 0.6, "The new ovens": 0.5}, "in the next paragraph")],
)  # fmt: skip
def test_no_other_sentence_is_quoted_as_the_follow_on(story, probabilities: dict[str, float], why: str) -> None:
    scored = scored_as(story, WHO, probabilities)
    answer = compose(WHO, scored, story.index, story.settings.prompts_dir, 3, 0.9, 0.99, None, FOLLOW_RATIO)
    assert len(answer.citations) == 1, why


def test_without_the_follow_on_rule_only_the_best_sentence_is_quoted(story) -> None:
    scored = scored_as(story, WHO, {"In March 2019": 0.6, "My uncle": 0.2})
    answer = compose(WHO, scored, story.index, story.settings.prompts_dir, 3, 0.3, 0.5, None, None)
    assert len(answer.citations) == 1 and "Tobias" not in answer.text, answer.text


def test_a_best_sentence_with_its_own_short_answer_is_quoted_alone(story) -> None:
    question = "When did the credit union write about the account?"
    scored = scored_as(story, question, {"In March 2019": 0.6, "My uncle": 0.5})
    answer = compose(question, scored, story.index, story.settings.prompts_dir, 3, 0.9, 0.99, None, FOLLOW_RATIO)
    assert "**March 2019**" in answer.text and len(answer.citations) == 1, answer.text


def test_the_closest_passage_also_quotes_the_sentence_after_it(story) -> None:
    decider = Decider(story.index, story.settings.prompts_dir, Policy(0.9, 0.1))
    scored = scored_as(story, WHO, {"In March 2019": 0.5, "My uncle": 0.2})
    answer = decider._extractive(WHO, scored, {})
    assert answer.abstained and answer.text.startswith(CLOSEST), answer.text
    assert [c.quote[:9] for c in answer.citations] == ["In March ", "My uncle "], answer.text
    assert_citations_exact(story, answer)


def _decided(bot: Assistant, question: str, scored: list[Scored], rules_off: frozenset[str] = frozenset()) -> Answer:
    decider = Decider(bot.index, bot.settings.prompts_dir, Policy(0.3, 0.15, rules_off=rules_off))
    return decider.decide(Asked(question, Query(question=question, text=question), dt.date(2026, 1, 1), {}), scored)


def test_a_sure_sentence_about_something_else_is_neither_an_answer_nor_the_closest_passage(story) -> None:
    question = "How hot do ovens in a power station get?"  # shares "ovens" with the story, nothing more
    best = dataclasses.replace(scored_as(story, question, {"The new ovens": 0.9})[0], cosine=0.05)
    declined = _decided(story, question, [best])
    assert declined.abstained and not declined.citations, declined.text
    answered = _decided(story, question, [best], frozenset({"unrelated"}))
    assert not answered.abstained and "ovens" in answered.citations[0].quote, answered.text
