"""A document dropped into an empty corpus, with no YAML, gets calculator answers end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from tests.conftest import assert_citations_exact

NOTE = """Nordic Energy Brief

On March 10, 2027, the ministers of Canada and Norway met at the Ottawa Energy Summit.
Within 45 days, Canada will sign an agreement with Norway to cooperate on offshore wind.
The programme is backed by $3.5 billion from the Nordic Investment Bank
and an additional $1.5 billion from pension funds.
Delegations from 12 countries attended the summit.
"""


@pytest.fixture
def bot(tmp_path: Path) -> Assistant:
    (tmp_path / "corpus" / "docs").mkdir(parents=True)
    (tmp_path / "corpus" / "docs" / "nordic-brief.txt").write_text(NOTE, "utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", embedder="fake")
    return Assistant.load(settings)


@pytest.mark.parametrize(
    ("question", "today", "result"),
    [
        ("When is the agreement with Norway due?", None, "April 24, 2027"),
        ("How many days are left until the Norway agreement is due?", dt.date(2027, 4, 1), "23 days"),
        ("Has the deadline for the agreement with Norway passed?", dt.date(2027, 5, 1), "Yes"),
        ("What is the total funding?", None, "$5 billion"),
        ("What share of the funding comes from pension funds?", None, "30%"),
    ],
)
def test_calculator_answers_come_from_the_new_document_alone(
    bot: Assistant, question: str, today: dt.date | None, result: str
) -> None:
    answer = bot.ask(question, today=today)
    assert answer.calculation is not None, answer.text
    assert answer.calculation.result.startswith(result), answer.calculation
    assert result in answer.text and answer.citations
    assert all(c.doc_id == "nordic-brief" for c in answer.citations)
    assert_citations_exact(bot, answer)


def test_a_stated_amount_is_answered_by_the_sentence_that_states_it(bot: Assistant) -> None:
    answer = bot.ask("How much comes from pension funds?")
    assert answer.calculation is None and not answer.abstained, answer.text
    assert "$1.5 billion" in answer.text and any("$1.5 billion from pension funds" in c.quote for c in answer.citations)


def test_the_follow_up_works_on_the_new_document(bot: Assistant) -> None:
    first = "How much comes from the Nordic Investment Bank?"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": bot.ask(first).text}]
    answer = bot.ask("And from pension funds?", history=history)
    assert answer.resolved_question is not None and "pension funds" in answer.resolved_question
    assert "$1.5 billion" in answer.text and not answer.abstained, answer.text
