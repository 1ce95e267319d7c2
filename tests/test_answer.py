"""The composer's pure rules: the short answer (focus) is a typed mention, never a guess."""

from __future__ import annotations

import pytest

from assistant.answer.compose import Scored, focus, states_date
from assistant.ingest.lexicon import stems
from assistant.records import Mention, Sentence
from assistant.retrieve.candidates import typed_mentions
from assistant.retrieve.question import answer_type

RUBIO = "On February 4, 2026, Secretary of State Marco Rubio hosted the inaugural Critical Minerals Ministerial."


def mention(text: str, label: str, head: str = "") -> Mention:
    start = RUBIO.index(text)
    return Mention(label=label, start=start, end=start + len(text), text=text, head=head)


SENTENCE = Sentence(
    doc_id="d",
    start=0,
    end=len(RUBIO),
    text=RUBIO,
    mentions=(
        mention("February 4, 2026", "DATE"),
        mention("State", "ORG"),
        mention("Marco Rubio", "PERSON"),
        mention("the inaugural Critical Minerals Ministerial", "NP", "ministerial"),
    ),
)


def best_for(question: str) -> Scored:
    typed = typed_mentions(SENTENCE, answer_type(question), frozenset(stems(question)))
    return Scored(0, SENTENCE, 0.9, typed)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who hosted the Critical Minerals Ministerial?", "Marco Rubio"),
        ("When was the Critical Minerals Ministerial held?", "February 4, 2026"),
        ("What did the ministerial produce?", None),
        ("How many nations attended?", None),  # no number in the sentence: no short answer at all
    ],
)
def test_the_focus_is_a_mention_of_the_asked_type(question: str, expected: str | None) -> None:
    got = focus(question, best_for(question))
    assert got == expected and (got is None or got in RUBIO)


def test_a_mention_the_question_already_names_is_not_the_answer() -> None:
    question = "When did Marco Rubio host the ministerial?"
    assert "Marco Rubio" not in [m.text for m in best_for(question).typed]
    assert focus(question, best_for(question)) == "February 4, 2026"


@pytest.mark.parametrize(
    ("text", "dated"), [("March 6, 2026", True), ("1066", True), ("within 30 days", False), (None, False)]
)
def test_a_calendar_date_states_a_date_outright_and_a_span_does_not(text: str | None, dated: bool) -> None:
    assert states_date(text) is dated


def test_who_prefers_a_person_to_a_nearer_organisation() -> None:
    text = "The song, recorded for Sun Records, was written by Bill Aken."
    sentence = Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=(
        Mention(label="ORG", start=text.index("Sun"), end=text.index("Sun") + 11, text="Sun Records"),
        Mention(label="PERSON", start=text.index("Bill"), end=len(text) - 1, text="Bill Aken"),
    ))  # fmt: skip
    question = "Who wrote the song?"
    typed = typed_mentions(sentence, answer_type(question), frozenset(stems(question)))
    assert focus(question, Scored(0, sentence, 0.9, typed)) == "Bill Aken"


def _lender_sentence() -> Sentence:
    text = "The Wend Valley Building Society withdrew the overdraft, and my aunt Cecily Ashdown lent us the money."
    return Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=(
        Mention(label="ORG", start=0, end=32, text=text[:32]),
        Mention(label="PERSON", start=text.index("Cecily"), end=text.index(" lent"), text="Cecily Ashdown"),
    ))  # fmt: skip


def _typed(sentence: Sentence, question: str) -> list[str]:
    ordered = stems(question)
    phrases = frozenset(zip(ordered, ordered[1:], strict=False))
    return [m.text for m in typed_mentions(sentence, answer_type(question), frozenset(ordered), phrases)]


def test_a_name_ending_in_the_words_the_question_calls_it_by_is_its_subject_not_the_answer() -> None:
    question = "Who lent the company money when the building society pulled its overdraft?"
    assert _typed(_lender_sentence(), question) == ["Cecily Ashdown"]


def test_a_which_question_asking_for_that_kind_of_thing_still_gets_the_name() -> None:
    text = "After the Wend Valley Building Society left, the Hexley District Building Society lent us the money."
    start = text.index("the Hexley")
    sentence = Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=(
        Mention(label="NP", start=start, end=start + 36, text=text[start : start + 36], head="Society"),
    ))  # fmt: skip
    question = "Which society lent the money after the building society left?"
    assert _typed(sentence, question) == ["the Hexley District Building Society"]


def _noun_phrases(text: str, *phrases: tuple[str, str]) -> Sentence:
    found = tuple(
        Mention(label="NP", start=text.index(p), end=text.index(p) + len(p), text=p, head=h) for p, h in phrases
    )
    return Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=found)


@pytest.mark.parametrize(
    ("text", "phrases", "question", "expected"),
    [
        # "which trust" asks for one trust by name: a phrase counting trusts is not it
        (
            "This summary compares the five acute trusts in the region.",
            [("the five acute trusts", "trusts")],
            "Which trust has the most nurses?",
            [],
        ),
        (
            "The city has two primary airports, and Will Rogers Airport is the busiest.",
            [("two primary airports", "airports"), ("Will Rogers Airport", "airport")],
            "Which airport is the busiest?",
            ["Will Rogers Airport"],
        ),
        # a year is no count, and a sort of thing may come with its number
        (
            "Seoul hosted the 1988 Summer Olympics.",
            [("the 1988 Summer Olympics", "olympics")],
            "Which Olympics did Seoul host?",
            ["the 1988 Summer Olympics"],
        ),
        (
            "The ship carries 1 CATOBAR carrier wing.",
            [("1 CATOBAR carrier", "carrier")],
            "What type of carrier is it?",
            ["1 CATOBAR carrier"],
        ),
    ],
)
def test_a_phrase_counting_the_things_a_which_question_asks_for_is_not_its_answer(
    text: str, phrases: list[tuple[str, str]], question: str, expected: list[str]
) -> None:
    assert _typed(_noun_phrases(text, *phrases), question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When do applications close?", "November 30, 2026"),  # the word just before it, not the one after the other
        ("When do applications open?", "September 1, 2026"),
    ],
)
def test_of_two_dates_the_short_answer_is_the_one_nearest_the_questions_words(question: str, expected: str) -> None:
    text = "Applications open on September 1, 2026 and close on November 30, 2026."
    dates = tuple(
        Mention(label="DATE", start=text.index(d), end=text.index(d) + len(d), text=d)
        for d in ("September 1, 2026", "November 30, 2026")
    )
    sentence = Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=dates)
    typed = typed_mentions(sentence, answer_type(question), frozenset(stems(question)))
    assert focus(question, Scored(0, sentence, 0.9, typed)) == expected
