"""Memo formatting: paste-ready Markdown whose footnotes carry the exact quotes."""

from __future__ import annotations

import datetime as dt

from assistant.records import Answer, CalcInput, Calculation, Citation
from assistant.web.memo import answer_memo, conversation_memo, footnote

TITLE = "US Critical Minerals Strategy"
HOST = Citation(
    n=1,
    doc_id="minerals",
    title=TITLE,
    quote="Secretary of State Marco Rubio hosted the Ministerial",
    start=120,
    end=172,
)
NATIONS = Citation(
    n=1, doc_id="minerals", title=TITLE, quote="Representatives from 54 nations attended", start=900, end=940
)
EXIM = Citation(n=2, doc_id="minerals", title=TITLE, quote="backed by $10 billion", start=2000, end=2021)


def answer(text: str, citations: list[Citation], day: dt.date | None = dt.date(2026, 3, 1), **extra: object) -> Answer:
    return Answer(question="Who hosted it?", text=text, citations=citations, as_of=day, **extra)  # type: ignore[arg-type]


def test_answer_memo_starts_with_the_question() -> None:
    memo = answer_memo(answer("Marco Rubio hosted it [1].", [HOST]), "Who hosted the Ministerial?")
    assert memo.splitlines()[0] == "**Question:** Who hosted the Ministerial?"


def test_markers_become_footnote_references() -> None:
    memo = answer_memo(answer("Marco Rubio hosted it [1].", [HOST]))
    assert "Marco Rubio hosted it [^1]." in memo


def test_footnote_carries_exact_quote_title_and_paragraph() -> None:
    """The document's title, not its id; its paragraph (or page), not character offsets."""
    memo = answer_memo(answer("Marco Rubio hosted it [1].", [HOST.model_copy(update={"location": "paragraph 4"})]))
    assert f"[^1]: “{HOST.quote}” — *{TITLE}*, paragraph 4." in memo.splitlines()
    assert "minerals" not in memo


def test_footnote_without_a_page_or_paragraph_gives_characters() -> None:
    assert footnote(1, HOST).endswith(f"*{TITLE}*, characters 120–172.")


def test_footnote_puts_a_multiline_quote_on_one_line() -> None:
    quote = HOST.model_copy(update={"quote": "Secretary of State\nMarco Rubio"})
    assert "“Secretary of State Marco Rubio”" in footnote(1, quote)


def test_answer_memo_ends_with_the_as_of_line() -> None:
    memo = answer_memo(answer("Marco Rubio hosted it [1].", [HOST]))
    assert memo.rstrip().splitlines()[-1] == "*As of 2026-03-01.*"


def test_unknown_markers_are_left_alone() -> None:
    memo = answer_memo(answer("Rubio [1] and a literal [7].", [HOST]))
    assert "Rubio [^1] and a literal [7]." in memo


def test_abstention_is_marked_in_the_memo() -> None:
    memo = answer_memo(answer("The source material does not say.", [], abstained=True))
    assert "**Not answered by the sources.**" in memo


def test_resolved_follow_up_is_shown() -> None:
    resolved = "How many nations attended the Ministerial?"
    memo = answer_memo(answer("54 nations [1].", [NATIONS], resolved_question=resolved))
    assert "*Understood as: How many nations attended the Ministerial?*" in memo


def test_calculation_working_stays_in_the_memo() -> None:
    calc = Calculation(
        expression="$10 billion + $2 billion = $12 billion",
        result="$12 billion",
        inputs=[CalcInput(fact_id="exim", label="Export-Import Bank", value="$10 billion", citation=1)],
    )
    text = "**Working:** $10 billion + $2 billion = $12 billion [1]"
    memo = answer_memo(answer(text, [EXIM.model_copy(update={"n": 1})], calculation=calc))
    assert "**Working:** $10 billion + $2 billion = $12 billion [^1]" in memo


def test_conversation_numbers_footnotes_on_across_answers() -> None:
    first = answer("Rubio [1].", [HOST])
    second = answer("54 nations [1]; funding [2].", [NATIONS, EXIM])
    memo = conversation_memo([("Who hosted it?", first), ("How many attended?", second)])
    assert "54 nations [^2]; funding [^3]." in memo
    assert [line[:5] for line in memo.splitlines() if line.startswith("[^")] == ["[^1]:", "[^2]:", "[^3]:"]


def test_conversation_lists_each_question_in_order() -> None:
    memo = conversation_memo(
        [("Who hosted it?", answer("Rubio [1].", [HOST])), ("How many attended?", answer("54 [1].", [NATIONS]))]
    )
    assert memo.index("## 1. Who hosted it?") < memo.index("## 2. How many attended?")


def test_conversation_with_one_date_has_one_as_of_line() -> None:
    memo = conversation_memo([("Q1", answer("A [1].", [HOST])), ("Q2", answer("B [1].", [NATIONS]))])
    assert memo.count("*As of 2026-03-01.*") == 1


def test_conversation_with_different_dates_dates_each_answer() -> None:
    later = answer("B [1].", [NATIONS], dt.date(2026, 4, 1))
    memo = conversation_memo([("Q1", answer("A [1].", [HOST])), ("Q2", later)])
    assert "*As of 2026-03-01.*" in memo and "*As of 2026-04-01.*" in memo


def test_empty_conversation_gives_empty_memo() -> None:
    assert conversation_memo([]) == ""


def test_the_memo_keeps_a_disagreement_with_footnotes_and_titles() -> None:
    from assistant.records import Conflict, ConflictValue

    other = Citation(n=2, doc_id="brief", title="Follow-up brief", quote="about $8 billion", start=10, end=26)
    conflict = Conflict(kind="money", thing="amount: bank", values=[
        ConflictValue(value="$10 billion", citation=2, doc_id="minerals", title=TITLE, start=2010, end=2021),
        ConflictValue(value="about $8 billion", citation=3, doc_id="brief", title="Follow-up brief", start=10, end=26),
    ])  # fmt: skip
    disputed = answer("It is $10 billion [1].", [HOST, EXIM, other.model_copy(update={"n": 3})], conflicts=[conflict])
    memo = answer_memo(disputed)
    line = (f"> **The sources disagree** (amount: bank): $10 billion [^2] (*{TITLE}*); "
            "about $8 billion [^3] (*Follow-up brief*).")  # fmt: skip
    assert line in memo
