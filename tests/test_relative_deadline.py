"""A deadline the answering sentence counts from a named event is worked out as a date, from cited facts."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant import Assistant
from assistant.calculate.relative import counted_deadline
from assistant.ingest.extraction import relative_deadline
from assistant.records import EventFact, Sentence
from tests.conftest import assert_citations_exact

DOC = "harbour-review"
PANEL = "The review panel must publish its findings within 6 weeks of the summit."
SUMMIT = EventFact(id="summit", doc=DOC, name="Lisbon Harbour Summit", date=dt.date(2025, 3, 3),
                   quote="The Lisbon Harbour Summit opened on March 3, 2025")  # fmt: skip
TODAY = dt.date(2026, 12, 3)


def sentence(text: str, doc: str = DOC) -> Sentence:
    return Sentence(doc_id=doc, start=100, end=100 + len(text), text=text)


@pytest.mark.parametrize(
    ("text", "days", "anchor"),
    [
        (PANEL, 42, ("summit",)),
        ("The board is due to report to ministers within 90 days of the ministerial.", 90, ("ministerial",)),
        ("Bids close within ten days after the Porto Conference and its side events.", 10, ("porto", "conference")),
        ("Claims are paid in 30 days from the signing of the accord.", 30, ("signing",)),
    ],
)
def test_a_deadline_counted_from_a_named_thing_is_read_with_its_days(text: str, days: int, anchor: tuple) -> None:
    found = relative_deadline(text)
    assert found is not None and (found.days, found.anchor) == (days, anchor)
    assert text[found.start : found.end].lower().startswith(("within", "in "))


@pytest.mark.parametrize(
    "text",
    [
        "Within 30 days, the US will sign a memorandum.",  # counted from no named thing
        "The plan runs within 3 months of the meeting.",  # months have no fixed length
        "Delegates met for 6 weeks of talks.",
    ],
)
def test_no_days_or_no_named_start_is_no_counted_deadline(text: str) -> None:
    assert relative_deadline(text) is None


def test_the_due_date_is_the_events_cited_date_plus_the_days() -> None:
    computed = counted_deadline(sentence(PANEL), [SUMMIT], TODAY)
    assert computed is not None and computed.result == "April 14, 2025"
    assert computed.expression == "March 3, 2025 + 42 days = April 14, 2025"
    assert [u.fact.id for u in computed.uses] == ["summit", f"{DOC}:deadline:{100 + PANEL.index('within')}"]
    assert computed.headline.startswith("The deadline was April 14, 2025")  # in the past on TODAY
    assert counted_deadline(sentence(PANEL), [SUMMIT], dt.date(2025, 3, 10)).headline.startswith("The deadline is")


@pytest.mark.parametrize("days", ["3000000 days", "1000000000 days", "10000000000000000000000 days"])
def test_a_deadline_past_the_calendar_is_no_counted_deadline_and_no_traceback(days: str) -> None:
    assert counted_deadline(sentence(PANEL.replace("6 weeks", days)), [SUMMIT], TODAY) is None


def test_events_that_disagree_on_the_date_give_no_answer_rather_than_a_pick() -> None:
    other = SUMMIT.model_copy(update={"id": "other", "doc": "other-doc", "date": dt.date(2025, 3, 4)})
    assert counted_deadline(sentence(PANEL, doc="third-doc"), [SUMMIT, other], TODAY) is None
    # the sentence's own document decides when it dates the event itself
    computed = counted_deadline(sentence(PANEL), [SUMMIT, other], TODAY)
    assert computed is not None and computed.result == "April 14, 2025"


def test_an_event_the_words_do_not_name_is_not_used() -> None:
    assert counted_deadline(sentence(PANEL.replace("summit", "inspection")), [SUMMIT], TODAY) is None


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    ["By what date must the review panel publish its findings?", "When is the panel due to publish its findings?"],
)
def test_a_date_question_on_such_a_sentence_is_answered_with_the_working(harbour: Assistant, question: str) -> None:
    answer = harbour.ask(question, today=TODAY)
    assert answer.calculation is not None and answer.calculation.result == "April 14, 2025", answer.text
    assert "March 3, 2025 + 42 days" in answer.text
    quotes = [c.quote for c in answer.citations]
    assert any("opened on March 3, 2025" in q for q in quotes) and any("within 6 weeks" in q for q in quotes)
    assert_citations_exact(harbour, answer)


@pytest.mark.model
def test_a_question_for_the_days_themselves_keeps_the_sentence(harbour: Assistant) -> None:
    answer = harbour.ask("How many weeks does the review panel have to publish its findings?", today=TODAY)
    assert answer.calculation is None and "6 weeks" in answer.text, answer.text
