"""The answer path: retrieval first, the calculator only for arithmetic, and no rule failure reaches the user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.api import AGGREGATES, ARITHMETIC
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
        ("When did the United Kingdom sign its memorandum?", "February 10, 2026", "signed its memorandum in London"),
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
    assert answer.abstained and not answer.citations, answer.text


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
