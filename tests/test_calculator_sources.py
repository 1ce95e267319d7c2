"""The calculator with inputs the sources disagree on: every source's result, or a question back; never one silently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assistant.calculate.calculator import calculate
from assistant.calculate.sources import rivals
from assistant.calculate.understanding import understand
from assistant.records import CommitmentFact, Computed, Declined, EventFact, Fact, MoneyFact
from tests.facts import ALIASES, FACTS, MARCH_1, shown, traceable

BRIEF = "follow-up-brief"
PRIVATE = MoneyFact(id="brief-private", doc=BRIEF, amount=Decimal("1670000000"), contributor="private sector",
                    purpose="strategic critical minerals reserve",
                    quote="about $1.67 billion from the private sector")  # fmt: skip
SAME_PRIVATE = PRIVATE.model_copy(update={"id": "brief-same", "amount": Decimal("2000000000")})
OTHER_PURPOSE = PRIVATE.model_copy(update={"id": "brief-other", "purpose": "recycling plants"})
LATER_EVENT = EventFact(id="brief-ministerial", doc=BRIEF, name="Critical Minerals Ministerial",
                        date=dt.date(2026, 2, 5),
                        quote="the Critical Minerals Ministerial on February 5, 2026")  # fmt: skip
UNDATED_MOU = CommitmentFact(id="brief-mou", doc=BRIEF, parties=["Japan", "EU"],
                             instrument="memorandum of understanding",
                             quote="a memorandum of understanding with Japan and the EU")  # fmt: skip


def ask(question: str, extra: list[Fact], today: dt.date = MARCH_1) -> Computed | Declined | None:
    facts = [*FACTS, *extra]
    return calculate(understand(question, facts, ALIASES), facts, today)


# (question, the second source's fact, the results by each source, in order)
BOTH = [
    ("What is the total funding of the reserve?", PRIVATE, "$12 billion or $11.67 billion"),
    ("How much did the private sector provide?", PRIVATE, "$2 billion or $1.67 billion"),
    ("How many days have passed since the ministerial?", LATER_EVENT, "25 days ago or 24 days ago"),
]


@pytest.mark.parametrize(("question", "rival", "result"), BOTH, ids=[r[0] for r in BOTH])
def test_disagreeing_inputs_give_every_source_its_result(question: str, rival: Fact, result: str) -> None:
    outcome = ask(question, [rival])
    assert isinstance(outcome, Computed)
    assert outcome.result == result
    assert rival.id in {u.fact.id for u in outcome.rivals}
    assert "sources disagree" in outcome.headline
    assert shown(outcome) <= traceable(outcome, MARCH_1)


@pytest.mark.parametrize(
    "extra", [[], [SAME_PRIVATE], [OTHER_PURPOSE]], ids=["one source", "same value", "other purpose"]
)
def test_agreeing_or_unrelated_facts_give_one_result(extra: list[Fact]) -> None:
    outcome = ask("How much did the private sector provide for the reserve?", extra)
    assert isinstance(outcome, Computed)
    assert outcome.result == "$2 billion"
    assert outcome.rivals == []


def test_a_source_that_cannot_be_computed_makes_it_ask_which_source() -> None:
    outcome = ask("When is the memorandum with Japan and the EU due?", [UNDATED_MOU])
    assert isinstance(outcome, Declined)
    assert "which source" in outcome.message
    assert {u.fact.id for u in outcome.rivals} == {"mou-japan-eu", "brief-mou"}


def test_rivals_are_facts_about_one_thing_with_different_values() -> None:
    groups = rivals([*FACTS, PRIVATE, SAME_PRIVATE, OTHER_PURPOSE])
    assert [sorted(f.id for f in g) for g in groups] == [["brief-private", "brief-same", "reserve-private"]]


def test_an_amount_tied_only_by_its_sentences_gets_its_own_result_beside_the_first() -> None:
    from assistant.calculate.sources import with_rivals

    unnamed = MoneyFact(id="brief-unnamed", doc=BRIEF, amount=Decimal("1670000000"),
                        quote="come to about $1.67 billion")  # fmt: skip
    facts = [*FACTS, unnamed]
    query = understand("What is the total funding of the reserve?", facts, ALIASES)
    first = calculate(query, facts, MARCH_1)
    assert isinstance(first, Computed) and first.result == "$12 billion"  # the facts alone do not tie them

    def handler(chosen: list[Fact]) -> Computed | Declined:
        return calculate(query, chosen, MARCH_1) or first

    both = with_rivals(handler, facts, first, {"reserve-private": unnamed})
    assert both.result == "$12 billion or $11.67 billion"
    assert {u.fact.id for u in both.rivals} == {"reserve-private", "brief-unnamed"}
    assert shown(both) <= traceable(both, MARCH_1)


def test_inputs_disputed_by_more_sources_than_max_sources_ask_which_source() -> None:
    from assistant.calculate.sources import MAX_SOURCES

    copies = [
        PRIVATE.model_copy(update={"id": f"brief-{n}", "doc": f"report-{n}", "amount": Decimal(10**9 + n)})
        for n in range(MAX_SOURCES)
    ]
    outcome = ask("How much did the private sector provide?", copies)
    assert isinstance(outcome, Declined)
    assert "which source" in outcome.message
    assert {u.fact.id for u in outcome.rivals} >= {c.id for c in copies}
