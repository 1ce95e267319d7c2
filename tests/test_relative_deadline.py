"""A deadline the answering sentence counts from a named event is worked out as a date, from cited facts."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant import Assistant
from assistant.calculate.relative import counted_deadline, passage_countdown
from assistant.ingest.extraction import relative_deadline
from assistant.records import DateFact, EventFact, Sentence
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


# --- a deadline counted from a dated act, and a day count to the date a passage gives -------------

BRIEF = "coastal-brief"
LAUNCHED = "The Coastal Resilience Fund was launched by the minister in Plymouth on 2 March 2026."
BIDS = "Councils must submit their bids within 90 days of the launch."
SHORTLIST = "The agency will publish a shortlist by 30 September 2026."
APRIL = dt.date(2026, 4, 1)


def dated(text: str, day: dt.date, start: int, doc: str = BRIEF) -> DateFact:
    return DateFact(id=f"{doc}:date:{start}", doc=doc, quote=text, origin="extracted", start=start,
                    end=start + len(text), date=day)  # fmt: skip


LAUNCH = dated(LAUNCHED, dt.date(2026, 3, 2), 0)
PUBLISH = dated(SHORTLIST, dt.date(2026, 9, 30), 300)


def at(text: str, start: int, doc: str = BRIEF) -> Sentence:
    return Sentence(doc_id=doc, start=start, end=start + len(text), text=text)


@pytest.mark.parametrize(
    ("text", "days", "anchor"),
    [
        ("Residents have 30 days from the announcement to request a survey.", 30, ("announcement",)),
        ("Each applicant gets 2 weeks after the interview to reply.", 14, ("interview",)),
    ],
)
def test_a_span_given_from_a_named_thing_is_a_counted_deadline(text: str, days: int, anchor: tuple) -> None:
    found = relative_deadline(text)
    assert found is not None and (found.days, found.anchor) == (days, anchor)


def test_a_span_of_something_had_is_no_deadline() -> None:
    assert relative_deadline("Delegates had 6 weeks of talks before the vote.") is None


def test_a_deadline_counts_from_the_date_of_the_act_its_noun_names() -> None:
    computed = counted_deadline(at(BIDS, 200), [LAUNCH, PUBLISH], APRIL)
    assert computed is not None and computed.result == "May 31, 2026"
    assert computed.expression == "March 2, 2026 + 90 days = May 31, 2026"
    assert computed.headline == "The deadline is May 31, 2026: 90 days after the launch."
    assert [u.fact.id for u in computed.uses] == [LAUNCH.id, f"{BRIEF}:deadline:{200 + BIDS.index('within')}"]


def test_a_dated_act_elsewhere_or_in_dispute_or_itself_counted_is_no_start() -> None:
    elsewhere = dated(LAUNCHED, dt.date(2026, 3, 2), 0, doc="other-brief")
    assert counted_deadline(at(BIDS, 200), [elsewhere], APRIL) is None  # another document's launch
    relaunch = dated("The fund was launched again on 9 March 2026.", dt.date(2026, 3, 9), 500)
    assert counted_deadline(at(BIDS, 200), [LAUNCH, relaunch], APRIL) is None  # two dates: no pick
    counted = dated("Grants are paid by 1 May 2026, within 60 days of the launch.", dt.date(2026, 5, 1), 600)
    assert counted_deadline(at(BIDS, 200), [counted], APRIL) is None  # a date that is itself a deadline


def test_how_many_days_from_now_is_a_count_from_today() -> None:
    computed = passage_countdown(
        "How many days from now is the shortlist?", at(SHORTLIST, 300), [PUBLISH], APRIL, False
    )
    assert computed is not None and computed.result == "182 days"


def test_a_day_count_goes_to_the_one_date_the_passage_states() -> None:
    computed = passage_countdown(
        "How many days until the shortlist?", at(SHORTLIST, 300), [LAUNCH, PUBLISH], APRIL, False
    )
    assert computed is not None and computed.result == "182 days"
    assert computed.headline == "The passage gives September 30, 2026: 182 days from today (April 1, 2026)."
    assert computed.expression == "September 30, 2026 − April 1, 2026 (today) = 182 days"
    assert [u.fact.id for u in computed.uses] == [PUBLISH.id]


def test_a_day_count_to_a_counted_deadline_shows_both_steps() -> None:
    computed = passage_countdown("How many days until bids are due?", at(BIDS, 200), [LAUNCH], APRIL, False)
    assert computed is not None and computed.result == "60 days"
    assert (
        computed.expression == "March 2, 2026 + 90 days = May 31, 2026; May 31, 2026 − April 1, 2026 (today) = 60 days"
    )
    assert computed.headline.startswith("The deadline is May 31, 2026: 60 days from today")


def test_since_and_has_passed_count_back_from_today() -> None:
    ago = passage_countdown("How many days since the launch?", at(LAUNCHED, 0), [LAUNCH], APRIL, False)
    assert ago is not None and ago.result == "30 days ago"
    passed = passage_countdown("Has the launch passed?", at(LAUNCHED, 0), [LAUNCH], APRIL, True)
    assert passed is not None and passed.result == "Yes" and passed.headline.startswith("Yes. ")


@pytest.mark.parametrize(
    ("question", "text", "start"),
    [
        ("How many days since the launch?", BIDS, 200),  # the launch is what the bids count from, not their date
        ("How many days until the stations open?", SHORTLIST, 300),  # the passage's date is the shortlist's
        ("How many days until the shortlist?", "The shortlist is due in the autumn.", 300),  # no date at all
        ("How many days do councils have to submit bids?", BIDS, 200),  # the span itself, not a count from today
    ],
)
def test_no_day_count_when_the_passage_gives_no_date_for_what_is_asked(question: str, text: str, start: int) -> None:
    assert passage_countdown(question, at(text, start), [LAUNCH, PUBLISH], APRIL, False) is None


METRO = """Metro Link Extension: Delivery Update

The Metro Link extension to Eastfield was approved by the city council on 12 January 2026.

Construction contracts must be signed within 45 days of the approval. The transport authority expects \
to open the first two stations by 15 December 2027.

The extension is funded by a £310 million grant from the national infrastructure bank.
"""
MARCH = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def metro(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from tests.conftest import one_document

    return one_document(tmp_path_factory, "metro", METRO, "minilm")


@pytest.mark.model
@pytest.mark.parametrize(
    ("question", "result", "working"),
    [
        ("When must construction contracts be signed?", "February 26, 2026", "January 12, 2026 + 45 days"),
        ("How many days until the first stations open?", "645 days", "December 15, 2027 − March 10, 2026 (today)"),
        (
            "How many days since the council approved the extension?",
            "57 days ago",
            "March 10, 2026 (today) − January 12",
        ),
    ],
)
def test_an_unseen_brief_gets_its_dates_worked_out_from_cited_sentences(
    metro: Assistant, question: str, result: str, working: str
) -> None:
    answer = metro.ask(question, today=MARCH)
    assert answer.calculation is not None and answer.calculation.result == result, answer.text
    assert working in answer.text
    assert_citations_exact(metro, answer)


@pytest.mark.model
def test_a_day_first_date_is_answered_whole(metro: Assistant) -> None:
    answer = metro.ask("By when will the first stations open?", today=MARCH)
    assert "15 December 2027" in answer.text and not answer.abstained, answer.text


REVIEW = "The review was commissioned on 4 November 2025 and reported to Parliament on 21 January 2026."


@pytest.mark.parametrize(
    ("question", "result"),
    [
        ("How many days since the review was commissioned?", "108 days ago"),
        ("How many days since the review reported to Parliament?", "30 days ago"),
        ("How many days since the budget was set?", None),  # neither date is the budget's
    ],
)
def test_of_two_dates_in_the_passage_the_count_goes_to_the_one_beside_the_asked_word(
    question: str, result: str
) -> None:
    facts = [dated(REVIEW, dt.date(2025, 11, 4), 700), dated(REVIEW, dt.date(2026, 1, 21), 700)]
    computed = passage_countdown(question, at(REVIEW, 700), facts, dt.date(2026, 2, 20), False)
    assert (computed.result if computed else None) == result
