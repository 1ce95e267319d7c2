"""Follow-ups: a question resolved against the earlier user turns of a chat, then calculated."""

from __future__ import annotations

import pytest

from assistant.calculate.calculator import calculate
from assistant.calculate.understanding import Query
from assistant.chat.conversation import resolve
from assistant.records import Computed
from tests.facts import ALIASES, FACTS, MARCH_1, MEXICO, MOU, RESERVE, shown, traceable


def chat(*turns: str) -> list[dict]:
    """Earlier turns as chat messages; assistant replies use the Gradio list-of-parts format."""
    history: list[dict] = []
    for turn in turns:
        history.append({"role": "user", "content": turn})
        history.append({"role": "assistant", "content": [{"type": "text", "text": "1 2 3"}]})
    return history


def follow(question: str, *earlier: str) -> Query:
    return resolve(question, chat(*earlier), FACTS, ALIASES)


FOLLOW_UPS = [
    (["By what date must the memorandum with Japan and the EU be signed?"], "And with Mexico?",
     "due_date", "April 5, 2026", MEXICO,
     "By what date must the action plan with Mexico be signed?"),
    (["How much is the Export-Import Bank contributing to the reserve?"],
     "And the private sector?", "money_amount", "$2 billion", {"reserve-private"},
     "How much is the private sector contributing to the reserve?"),
    (["How much is the Export-Import Bank contributing to the reserve?",
      "And the private sector?"], "So what's the total?", "money_sum", "$12 billion", RESERVE,
     None),
    (["How much does EXIM provide?", "What about the private sector?"], "What is the difference?",
     "money_difference", "$8 billion", RESERVE, None),
    (["Who hosted the Critical Minerals Ministerial?"], "How many nations attended it?",
     "count", "54 nations", {"nations-attending"},
     "How many nations attended the Critical Minerals Ministerial?"),
    (["By what date must the memorandum with Japan and the EU be signed?", "And with Mexico?"],
     "And has it passed?", "has_passed", "No", MEXICO, None),
    (["has the mexico plan deadline passed?"], "What about the memorandum?", "has_passed", "No",
     MOU, None),
    (["When is the Mexico action plan due?"], "How many days are left?", "days_remaining",
     "35 days", MEXICO, None),
]  # fmt: skip


@pytest.mark.parametrize(("earlier", "question", "intent", "result", "fact_ids", "text"), FOLLOW_UPS)
def test_follow_ups_take_what_they_leave_out_from_earlier_turns(earlier, question, intent, result, fact_ids, text):
    query = follow(question, *earlier)
    computed = calculate(query, FACTS, MARCH_1)
    assert query.follow_up and query.intent == intent
    assert isinstance(computed, Computed), computed
    assert (computed.result, {u.fact.id for u in computed.uses}) == (result, fact_ids)
    if text:
        assert query.text == text


def test_a_retrieval_follow_up_gets_a_self_contained_text():
    query = follow("What does it cover?", "When is the MoU with the European Union due?")
    assert query.intent is None
    assert "memorandum" in query.text and "Japan" in query.text and "EU" in query.text


def test_a_self_contained_question_does_not_inherit_context():
    earlier = ["By what date must the memorandum with Japan and the EU be signed?",
               "And with Mexico?"]  # fmt: skip
    query = follow("What share of capacity does China not control?", *earlier)
    assert not query.follow_up and query.parties == () and query.instruments == ()
    assert query.text == "What share of capacity does China not control?"
    assert calculate(query, FACTS, MARCH_1).result == "10–20%"


def test_the_current_question_at_the_end_of_history_is_not_counted_twice():
    history = chat("How much does EXIM provide?") + [{"role": "user", "content": "And the ratio?"}]
    query = resolve("And the ratio?", history, FACTS, ALIASES)
    assert query.intent == "money_ratio"


def test_history_content_may_be_a_list_of_text_parts():
    parts = [{"type": "text", "text": "When is the Mexico plan due?"}]
    history = [{"role": "user", "content": parts}]
    query = resolve("And has it passed?", history, FACTS, ALIASES)
    assert query.intent == "has_passed" and query.parties == ("Mexico",)


@pytest.mark.parametrize(("earlier", "question"), [(earlier, q) for earlier, q, *_ in FOLLOW_UPS])
def test_every_number_and_date_shown_in_a_follow_up_is_traceable(earlier, question):
    computed = calculate(follow(question, *earlier), FACTS, MARCH_1)
    assert shown(computed) <= traceable(computed, MARCH_1), question


def test_a_possessive_whose_owner_is_in_the_question_is_not_a_follow_up():
    query = follow(
        "What does the cobalt refinery memo say in its margin?", "Who hosted the Critical Minerals Ministerial?"
    )
    assert not query.follow_up and "Ministerial" not in query.text


def test_a_possessive_with_no_owner_in_the_question_is_a_follow_up():
    query = follow("What is its scope?", "When is the memorandum with Japan and the EU due?")
    assert query.follow_up


@pytest.mark.parametrize(
    ("earlier", "question", "rewritten"),
    [
        # names the facts do not know (a table's rows, a country in prose): the one name is swapped
        ("How much does the South West get?", "And the North East?", "How much does the North East get?"),
        (
            "How many projects does Wales have?",
            "What about the South West?",
            "How many projects does the South West have?",
        ),
        ("When did the United Kingdom sign its memorandum?", "And Norway?", "When did Norway sign its memorandum?"),
    ],
)
def test_a_follow_up_that_is_only_a_name_swaps_the_one_name_of_the_question_before(
    earlier: str, question: str, rewritten: str
) -> None:
    assert follow(question, earlier).text == rewritten


@pytest.mark.parametrize(
    ("earlier", "question"),
    [
        ("How much do Wales and the South West get together?", "And the North East?"),  # two names: which?
        ("How many projects are there in total?", "And the North East?"),  # no name to swap
    ],
)
def test_no_name_is_swapped_unless_the_question_before_has_exactly_one(earlier: str, question: str) -> None:
    assert not follow(question, earlier).text.startswith(earlier[:10])
