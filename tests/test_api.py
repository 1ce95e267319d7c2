"""The answer path: retrieval first, the calculator only for arithmetic, and no rule failure reaches the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answer.decide import AGGREGATES, ARITHMETIC
from assistant.calculate import understanding
from tests.conftest import assert_citations_exact

BRIEF = """Ministerial follow-up

Attendance was unusually senior: 43 of the visiting delegates were foreign or other ministers.

On the same day, the board of the bank approved a direct loan of up to $10 billion for the reserve.

Within 30 days, the US will sign a memorandum of understanding with Japan to cooperate on refining.

The United Kingdom signed its memorandum in London on February 10, 2026.
"""


@pytest.fixture(scope="module")
def brief_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("brief")
    (root / "corpus" / "docs").mkdir(parents=True)
    (root / "corpus" / "docs" / "brief.txt").write_text(BRIEF, "utf-8")
    (root / "corpus" / "docs" / "brief.meta.yaml").write_text("title: Brief\nevent_date: 2026-02-04\n", "utf-8")
    return Assistant.load(Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="minilm"))


@pytest.mark.model
@pytest.mark.parametrize(
    ("question", "value", "quote"),
    [
        ("How many ministers attended?", "43", "43 of the visiting delegates"),
        ("How large is the loan approved for the reserve?", "$10 billion", "a direct loan of up to $10 billion"),
    ],
)
def test_a_stated_value_is_answered_by_the_sentence_that_states_it(
    brief_bot: Assistant, question: str, value: str, quote: str
) -> None:
    answer = brief_bot.ask(question)
    assert not answer.abstained and answer.calculation is None, answer.text
    assert value in answer.text and any(quote in c.quote for c in answer.citations), answer.text
    assert_citations_exact(brief_bot, answer)


@pytest.mark.model
def test_arithmetic_no_sentence_states_is_calculated_from_cited_facts(brief_bot: Assistant) -> None:
    answer = brief_bot.ask("How many days are left until the memorandum with Japan is due?", today=dt.date(2026, 2, 20))
    assert answer.calculation is not None and answer.calculation.result == "14 days", answer.text
    assert all(i.citation <= len(answer.citations) for i in answer.calculation.inputs)


@pytest.mark.model
def test_a_failing_calculator_falls_back_to_the_extractive_answer(
    brief_bot: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr("assistant.calculate.calculator.calculate", broken)
    answer = brief_bot.ask("How many days are left until the memorandum with Japan is due?", today=dt.date(2026, 2, 20))
    assert not answer.abstained and "Within 30 days" in answer.text, answer.text


@pytest.mark.model
def test_a_failing_understanding_answers_from_retrieval_alone(
    brief_bot: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("rule bug")

    monkeypatch.setattr("assistant.chat.conversation.resolve", broken)
    answer = brief_bot.ask("How many ministers attended?")
    assert "43" in answer.text and not answer.abstained


@pytest.mark.model
def test_a_question_naming_something_the_corpus_never_mentions_is_declined(brief_bot: Assistant) -> None:
    answer = brief_bot.ask("When did the US sign its memorandum with Russia?")
    assert answer.abstained and answer.text.startswith("The documents never mention Russia"), answer.text
    assert len(answer.citations) <= 1 and "**" not in answer.text, answer.text  # at most one related passage
    assert_citations_exact(brief_bot, answer)


@pytest.mark.model
def test_another_deadline_is_not_the_answer_when_a_better_sentence_states_a_date(brief_bot: Assistant) -> None:
    """With every extractive answer below the bar, the calculator's one memorandum (Japan's) must not
    answer for the United Kingdom's, whose sentence ranks first and states its own date."""
    strict = replace(brief_bot, settings=brief_bot.settings.model_copy(update={"abstain_below": 0.999}))
    answer = strict.ask("When did the United Kingdom sign its memorandum in London?", today=dt.date(2026, 2, 20))
    assert answer.calculation is None and "March 6, 2026" not in answer.text, answer.text
    due = strict.ask("When is the memorandum with Japan due?", today=dt.date(2026, 2, 20))
    assert due.calculation is not None and due.calculation.result == "March 6, 2026", due.text


@pytest.mark.model
@pytest.mark.parametrize(
    ("question", "value", "quote"),
    [
        ("How much was the loan for the reserve?", "$10 billion", "a direct loan of up to $10 billion"),
    ],
)
def test_a_look_up_the_scorer_doubts_is_answered_by_the_fact_its_best_sentences_state(
    brief_bot: Assistant, question: str, value: str, quote: str
) -> None:
    """With every extractive answer below the bar, a stated value of the asked kind still answers,
    cited to its sentence, when that sentence is among the best candidates."""
    strict = replace(brief_bot, settings=brief_bot.settings.model_copy(update={"abstain_below": 0.999}))
    answer = strict.ask(question)
    assert not answer.abstained and answer.calculation is not None, answer.text
    assert value in answer.text and any(quote in c.quote for c in answer.citations), answer.text
    assert_citations_exact(strict, answer)


@pytest.mark.model
def test_a_look_up_with_no_fact_of_its_kind_stays_declined(brief_bot: Assistant) -> None:
    strict = replace(brief_bot, settings=brief_bot.settings.model_copy(update={"abstain_below": 0.999}))
    answer = strict.ask("How many refineries does Japan run?")
    assert answer.abstained and answer.calculation is None, answer.text


def test_an_empty_party_list_joins_to_nothing() -> None:
    """A commitment fact with no parties crashed `describe` (IndexError); it now describes as ''."""
    assert understanding.join([]) == "" and understanding.join(["A", "B"]) == "A and B"


def test_only_arithmetic_intents_consult_the_calculator() -> None:
    assert {"days_remaining", "money_sum", "due_date"} <= ARITHMETIC
    assert not {"money_amount", "count", "event_date", "partners_list", "unsupported_figure"} & ARITHMETIC
    assert AGGREGATES == {"partners_count", "agreements_count"}  # only when no sentence states the number


def test_the_packaged_scorer_loads_and_was_fitted_by_the_script() -> None:
    import json

    from assistant.answer.scorer import PACKAGED, load_scorer

    scorer = load_scorer()
    body = json.loads(Path(PACKAGED).read_text("utf-8"))
    assert 0.0 < scorer.threshold < 1.0 and body["fitted"]["labels"] == "evals/labels"
    assert "out_of_fold" in body and len(body["curve"]) > 10


PORTS = """Port statistics

Delegations from 54 nations attended the harbour summit.

A working group of 14 countries met in Porto on May 3, 2025.
"""


@pytest.fixture(scope="module")
def doubting_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A corpus with two counts, and a scorer bar no sentence clears: every answer is a look-up."""
    root = tmp_path_factory.mktemp("ports")
    (root / "corpus" / "docs").mkdir(parents=True)
    (root / "corpus" / "docs" / "ports.txt").write_text(PORTS, "utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="minilm", abstain_below=0.999)
    return Assistant.load(settings)


@pytest.mark.model
def test_a_look_up_that_fits_several_facts_takes_the_one_retrieval_ranks_best(doubting_bot: Assistant) -> None:
    answer = doubting_bot.ask("How many countries are in the working group?")
    assert answer.calculation is not None and answer.calculation.result == "14 countries", answer.text
    assert "54" not in answer.text
    assert_citations_exact(doubting_bot, answer)


@pytest.mark.model
def test_a_look_up_is_not_answered_with_a_figure_the_question_gives(doubting_bot: Assistant) -> None:
    answer = doubting_bot.ask("How many of the 54 nations at the summit sent their ministers?")
    assert answer.abstained and answer.calculation is None, answer.text


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    ["How much private money backs the reserve?", "How much does the private sector put into the reserve?"],
)
def test_the_short_answer_is_the_value_of_the_fact_the_question_names(real_bot: Assistant, question: str) -> None:
    """The sentence holds $10 billion (the bank's, next to "backed") and $2 billion (the private sector's)."""
    answer = real_bot.ask(question)
    assert answer.text.startswith("**") and "$2 billion**" in answer.text.split("—")[0], answer.text
