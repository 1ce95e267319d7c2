"""Composing calculator answers: a look-up of one stated value is no calculation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.answer.compose import _stated
from assistant.records import Computed, FactUse, MoneyFact

FACT = MoneyFact(id="d:money:0", doc="d", quote="The fund provides $640 million.", origin="extracted", start=0, end=31,
                 kind="money", amount=Decimal(640_000_000), currency="USD")  # fmt: skip
AMOUNT = FactUse(fact=FACT, label="the amount", value="$640 million")
OTHER = FactUse(fact=FACT, label="the grant", value="$200 million")

# (headline, expression, result, uses) -> whether it is a look-up shown without working
CASES = [
    ("The amount provides $640 million.", "the amount: $640 million", "$640 million", [AMOUNT], True),
    ("The total is $840 million.", "$640 million + $200 million = $840 million", "$840 million", [AMOUNT, OTHER],
     False),
    ("The rest is $440 million.", "$640 million − $200 million = $440 million", "$440 million", [AMOUNT], False),
    ("80% of it.", "the amount: $640 million; 80% × $640 million = $512 million", "$512 million", [AMOUNT], False),
    ("It comes to $640 million.", "$640 million = $640 million", "$640 million", [AMOUNT], True),
    ("By each source.", "by a: the amount: $640 million; by b: the grant: $200 million", "$640 million or $200 million",
     [AMOUNT, OTHER], True),
    ("By each source.", "by a: $640 million + $200 million = $840 million; by b: $200 million = $200 million",
     "$840 million or $200 million", [AMOUNT, OTHER], False),
]  # fmt: skip


@pytest.mark.parametrize(("headline", "expression", "result", "uses", "lookup"), CASES, ids=[c[1] for c in CASES])
def test_a_calculation_whose_only_input_is_the_answer_is_a_look_up(
    headline: str, expression: str, result: str, uses: list[FactUse], lookup: bool
) -> None:
    computed = Computed(headline=headline, expression=expression, result=result, uses=uses)
    assert _stated(computed) is lookup
