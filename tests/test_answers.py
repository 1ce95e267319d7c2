"""Answers about the shipped article, with the real model: the expected fact, cited to its sentence."""

from __future__ import annotations

import re

import pytest

from assistant import Assistant
from tests.conftest import assert_citations_exact

pytestmark = pytest.mark.model

# (question, a regex the answer must match, a piece of the sentence that must be cited)
ANSWERABLE = [
    ("Who hosted the Critical Minerals Ministerial?", "Marco Rubio", "Marco Rubio hosted the inaugural"),
    ("When was the Critical Minerals Ministerial held?", "February 4, 2026", "On February 4, 2026"),
    ("How many nations attended the ministerial?", "\\b54\\b", "Representatives from 54 nations attended"),
    ("What will the memorandum with Japan and the EU cover?", "lifecycle", "entire lifecycle of critical minerals"),
    ("Who will the US sign a memorandum of understanding with?", "Japan", "memorandum of understanding with Japan"),
    ("What is planned with Mexico?", "action plan", "action plan is slated for implementation with Mexico"),
    ("What will the Mexico action plan focus on?", "cooperative management", "cooperative management and trade"),
    ("What did the Vice President propose?", "preferential trade zones", "Vice President JD Vance articulated"),
    ("Which tools are being explored against dumping?", "price floors", "price floors and tariffs"),
    (
        "How much is the Export-Import Bank contributing to the reserve?",
        "\\$10 billion",
        "$10 billion from the Export-Import Bank",
    ),
    ("How much comes from the private sector?", "\\$2 billion", "$2 billion from the private sector"),
    (
        "Who launched the strategic critical minerals reserve?",
        "Biden administration",
        "the Biden administration launched",
    ),
    (
        "What does the strategic minerals reserve mirror?",
        "Strategic Petroleum Reserve",
        "mirroring the Strategic Petroleum Reserve",
    ),
    (
        "What share of key mineral market capacity does China control?",
        "80%?\\s*(to|–|-)\\s*90%",
        "80% to 90% of key mineral market capacity",
    ),
    (
        "Which organizations has the US withdrawn from?",
        "Paris Agreement|WHO",
        "withdrawn from organizations like the Paris Agreement",
    ),
    ("What is Canada's prime minister advocating?", "middle powers", "Mark Carney is advocating"),
    ("How is China adjusting its approach?", "softening", "softening its diplomatic posture"),
    ("By how much could demand for critical minerals increase?", "400%", "as much as 400%"),
    ("What technologies use critical minerals?", "electric vehicles", "electric vehicles"),
    ("who ran the ministerial meeting", "Marco Rubio", "Marco Rubio hosted"),
    ("EXIM contribution to the stockpile?", "\\$10 billion", "$10 billion from the Export-Import Bank"),
    ("wat did vance propse", "preferential trade zones", "Vice President JD Vance"),
    ("Who hostd the critcal minerals ministeral?", "Marco Rubio", "Marco Rubio hosted"),
    ("chinas share of mineral capacity", "80%?\\s*(to|–|-)\\s*90%", "80% to 90%"),
    # answered since the refit for the questions users ask (issue 19); known misses before
    (
        "What are critical minerals?",
        "economic and national security",
        "minerals essential for economic and national security",
    ),
    ("Why is China's dominance a concern?", "vulnerabilit", "Over-reliance on a single supplier"),
    (
        "What is the US doing to address China's dominance?",
        "partnerships|reserve|mining",
        "The US is forging new partnerships",
    ),
    ("number of countries at the ministerial?", "\\b54\\b", "54 nations"),
]

# Known misses of the learned scorer (evals/fit_scorer.py), each a strict xfail so a fix shows up:
# paraphrases with little word overlap fall below the abstention threshold, terse queries rank a
# neighbour first. The first one dates from the hand-tuned composer.
KNOWN_MISSES = [
    (
        "What is the reserve meant to buffer against?",
        r"supply disruptions",
        "buffer against potential supply disruptions",
    ),
    (
        "Which regions were represented at the meeting?",
        "Latin America|Africa",
        "resource-rich nations in Latin America",
    ),
    ("What previous initiative is the ministerial contrasted with?", "Board of Peace", "Board of Peace"),
]
_XFAIL = pytest.mark.xfail(strict=True, reason="known limitation, see KNOWN_MISSES")

# Answered with a related sentence that lacks the asked date: "What is X's date of birth?" is
# not read as a date question by the rules, so the typed-question decline does not apply. Strict xfail.
UNANSWERED_MISSES = [
    "What is Mark Carney's date of birth?",
]

UNANSWERABLE = [
    "How many barrels does the Strategic Petroleum Reserve hold?",  # the sentence has no count
    "What is the capital of France?",
    "What price floor level was agreed?",
    "What tariff rate will apply to non-member countries?",
    "Who won the 2024 World Cup?",
    "What is the population of Japan?",
    "Which company will run the reserve's warehouses?",
    "What is the recipe for apple pie?",
    "How much lithium did Chile export in 2025?",
]


@pytest.mark.parametrize(
    ("question", "expected", "evidence"), ANSWERABLE + [pytest.param(*m, marks=_XFAIL) for m in KNOWN_MISSES]
)
def test_the_answer_states_the_fact_and_cites_its_sentence(
    real_bot: Assistant, question: str, expected: str, evidence: str
) -> None:
    answer = real_bot.ask(question)
    assert not answer.abstained, answer.text
    assert re.search(expected, answer.text, re.I), answer.text
    assert any(evidence in c.quote or c.quote in evidence for c in answer.citations), answer.citations
    assert_citations_exact(real_bot, answer)


@pytest.mark.parametrize("question", UNANSWERABLE + [pytest.param(q, marks=_XFAIL) for q in UNANSWERED_MISSES])
def test_a_question_the_article_cannot_answer_is_abstained(real_bot: Assistant, question: str) -> None:
    answer = real_bot.ask(question)
    assert answer.abstained, answer.text
    assert re.search(r"\b(not|no)\b", answer.text, re.I), answer.text
    assert_citations_exact(real_bot, answer)


def test_the_answer_text_numbers_match_its_citations(real_bot: Assistant) -> None:
    answer = real_bot.ask("Who hosted the Critical Minerals Ministerial?")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations} and markers


def test_every_number_in_an_extractive_answer_is_in_a_cited_quote(real_bot: Assistant) -> None:
    for question, _, _ in ANSWERABLE:
        answer = real_bot.ask(question)
        if answer.calculation is not None:
            continue
        quoted = " ".join(c.quote for c in answer.citations)
        body = re.sub(r"\[\d+\]", "", answer.text)
        for number in re.findall(r"\d[\d,.]*", body):
            assert number.rstrip(".,") in quoted, (question, number)
